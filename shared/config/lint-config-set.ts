import { bundledDnsblZones } from './catalog/dnsbl-zones'
import { bundledDovecotKnowledge } from './catalog/dovecot-catalog'
import { bundledPostfixKnowledge } from './catalog/postfix-catalog'
import { bundledPostfixAdminSchema } from './catalog/postfixadmin-schema'
import { findFile, kindFromName, type ConfigFile, type ConfigFileKind, type ConfigSet } from './config-set'
import { checkFileReferences, collectPostfixMapUses, type MapUse } from './cross-checks/file-references'
import type { CrossContext } from './cross-checks/cross-context'
import { DovecotView } from './cross-checks/dovecot-view'
import { checkMailboxRoot, checkUidRange } from './cross-checks/mailbox-checks'
import { checkPasswordScheme } from './cross-checks/password-scheme-check'
import { checkPostfixDovecotSockets } from './cross-checks/socket-checks'
import { checkQueryAgainstSchema } from './cross-checks/sql-schema-check'
import { readDovecotLines, type DovecotFileLines } from './dovecot/dovecot-lines'
import { lintDovecot } from './dovecot/dovecot-lint'
import { buildDovecotTree, type DovecotFileSource, type DovecotTree, walkDovecot } from './dovecot/dovecot-tree'
import { findingAt, sortFindings, type Finding, type LocatedText } from './finding'
import { parseMainCf, valueSpanToSource, type MainCfDocument } from './postfix/main-cf-parser'
import { lintDbMapConfig, lintDynamicMaps, lintMapSource } from './postfix/map-source-lint'
import { parseMapSource } from './postfix/map-source-parser'
import { parseMasterCf } from './postfix/master-cf-parser'
import { lintPostfix, problemsToFindings } from './postfix/postfix-lint'
import type { PostfixModel } from './postfix/postfix-model'
import { readPhpConf } from './postfixadmin/php-conf-reader'
import { SourceText } from './source-text'
import { baseName } from './glob-match'
import { lastSetting } from './dovecot/dovecot-tree'

export interface LintedFile {
  path: string
  kind: ConfigFileKind
  mapType?: string
}

export interface ConfigLintResult {
  findings: Finding[]
  files: LintedFile[]
  postfixVersion: string
  dovecotVersion: string
}

/** Lints a set of one server's config files: every file on its own, then the mistakes between them. */
export function lintConfigSet(set: ConfigSet): ConfigLintResult {
  const postfixKb = set.postfixCatalog ? { ...bundledPostfixKnowledge, catalog: set.postfixCatalog } : bundledPostfixKnowledge
  const dovecotKb = set.dovecotCatalog ? { ...bundledDovecotKnowledge, catalog: set.dovecotCatalog } : bundledDovecotKnowledge
  const postfixVersion = set.postfixVersion ?? postfixKb.catalog.version
  const dovecotVersion = set.dovecotVersion ?? dovecotKb.catalog.version
  const complete = !!set.complete
  const schema = set.schema ?? bundledPostfixAdminSchema

  const kinds = new Map<string, LintedFile>()
  for (const f of set.files) kinds.set(f.path, { path: f.path, ...(f.kind ? { kind: f.kind, mapType: f.mapType } : kindFromName(f.path)) })
  const sources = new Map<string, SourceText>()
  const located = (path: string): LocatedText | undefined => {
    const f = set.files.find((x) => x.path === path)
    if (!f) return undefined
    let s = sources.get(path)
    if (!s) sources.set(path, (s = new SourceText(f.text)))
    return { path, source: s }
  }
  const findings: Finding[] = []

  // Postfix: main.cf and master.cf (the first of each).
  const mainFile = set.files.find((f) => kinds.get(f.path)?.kind === 'postfix-main')
  const masterFile = set.files.find((f) => kinds.get(f.path)?.kind === 'postfix-master')
  let model: PostfixModel | undefined
  if (mainFile || masterFile) {
    const main = mainFile && { where: located(mainFile.path) as LocatedText, doc: parseMainCf(mainFile.text) }
    const master = masterFile && { where: located(masterFile.path) as LocatedText, doc: parseMasterCf(masterFile.text) }
    const r = lintPostfix({ main, master, knowledge: postfixKb, version: postfixVersion, zones: bundledDnsblZones })
    model = r.model
    findings.push(...r.findings)
    for (const extra of set.files.filter((f) => f !== mainFile && kinds.get(f.path)?.kind === 'postfix-main')) {
      const doc = parseMainCf(extra.text)
      findings.push(...lintPostfix({ main: { where: located(extra.path) as LocatedText, doc }, knowledge: postfixKb, version: postfixVersion, zones: bundledDnsblZones }).findings)
    }
  }

  // Lookup tables named in main.cf / master.cf get their kind from the reference.
  const mapUses = model ? collectPostfixMapUses(model) : []
  /** Files some config points at (unreferenced samples are only syntax-checked when others are present). */
  const referenced = new Set<string>()
  for (const use of mapUses) {
    const file = findFile(set, use.path)
    if (file) referenced.add(file.path)
    const k = file && kinds.get(file.path)
    if (file && k && (k.kind === 'unknown' || k.kind === 'postfix-map' || k.kind === 'postfix-db-map' || k.kind === 'aliases'))
      kinds.set(file.path, { path: file.path, kind: use.dbConfig ? 'postfix-db-map' : baseName(file.path) === 'aliases' ? 'aliases' : 'postfix-map', mapType: use.type })
  }

  // Dovecot: dovecot.conf with its includes (or each loose dovecot file on its own).
  const dovecotFiles = new Map(set.files.filter((f) => kinds.get(f.path)?.kind === 'dovecot').map((f) => [f.path, f.text]))
  const parsedDovecot = new Map<string, DovecotFileLines>()
  const dovecotSource: DovecotFileSource = {
    paths: () => dovecotFiles.keys(),
    lines(path) {
      if (!dovecotFiles.has(path)) return undefined
      let p = parsedDovecot.get(path)
      if (!p) parsedDovecot.set(path, (p = readDovecotLines(dovecotFiles.get(path) as string)))
      return p
    },
  }
  const trees: DovecotTree[] = []
  const roots = [...dovecotFiles.keys()].filter((p) => baseName(p) === 'dovecot.conf')
  for (const r of roots) trees.push(buildDovecotTree(r, dovecotSource))
  const covered = new Set(trees.flatMap((t) => t.files))
  for (const p of dovecotFiles.keys()) if (!covered.has(p)) {
    const t = buildDovecotTree(p, dovecotSource)
    trees.push(t)
    for (const f of t.files) covered.add(f)
  }
  for (const tree of trees) {
    findings.push(...lintDovecot({ tree, knowledge: dovecotKb, version: dovecotVersion, complete, located }))
    // Side files named by passdb/userdb args and dict URIs.
    for (const node of walkDovecot(tree.root)) {
      if (node.kind === 'section' && (node.sectionType === 'passdb' || node.sectionType === 'userdb') && lastSetting(node, 'driver')?.value === 'sql') {
        const args = lastSetting(node, 'args')?.value.trim()
        const file = args ? findFile(set, args) : undefined
        if (file && kinds.get(file.path)?.kind !== 'dovecot') {
          kinds.set(file.path, { path: file.path, kind: 'dovecot-sql' })
          referenced.add(file.path)
        }
      }
      if (node.kind === 'setting' && node.parent.sectionType === 'dict') {
        const m = /^(?:proxy:[^:]*:)?(?:mysql|pgsql|sqlite):(\/\S+)/.exec(node.value)
        const file = m ? findFile(set, m[1] as string) : undefined
        if (file) {
          kinds.set(file.path, { path: file.path, kind: 'dovecot-dict-sql' })
          referenced.add(file.path)
        }
      }
    }
  }
  const mainTree = trees.find((t) => baseName(t.rootFile) === 'dovecot.conf') ?? trees[0]
  const dovecot = mainTree ? new DovecotView(mainTree, dovecotKb.catalog.settings) : undefined

  // Every other file on its own.
  const sideFiles: CrossContext['dovecotSideFiles'] = new Map()
  let postfixadmin: CrossContext['postfixadmin']
  const strictSchema = set.files.some((f) => kinds.get(f.path)?.kind === 'postfixadmin-php')
  for (const f of set.files) {
    const k = kinds.get(f.path) as LintedFile
    const where = located(f.path) as LocatedText
    switch (k.kind) {
      case 'postfix-map': {
        const type = k.mapType ?? 'hash'
        const doc = parseMapSource(f.text, type)
        const use: MapUse = mapUses.find((u) => findFile(set, u.path) === f)?.use ?? 'other'
        findings.push(...problemsToFindings(where, doc.problems), ...lintMapSource(where, doc, type, use, model?.restrictionClasses))
        break
      }
      case 'aliases':
        findings.push(...problemsToFindings(where, parseMapSource(f.text, 'hash').problems))
        break
      case 'postfix-db-map': {
        const doc = parseMainCf(f.text)
        findings.push(...problemsToFindings(where, doc.problems), ...lintDbMapConfig(where, doc, k.mapType ?? 'mysql'))
        if (referenced.has(f.path) || !mainFile)
          findings.push(...dbMapQueries(where, doc, k.mapType ?? 'mysql').flatMap((site) => checkQueryAgainstSchema(site, schema, strictSchema)))
        break
      }
      case 'dovecot-sql':
      case 'dovecot-dict-sql': {
        const lines = readDovecotLines(f.text)
        sideFiles.set(f.path, { where, lines })
        findings.push(...problemsToFindings(where, lines.problems))
        const checkSchema = referenced.has(f.path) || !roots.length
        for (const l of lines.lines) {
          if (checkSchema && l.type === 'setting' && /_query$/.test(l.key))
            findings.push(...checkQueryAgainstSchema({ where, query: l.value, span: (a, b) => ({ from: l.valueSpan.from + a, to: l.valueSpan.from + b }), label: `Dovecot ${l.key}` }, schema, strictSchema))
        }
        if (checkSchema && k.kind === 'dovecot-dict-sql') findings.push(...dictSqlMaps(where, lines, schema, strictSchema))
        break
      }
      case 'dovecot-side':
        findings.push(...problemsToFindings(where, readDovecotLines(f.text).problems))
        break
      case 'postfix-dynamicmaps':
        findings.push(...lintDynamicMaps(where, f.text))
        break
      case 'postfixadmin-php':
        postfixadmin = { where, conf: readPhpConf(f.text) }
        findings.push(...problemsToFindings(where, postfixadmin.conf.problems))
        break
      case 'unknown':
        findings.push(
          findingAt(where, { from: 0, to: 0 }, {
            severity: 'info',
            code: 'config.unknown-file',
            message: `${f.path}: not recognised as a Postfix, Dovecot or PostfixAdmin file, so it was not checked`,
            hint: 'Give its type with --type main.cf|master.cf|dovecot|map, or lint it together with the main.cf that refers to it.',
          }),
        )
        break
      default:
        break
    }
  }

  // Between files.
  const ctx: CrossContext = { set, complete, postfix: model, dovecot, postfixadmin, dovecotSideFiles: sideFiles, schema, located }
  findings.push(...checkFileReferences(ctx, mapUses, trees), ...checkPostfixDovecotSockets(ctx), ...checkMailboxRoot(ctx), ...checkUidRange(ctx), ...checkPasswordScheme(ctx))

  return { findings: sortFindings(dedupe(findings)), files: [...kinds.values()], postfixVersion, dovecotVersion }
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const key = `${f.file}:${f.from}:${f.to}:${f.code}:${f.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function dbMapQueries(where: LocatedText, doc: MainCfDocument, type: string) {
  const label = `${type} map ${baseName(where.path)}`
  const q = [...doc.entries].reverse().find((e) => e.name === 'query')
  if (q) return [{ where, query: q.value, span: (a: number, b: number) => valueSpanToSource(q, a, b), label }]
  const get = (n: string) => doc.entries.filter((e) => e.name === n).pop()
  const table = get('table')
  const select = get('select_field')
  const whereField = get('where_field')
  if (!table || !select || !whereField) return []
  // Legacy form: check each name where it is written.
  return [
    { where, query: `SELECT ${select.value} FROM ${table.value} WHERE ${whereField.value} = '%s'`, span: legacySpan(select.valueSpan, table.valueSpan, whereField.valueSpan, select.value, table.value), label },
  ]
}

function legacySpan(sel: { from: number }, tab: { from: number }, wh: { from: number }, selValue: string, tabValue: string) {
  const a = 'SELECT '.length
  const b = a + selValue.length + ' FROM '.length
  const c = b + tabValue.length + ' WHERE '.length
  return (from: number, to: number) => {
    const base = from >= c ? { at: wh.from, off: c } : from >= b ? { at: tab.from, off: b } : { at: sel.from, off: a }
    return { from: base.at + from - base.off, to: base.at + to - base.off }
  }
}

/** dovecot-dict-sql: map { table = ...  value_field = ...  username_field = ...  fields { col = $var } } */
function dictSqlMaps(where: LocatedText, lines: DovecotFileLines, schema: typeof bundledPostfixAdminSchema, strict: boolean): Finding[] {
  const out: Finding[] = []
  let depth = 0
  let current: { table?: { value: string; span: { from: number; to: number } }; columns: { value: string; span: { from: number; to: number } }[] } | null = null
  for (const l of lines.lines) {
    if (l.type === 'section-begin') {
      depth++
      if (l.sectionType === 'map' && depth === 1) current = { columns: [] }
      continue
    }
    if (l.type === 'section-end') {
      depth--
      if (depth === 0 && current?.table) {
        const cols = current.columns.map((c) => c.value).join(', ')
        const query = `SELECT ${cols || '*'} FROM ${current.table.value}`
        const spans = current.columns
        const tableSpan = current.table.span
        const tableAt = `SELECT ${cols || '*'} FROM `.length
        out.push(
          ...checkQueryAgainstSchema(
            {
              where,
              query,
              label: 'Dovecot dict map',
              span: (a, b) => {
                if (a >= tableAt) return { from: tableSpan.from + a - tableAt, to: tableSpan.from + b - tableAt }
                let at = 'SELECT '.length
                for (const s of spans) {
                  if (a < at + s.value.length) return { from: s.span.from + a - at, to: s.span.from + b - at }
                  at += s.value.length + 2
                }
                return tableSpan
              },
            },
            schema,
            strict,
          ),
        )
      }
      if (depth === 0) current = null
      continue
    }
    if (l.type !== 'setting' || !current) continue
    if (l.key === 'table') current.table = { value: l.value, span: l.valueSpan }
    else if (/_field$/.test(l.key)) current.columns.push({ value: l.value, span: l.valueSpan })
    else if (depth === 2) current.columns.push({ value: l.key, span: l.keySpan })
  }
  return out
}

export type { ConfigFile, ConfigSet }
