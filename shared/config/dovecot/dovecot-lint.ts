import type { DovecotAddition, DovecotChange, DovecotKnowledgeBase } from '../catalog/dovecot-catalog'
import { closestMatch } from '../edit-distance'
import { findingAt, relatedAt, type Finding, type FindingInit, type LocatedText } from '../finding'
import { evaluateTlsProtocols, insecureAllowed } from '../tls-protocols'
import { compareVersions, majorMinor, versionAtLeast } from '../version'
import type { DovecotSectionNode, DovecotSettingNode, DovecotTree } from './dovecot-tree'

/** Sections whose settings are the top-level ones, restricted to a protocol, address or name. */
const FILTER_SECTIONS = new Set(['protocol', 'local', 'remote', 'local_name'])
/** Sections holding free-form `key = value` pairs (plugin settings, dict names). */
const FREE_SECTIONS = new Set(['plugin', 'dict'])
/** Filter sections Dovecot refuses inside another filter (config-parser.c). */
const FILTER_NESTING_ERRORS: Record<string, string[]> = {
  protocol: ['protocol'],
  local: ['remote', 'protocol', 'local_name'],
  local_name: ['remote', 'protocol'],
  remote: ['protocol'],
}
const ALLOWED_CHILDREN: Record<string, string[]> = {
  '': ['service', 'namespace', 'passdb', 'userdb', 'plugin', 'dict', 'metric', 'event_exporter', 'auth', ...FILTER_SECTIONS],
  service: ['unix_listener', 'fifo_listener', 'inet_listener'],
  namespace: ['mailbox'],
}

export interface DovecotLintInput {
  tree: DovecotTree
  knowledge: DovecotKnowledgeBase
  /** The server's Dovecot version; the catalogue's when unknown. */
  version: string
  /** A pulled workspace: a missing include is an error, not a note. */
  complete: boolean
  /** Path -> file text access, for positions. */
  located(path: string): LocatedText | undefined
}

const sectionLabel = (s: DovecotSectionNode) => `${s.sectionType}${s.name ? ' ' + s.name : ''}`

function matchesRule(rule: { name?: string; prefix?: string }, key: string): boolean {
  return rule.name ? rule.name === key : !!rule.prefix && key.startsWith(rule.prefix)
}

/** Dovecot's verdict on a top-level setting name for the server's version, or undefined when fine. */
function topLevelVerdict(kb: DovecotKnowledgeBase, version: string, key: string, value: string): FindingInit | undefined {
  const cat = kb.catalog
  const sameAsCatalog = majorMinor(version) === majorMinor(cat.version)
  const known = key in cat.settings || cat.hiddenSettings.includes(key)
  const change: DovecotChange | undefined = kb.changes.settings.find((c) => matchesRule(c, key) && (c.prefix ? !known : true))
  const added: DovecotAddition | undefined = kb.changes.added.find((a) => matchesRule(a, key))

  if (change && versionAtLeast(version, change.since)) {
    const replacement = change.replacement ?? (change.replacementPrefix && change.prefix ? change.replacementPrefix + key.slice(change.prefix.length) : undefined)
    const doveconf = sameAsCatalog ? cat.obsoleteSettings[key] : undefined
    const fatal = change.fatal || (sameAsCatalog && !known && !doveconf)
    let detail = ''
    if (key === 'ssl_protocols' && /SSLv2/i.test(value))
      detail = ` Dovecot cannot convert "${value}" (it logs "Could not find a minimum ssl_min_protocol setting ... Unrecognized protocol 'SSLv2'") and keeps its default minimum.`
    return {
      severity: fatal ? 'error' : 'warning',
      code: fatal ? 'dovecot.removed-setting' : 'dovecot.obsolete-setting',
      message: `${key} ${change.change === 'removed' ? 'was removed' : change.change === 'renamed' ? 'was renamed' : 'was replaced'} in Dovecot ${change.since}${replacement ? `: use ${replacement}` : ''}${fatal ? `; Dovecot ${majorMinor(version)} refuses to start ("Unknown setting: ${key}")` : doveconf ? ` (doveconf: "${doveconf}")` : ''}.${change.note ? ` Note: ${change.note}.` : ''}${detail}`,
      hint: change.fix ? `Write ${change.fix}.` : replacement ? `Replace it with ${replacement}.` : `Remove ${key}.`,
    }
  }
  if (added && compareVersions(version, added.since) < 0)
    return {
      severity: 'error',
      code: 'dovecot.setting-too-new',
      message: `${key} exists only since Dovecot ${added.since}; Dovecot ${version} refuses to start ("Unknown setting: ${key}")`,
      hint: added.older ? `On ${majorMinor(version)} use ${added.older}.` : `Remove it, or check the server's Dovecot version (dovecot --version).`,
    }
  if (known || change) return undefined
  if (sameAsCatalog && cat.obsoleteSettings[key])
    return {
      severity: 'warning',
      code: 'dovecot.obsolete-setting',
      message: `${key} is obsolete in Dovecot ${cat.version}: doveconf says "${cat.obsoleteSettings[key]}"`,
      hint: `Rewrite it as doveconf suggests; "doveconf -n" prints the converted configuration.`,
    }
  const suggestion = closestMatch(key, Object.keys(cat.settings))
  const verified = compareVersions(version, cat.version) >= 0 || sameAsCatalog
  return {
    severity: verified ? 'error' : 'warning',
    code: 'dovecot.unknown-setting',
    message: verified
      ? `${key} is not a Dovecot ${majorMinor(version)} setting: Dovecot refuses to start ("Unknown setting: ${key}")${suggestion ? `. Did you mean ${suggestion}?` : ''}`
      : `${key} is not in the Dovecot ${cat.version} catalogue; it may exist in ${version}, which could not be checked${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
    hint: suggestion ? `Rename it to ${suggestion}.` : 'Check the name with doveconf -a, or move a plugin setting into plugin { }.',
  }
}

/** Lints the effective Dovecot configuration (dovecot.conf with everything it includes). */
export function lintDovecot(input: DovecotLintInput): Finding[] {
  const { tree, knowledge: kb, version } = input
  const out: Finding[] = []
  const at = (file: string, span: { from: number; to: number }, init: FindingInit) => {
    const where = input.located(file)
    if (where) out.push(findingAt(where, span, init))
  }
  for (const p of tree.problems) at(p.file, p.span, p)
  for (const u of tree.unresolvedIncludes) {
    if (u.include.optional) continue
    at(u.file, u.include.span, {
      severity: input.complete ? 'error' : 'info',
      code: 'dovecot.include-missing',
      message: input.complete
        ? `!include ${u.include.pattern} matches no file (${u.resolved}): Dovecot refuses to start ("No matches" / "Couldn't open include file")`
        : `!include ${u.include.pattern} (${u.resolved}) is not among the files given, so it was not checked`,
      hint: input.complete ? 'Create the file, fix the path, or use !include_try for an optional file.' : 'Lint the included files too, e.g. the whole /etc/dovecot directory.',
    })
  }

  const settingNames = new Set([...Object.keys(kb.catalog.settings), ...kb.catalog.hiddenSettings])
  const visit = (section: DovecotSectionNode, context: string) => {
    const seen = new Map<string, DovecotSettingNode>()
    for (const node of section.children) {
      if (node.kind === 'section') {
        const allowed = ALLOWED_CHILDREN[FILTER_SECTIONS.has(context) ? '' : context]
        if (FILTER_NESTING_ERRORS[node.sectionType]?.includes(context))
          at(node.file, node.typeSpan, {
            severity: 'error',
            code: 'dovecot.bad-nesting',
            message: `${node.sectionType} { } cannot be inside ${context} { }: Dovecot refuses to start`,
            hint: `Put the ${context} section inside the ${node.sectionType} section instead, or side by side.`,
          })
        else if (node.sectionType === 'auth' && context === '')
          at(node.file, node.typeSpan, {
            severity: 'warning',
            code: 'dovecot.obsolete-section',
            message: 'auth { } is the Dovecot 1.x layout: Dovecot 2 reads its settings only as auth_* names',
            hint: 'Prefix each setting inside with auth_ and remove the auth { } section.',
          })
        else if (!FREE_SECTIONS.has(context) && allowed && !allowed.includes(node.sectionType)) {
          const suggestion = closestMatch(node.sectionType, allowed)
          at(node.file, node.typeSpan, {
            severity: 'error',
            code: 'dovecot.unknown-section',
            message: `"${node.sectionType} { }" is not a section Dovecot knows ${context ? `inside ${context} { }` : 'at the top level'}: it refuses to start${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
            hint: suggestion ? `Write ${suggestion} { }.` : 'Check the section name in the Dovecot documentation.',
          })
        } else {
          const added = kb.changes.added.find((a) => a.section === node.sectionType)
          if (added && compareVersions(version, added.since) < 0)
            at(node.file, node.typeSpan, {
              severity: 'error',
              code: 'dovecot.setting-too-new',
              message: `${node.sectionType} { } exists only since Dovecot ${added.since}; Dovecot ${version} refuses to start`,
              hint: 'Remove the section, or check the server version.',
            })
        }
        visit(node, node.sectionType)
        continue
      }
      lintSetting(node, context)
      const prev = seen.get(node.key)
      if (prev && prev.file === node.file && !(node.valueKind === 'variable' && node.value.startsWith('$' + node.key)))
        at(prev.file, prev.keySpan, {
          severity: 'warning',
          code: 'dovecot.duplicate-setting',
          message: `${prev.key} is set again on line ${node.line} in the same ${section.sectionType ? sectionLabel(section) + ' section' : 'file'}; the later value wins, so this one is ignored`,
          hint: 'Delete one of the two lines.',
          related: [relatedAt(input.located(node.file) as LocatedText, node.keySpan.from, `${node.key} = ${node.value}`)],
        })
      seen.set(node.key, node)
    }
  }

  const lintSetting = (node: DovecotSettingNode, context: string) => {
    if (FREE_SECTIONS.has(context)) return
    if (context === '' || FILTER_SECTIONS.has(context)) {
      const verdict = topLevelVerdict(kb, version, node.key, node.value)
      if (verdict) at(node.file, node.keySpan, verdict)
    } else if (kb.catalog.sections[context]) {
      const keys = Object.keys(kb.catalog.sections[context] as Record<string, string>)
      if (!keys.includes(node.key)) {
        const suggestion = closestMatch(node.key, keys)
        at(node.file, node.keySpan, {
          severity: 'error',
          code: 'dovecot.unknown-section-setting',
          message: `${node.key} is not a setting of ${context} { }: Dovecot refuses to start ("Unknown setting: ${context} { ${node.key}")${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
          hint: suggestion ? `Rename it to ${suggestion}.` : `Valid settings here: ${keys.join(', ')}.`,
        })
      }
    }
    if (node.valueKind === 'variable') {
      const name = /^\$([A-Za-z0-9_]+)/.exec(node.value)?.[1]
      if (name && !settingNames.has(name) && !(kb.catalog.sections[context] ?? {})[name])
        at(node.file, node.valueSpan, {
          severity: 'warning',
          code: 'dovecot.undefined-variable',
          message: `$${name} is not a Dovecot setting: the value keeps the text "$${name}" literally`,
          hint: `Use $ only to include another setting's value, e.g. mail_plugins = $mail_plugins quota.`,
        })
    }
    if (node.valueKind === 'heredoc' && compareVersions(version, '2.4') < 0)
      at(node.file, node.valueSpan, {
        severity: 'error',
        code: 'dovecot.heredoc-unsupported',
        message: `Dovecot ${majorMinor(version)} has no here-documents: "<<${node.value.split('\n')[0]}" makes it refuse to start`,
        hint: 'Put the value on one line, or in a file read with key = </path/to/file.',
      })
    if (node.key === 'ssl_protocols') {
      const weak = insecureAllowed(evaluateTlsProtocols(node.value).allowed)
      if (weak.length)
        at(node.file, node.valueSpan, {
          severity: 'warning',
          code: 'dovecot.insecure-tls-protocols',
          message: `ssl_protocols leaves ${weak.join(' and ')} enabled (broken: POODLE, DROWN) whenever OpenSSL still offers ${weak.length > 1 ? 'them' : 'it'}`,
          hint: compareVersions(version, '2.3') < 0 ? 'Write ssl_protocols = !SSLv2 !SSLv3.' : 'Write ssl_min_protocol = TLSv1.2.',
        })
    }
    if (node.key === 'ssl_min_protocol' && /^SSLv[23]$/i.test(node.value.trim()))
      at(node.file, node.valueSpan, {
        severity: 'warning',
        code: 'dovecot.insecure-tls-protocols',
        message: `ssl_min_protocol = ${node.value} allows SSLv3 (broken: POODLE)`,
        hint: 'Write ssl_min_protocol = TLSv1.2.',
      })
    if (node.key === 'protocols')
      for (const p of node.value.split(/\s+/))
        if (p === 'imaps' || p === 'pop3s')
          at(node.file, node.valueSpan, {
            severity: 'warning',
            code: 'dovecot.obsolete-protocol',
            message: `"${p}" is no longer a protocol name: Dovecot 2 serves ${p} through the ${p.slice(0, -1)} protocol's inet_listener ${p}`,
            hint: `Remove ${p}; keep ${p.slice(0, -1)}.`,
          })
  }
  visit(tree.root, '')
  return out
}
