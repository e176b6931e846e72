import { closestMatch } from '../edit-distance'
import { findingAt, relatedAt, type Finding, type LocatedText } from '../finding'
import type { MainCfDocument } from './main-cf-parser'
import { RESTRICTIONS } from './restriction-names'
import type { MapRule, MapSourceDocument } from './map-source-parser'

/** How a table is used, which decides what its results may be. */
export type MapUse = 'access' | 'header-checks' | 'other'

const ACCESS_ACTIONS = new Set([
  'ok', 'reject', 'defer', 'defer_if_reject', 'defer_if_permit', 'bcc', 'discard', 'dunno', 'filter', 'hold', 'prepend', 'redirect',
  'info', 'warn', 'relay', 'permit', 'restrict',
])
const HEADER_ACTIONS = new Set(['bcc', 'discard', 'dunno', 'filter', 'hold', 'ignore', 'info', 'ok', 'pass', 'prepend', 'redirect', 'replace', 'reject', 'strip', 'warn'])

/** Checks the rules of a lookup table source: key/value shape, cidr networks, if/endif nesting, actions. */
export function lintMapSource(where: LocatedText, doc: MapSourceDocument, type: string, use: MapUse, restrictionClasses: ReadonlySet<string> = new Set()): Finding[] {
  const out: Finding[] = []
  const keys = new Map<string, MapRule>()
  let depth = 0
  for (const r of doc.rules) {
    if (r.directive === 'endif') {
      if (--depth < 0) {
        out.push(findingAt(where, r.keySpan, { severity: 'error', code: 'postfix.map-endif-without-if', message: '"endif" without a matching "if": the table is rejected', hint: 'Remove it or add the missing if.' }))
        depth = 0
      }
      continue
    }
    if (r.directive === 'if') {
      depth++
      if (type === 'cidr') out.push(...lintCidrKey(where, r))
      continue
    }
    if (!r.value) {
      out.push(
        findingAt(where, r.keySpan, {
          severity: 'warning',
          code: 'postfix.map-missing-value',
          message: `"${r.key}" has no result: postmap expects "key whitespace value" and skips this line`,
          hint: 'Add the result after the key, separated by a space.',
        }),
      )
      continue
    }
    if (type === 'cidr') out.push(...lintCidrKey(where, r))
    if (type !== 'pcre' && type !== 'regexp' && type !== 'cidr') {
      const k = r.key.toLowerCase()
      const prev = keys.get(k)
      if (prev)
        out.push(
          findingAt(where, r.keySpan, {
            severity: 'warning',
            code: 'postfix.map-duplicate-key',
            message: `"${r.key}" is listed again (first on line ${prev.line}): postmap keeps the first entry and ignores this one`,
            hint: 'Remove one of the two lines.',
            related: [relatedAt(where, prev.keySpan.from, `first ${r.key}`)],
          }),
        )
      else keys.set(k, r)
    }
    const action = (r.value.split(/\s+/)[0] ?? '').toLowerCase()
    if (use === 'access' && !/^[45]\d\d$/.test(action) && !/^\d+$/.test(action) && !/^[45]\.\d+\.\d+$/.test(action)) {
      if (!ACCESS_ACTIONS.has(action) && !RESTRICTIONS.has(action) && !restrictionClasses.has(action)) {
        const suggestion = closestMatch(action, [...ACCESS_ACTIONS, ...RESTRICTIONS.keys()])
        out.push(
          findingAt(where, r.valueSpan, {
            severity: 'error',
            code: 'postfix.map-unknown-action',
            message: `"${r.value.split(/\s+/)[0]}" is not an access(5) action: when this entry matches, the SMTP server answers "451 4.3.5 Server configuration error"${suggestion ? `. Did you mean ${suggestion.toUpperCase()}?` : ''}`,
            hint: 'Use OK, REJECT [text], DUNNO, DEFER, HOLD, DISCARD, a 4xx/5xx reply, or a restriction name.',
          }),
        )
      }
    }
    if (use === 'header-checks' && !HEADER_ACTIONS.has(action))
      out.push(
        findingAt(where, r.valueSpan, {
          severity: 'error',
          code: 'postfix.map-unknown-action',
          message: `"${r.value.split(/\s+/)[0]}" is not a header_checks(5) action: cleanup logs an error and ignores the rule`,
          hint: 'Use REJECT, WARN, DISCARD, IGNORE, HOLD, PREPEND, REPLACE, REDIRECT, FILTER, BCC, INFO or DUNNO.',
        }),
      )
  }
  if (depth > 0) {
    const lastIf = [...doc.rules].reverse().find((r) => r.directive === 'if')
    if (lastIf)
      out.push(findingAt(where, lastIf.keySpan, { severity: 'error', code: 'postfix.map-if-without-endif', message: '"if" without a matching "endif": the table is rejected', hint: 'Close the block with endif.' }))
  }
  return out
}

function lintCidrKey(where: LocatedText, r: MapRule): Finding[] {
  let key = r.key.replace(/^!/, '')
  const bracket = /^\[([^\]]+)\](\/\d+)?$/.exec(key)
  if (bracket) key = (bracket[1] as string) + (bracket[2] ?? '')
  const [addr = '', lenText] = key.split('/')
  const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(addr)
  const v6 = addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr)
  const bad = (message: string, hint: string) => [findingAt(where, r.keySpan, { severity: 'error', code: 'postfix.cidr-bad-network', message, hint })]
  if (!v4 && !v6) return bad(`"${r.key}" is not an IP address or network: Postfix skips this rule`, 'Write a network such as 192.0.2.0/24 or 2001:db8::/32.')
  const max = v4 ? 32 : 128
  const len = lenText === undefined ? max : Number(lenText)
  if (!Number.isInteger(len) || len < 0 || len > max) return bad(`"/${lenText}" is not a valid prefix length for ${v4 ? 'IPv4 (0-32)' : 'IPv6 (0-128)'}`, 'Fix the prefix length.')
  if (v4) {
    const octets = addr.split('.').map(Number)
    if (octets.some((o) => o > 255)) return bad(`"${addr}" has an octet above 255`, 'Fix the address.')
    const value = octets.reduce((a, o) => a * 256 + o, 0)
    const hostBits = len === 32 ? 0 : value % 2 ** (32 - len)
    if (hostBits) {
      const net = value - hostBits
      const fixed = [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')
      return [
        findingAt(where, r.keySpan, {
          severity: 'error',
          code: 'postfix.cidr-host-bits',
          message: `"${r.key}" has host bits set: Postfix skips this rule ("non-null host address bits")`,
          hint: `Write ${fixed}/${len}.`,
        }),
      ]
    }
  }
  return []
}

const DB_KEYS: Record<string, string[]> = {
  common: ['query', 'result_format', 'domain', 'expansion_limit', 'select_field', 'table', 'where_field', 'additional_conditions'],
  mysql: ['hosts', 'user', 'password', 'dbname', 'charset', 'idle_interval', 'retry_interval', 'option_file', 'option_group', 'require_result_set', 'tls_cert_file', 'tls_key_file', 'tls_CAfile', 'tls_CApath', 'tls_ciphers', 'tls_verify_cert'],
  pgsql: ['hosts', 'user', 'password', 'dbname', 'select_function', 'idle_interval', 'retry_interval', 'encoding'],
  sqlite: ['dbpath'],
}

/** mysql_table(5)/pgsql_table(5)/sqlite_table(5) client configs: unknown keys, missing query, legacy form. */
export function lintDbMapConfig(where: LocatedText, doc: MainCfDocument, type: string): Finding[] {
  const out: Finding[] = []
  const known = [...(DB_KEYS.common ?? []), ...(DB_KEYS[type] ?? [])]
  if (!DB_KEYS[type]) return out
  for (const e of doc.entries) {
    if (known.includes(e.name)) continue
    const suggestion = closestMatch(e.name, known)
    out.push(
      findingAt(where, e.nameSpan, {
        severity: 'warning',
        code: 'postfix.dbmap-unknown-key',
        message: `"${e.name}" is not a ${type}_table(5) setting: Postfix ignores it${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
        hint: suggestion ? `Rename it to ${suggestion}.` : `See man 5 ${type}_table.`,
      }),
    )
  }
  const names = new Set(doc.entries.map((e) => e.name))
  if (!names.has('query') && !(names.has('table') && names.has('select_field') && names.has('where_field')))
    out.push(
      findingAt(where, { from: 0, to: 0 }, {
        severity: 'error',
        code: 'postfix.dbmap-no-query',
        message: `No "query" (nor the legacy table/select_field/where_field): every lookup through this ${type} table fails`,
        hint: "Add query = SELECT ... WHERE ...='%s'.",
      }),
    )
  else if (!names.has('query'))
    out.push(
      findingAt(where, doc.entries.find((e) => e.name === 'table')?.nameSpan ?? { from: 0, to: 0 }, {
        severity: 'info',
        code: 'postfix.dbmap-legacy-query',
        message: 'table/select_field/where_field is the pre-Postfix 2.2 form of a query',
        hint: "Replace them with one query = SELECT select_field FROM table WHERE where_field='%s' additional_conditions.",
      }),
    )
  return out
}

/** dynamicmaps.cf: "type  shared-object  init-function  [mkmap-function]" per line. */
export function lintDynamicMaps(where: LocatedText, text: string): Finding[] {
  const out: Finding[] = []
  let offset = 0
  for (const line of text.split('\n')) {
    const t = line.replace(/\r$/, '')
    const trimmed = t.trim()
    if (trimmed && !trimmed.startsWith('#')) {
      const fields = trimmed.split(/\s+/)
      if (fields.length < 3 || fields.length > 4)
        out.push(
          findingAt(where, { from: offset + t.indexOf(trimmed), to: offset + t.length }, {
            severity: 'error',
            code: 'postfix.dynamicmaps-fields',
            message: `A dynamicmaps.cf line needs 3 or 4 fields (type, shared object, init function, optional mkmap function); this one has ${fields.length}`,
            hint: 'Compare with the lines the Postfix packages install.',
          }),
        )
    }
    offset += line.length + 1
  }
  return out
}
