export type Catalogue = 'postfix' | 'dovecot'

export interface ParameterRef {
  catalogue: Catalogue
  name: string
  /** Offsets within the line. */
  from: number
  to: number
}

const POSTFIX_KINDS = new Set(['postfix-main', 'postfix-master'])
const DOVECOT_KINDS = new Set(['dovecot'])

export function catalogueOfKind(kind: string): Catalogue | null {
  return POSTFIX_KINDS.has(kind) ? 'postfix' : DOVECOT_KINDS.has(kind) ? 'dovecot' : null
}

/**
 * The parameter (setting) name under a column of a line, if any: a main.cf parameter being set, a
 * master.cf `-o name=`, a `$name` / `${name}` reference, a dovecot `key =`.
 */
export function parameterAt(kind: string, line: string, column: number): ParameterRef | null {
  const catalogue = catalogueOfKind(kind)
  if (!catalogue) return null
  const word = /[A-Za-z0-9_]/
  let from = column
  let to = column
  while (from > 0 && word.test(line.charAt(from - 1))) from--
  while (to < line.length && word.test(line.charAt(to))) to++
  if (from === to) return null
  const name = line.slice(from, to)
  const before = line.slice(0, from)
  const after = line.slice(to)
  const ref = { catalogue, name, from, to }
  if (/\$[{(]?$/.test(before)) return ref
  if (/^\s*#/.test(line)) return null
  if (kind === 'postfix-main') return before === '' ? ref : null
  if (kind === 'postfix-master') return /(^|\s)-o\s+\{?\s*$/.test(before) ? ref : null
  // dovecot: `key = value` (the key may follow indentation)
  return /^\s*$/.test(before) && /^\s*=/.test(after) ? ref : null
}

/** What completion offers at the cursor: the typed prefix of a parameter name and where it starts, or null. */
export function completionContext(kind: string, lineBefore: string): { from: number; prefix: string; catalogue: Catalogue } | null {
  const catalogue = catalogueOfKind(kind)
  if (!catalogue) return null
  if (/^\s*#/.test(lineBefore)) return null
  const ref = /\$\{?([A-Za-z0-9_]*)$/.exec(lineBefore)
  if (ref) return { from: lineBefore.length - (ref[1] as string).length, prefix: ref[1] as string, catalogue }
  const m =
    kind === 'postfix-main' ? /^([A-Za-z0-9_]*)$/.exec(lineBefore)
    : kind === 'postfix-master' ? /(?:^|\s)-o\s+([A-Za-z0-9_]*)$/.exec(lineBefore)
    : /^\s*([A-Za-z0-9_]*)$/.exec(lineBefore)
  if (!m) return null
  const prefix = m[1] as string
  return { from: lineBefore.length - prefix.length, prefix, catalogue }
}
