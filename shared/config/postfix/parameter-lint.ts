import type { PostfixChange } from '../catalog/postfix-catalog'
import { closestMatch } from '../edit-distance'
import { findingAt, relatedAt, type Finding, type FindingInit } from '../finding'
import { compareVersions, versionAtLeast } from '../version'
import { valueSpanToSource } from './main-cf-parser'
import { parseExpansions } from './postfix-expansions'
import type { ParameterSetting, PostfixModel } from './postfix-model'

const at = (s: ParameterSetting, from: number, to: number) => valueSpanToSource(s, from, to)

/** How Postfix regards a parameter name in main.cf or an -o override. */
type NameStatus =
  | { kind: 'known' }
  | { kind: 'change'; change: PostfixChange }
  | { kind: 'too-new'; since: string }
  | { kind: 'per-transport-unused'; service: string }
  | { kind: 'unknown'; suggestion?: string }

export function nameStatus(model: PostfixModel, name: string): NameStatus {
  const { catalog, history } = model.kb
  const change = model.parameterChanges.get(name)
  if (change && (!change.since || versionAtLeast(model.version, change.since))) return { kind: 'change', change }
  if (name in catalog.parameters) {
    const since = history.parameters[name]?.since
    if (since && compareVersions(model.version, since) < 0) return { kind: 'too-new', since }
    return { kind: 'known' }
  }
  if (change || name in catalog.legacyNames) return { kind: 'known' }
  if (model.referenced.has(name) || model.restrictionClasses.has(name)) return { kind: 'known' }
  for (const prefix of model.dbmsPrefixes) if (name.startsWith(prefix + '_')) return { kind: 'known' }
  const service = model.transportOf(name)
  if (service !== undefined) {
    if (!model.masterFile || model.services.some((s) => s.service === service)) return { kind: 'known' }
    return { kind: 'per-transport-unused', service }
  }
  return { kind: 'unknown', suggestion: closestMatch(name, model.parameterNames) }
}

function nameFinding(model: PostfixModel, s: ParameterSetting, status: NameStatus): FindingInit | undefined {
  const where = s.service ? `master.cf service ${s.service.key}` : 'main.cf'
  switch (status.kind) {
    case 'known':
      return undefined
    case 'change': {
      const c = status.change
      const since = c.since ? ` in Postfix ${c.since}` : ''
      const verb = c.change === 'removed' ? `was removed${since} and is ignored` : c.change === 'renamed' ? `was renamed${since}` : `is deprecated${since ? ' since' + since.slice(3) : ''}`
      return {
        severity: 'warning',
        code: c.change === 'removed' ? 'postfix.removed-parameter' : 'postfix.deprecated-parameter',
        message: `${s.name} ${verb}${c.replacement ? `; the current parameter is ${c.replacement}` : ''}${c.note ? ` (${c.note})` : ''}`,
        hint: c.fix ? `Write ${c.fix}.` : c.replacement ? `Use ${c.replacement} instead.` : `Remove ${s.name}.`,
      }
    }
    case 'too-new':
      return {
        severity: 'warning',
        code: 'postfix.parameter-too-new',
        message: `${s.name} exists only since Postfix ${status.since}; this server runs ${model.version} and ignores it`,
        hint: `Remove it, or check the server's Postfix version (postconf mail_version).`,
      }
    case 'per-transport-unused':
      return {
        severity: 'warning',
        code: 'postfix.unused-transport-parameter',
        message: `${s.name} configures a transport "${status.service}", but master.cf has no service of that name: Postfix ignores it ("unused parameter")`,
        hint: `Define the "${status.service}" service in master.cf, or remove ${s.name}.`,
      }
    case 'unknown':
      return {
        severity: 'warning',
        code: 'postfix.unknown-parameter',
        message: `${s.name} is not a Postfix ${model.kb.catalog.version.split('.').slice(0, 2).join('.')} parameter and nothing refers to it as $${s.name}: Postfix ignores it ("unused parameter") in ${where}${status.suggestion ? `. Did you mean ${status.suggestion}?` : ''}`,
        hint: status.suggestion ? `Rename it to ${status.suggestion}.` : 'Check the spelling against postconf -d, or remove it.',
      }
  }
}

function isDefined(model: PostfixModel, name: string): boolean {
  const c = model.kb.catalog
  if (name in c.parameters || name in c.legacyNames) return true
  if (model.main.has(name) || model.overrides.some((o) => o.name === name)) return true
  if (model.restrictionClasses.has(name)) return true
  for (const p of model.dbmsPrefixes) if (name.startsWith(p + '_')) return true
  const service = model.transportOf(name)
  return service !== undefined && (!model.masterFile || model.services.some((s) => s.service === service))
}

/** Names, references, duplicates and value hazards of every main.cf line and -o override. */
export function lintParameters(model: PostfixModel): Finding[] {
  const out: Finding[] = []
  const raw = new Set(model.kb.catalog.rawParameters)
  const settings = [...model.mainSettings, ...model.overrides]

  for (const s of settings) {
    // postconf does not report unknown -o names of pipe(8) services; neither do we.
    const status = s.service?.command === 'pipe' ? ({ kind: 'known' } as const) : nameStatus(model, s.name)
    const init = nameFinding(model, s, status)
    if (init) out.push(findingAt(s.where, s.nameSpan, init))

    if (/(^|\s)#/.test(s.value)) {
      const i = s.value.search(/(^|\s)#/) + (s.value.startsWith('#') ? 0 : 1)
      out.push(
        findingAt(s.where, at(s, i, s.value.length), {
          severity: 'warning',
          code: 'postfix.inline-comment',
          message: `"${s.value.slice(i)}" is part of the value of ${s.name}: Postfix has no end-of-line comments`,
          hint: 'Move the comment to a line of its own that starts with #.',
        }),
      )
    }
    if (raw.has(s.name)) continue
    const { references, problems } = parseExpansions(s.value)
    for (const p of problems) out.push(findingAt(s.where, at(s, p.from, p.to), { severity: 'warning', code: p.code, message: `${s.name}: ${p.message}`, hint: p.hint }))
    for (const r of references) {
      if (isDefined(model, r.name)) continue
      const suggestion = closestMatch(r.name, model.parameterNames) ?? closestMatch(r.name, model.main.keys())
      out.push(
        findingAt(s.where, at(s, r.from, r.to), {
          severity: 'warning',
          code: 'postfix.undefined-parameter',
          message: `$${r.name} is not defined (not a Postfix parameter, not set in main.cf or master.cf): it expands to an empty string${suggestion ? `. Did you mean $${suggestion}?` : ''}`,
          hint: suggestion ? `Write $${suggestion}.` : `Define ${r.name} in main.cf or fix the name.`,
        }),
      )
    }
  }

  // The later setting wins: mark the earlier, dead one.
  const lint = (list: ParameterSetting[], scope: string) => {
    const seen = new Map<string, ParameterSetting>()
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i] as ParameterSetting
      const later = seen.get(s.name)
      if (!later) {
        seen.set(s.name, s)
        continue
      }
      const laterPos = later.where.source.positionAt(later.nameSpan.from)
      out.push(
        findingAt(s.where, s.nameSpan, {
          severity: 'warning',
          code: 'postfix.duplicate-parameter',
          message: `${s.name} is set again on line ${laterPos.line}${scope}; the later value wins, so this one is ignored`,
          hint: 'Delete one of the two lines, keeping the value you want.',
          related: [relatedAt(later.where, later.nameSpan.from, `${s.name} = ${later.value}`)],
        }),
      )
    }
  }
  lint(model.mainSettings, '')
  for (const svc of model.services)
    lint(
      model.overrides.filter((o) => o.service === svc),
      ` for service ${svc.key}`,
    )
  return out
}
