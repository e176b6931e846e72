/** A table or column named in an SQL query, with its offsets in the query text. */
export interface SqlName {
  name: string
  from: number
  to: number
}

export interface SqlColumnRef extends SqlName {
  /** The table (or alias) it is qualified with, if any. */
  qualifier?: SqlName
}

export interface SqlQueryNames {
  /** alias -> table (a table is its own alias) */
  tables: { table: SqlName; alias?: string }[]
  columns: SqlColumnRef[]
  /** false when the query has a shape this reader does not follow (sub-queries, UNION ...). */
  understood: boolean
}

const KEYWORDS = new Set(
  `select from where and or not as on join left right inner outer cross natural using in is null like between case when then else end
  distinct group by order asc desc limit offset having union all exists true false interval binary collate regexp rlike escape div mod
  xor leading trailing both for any some straight_join sql_calc_found_rows high_priority separator unsigned signed char`.split(/\s+/),
)

type Tok = { v: string; from: number; to: number; kind: 'id' | 'str' | 'num' | 'punct' | 'param' }

function tokenize(q: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  while (i < q.length) {
    const c = q[i] as string
    if (/\s/.test(c)) i++
    else if (c === "'" || c === '"') {
      let j = i + 1
      while (j < q.length && q[j] !== c) j += q[j] === '\\' ? 2 : 1
      out.push({ v: q.slice(i, j + 1), from: i, to: j + 1, kind: 'str' })
      i = j + 1
    } else if (c === '`') {
      const j = q.indexOf('`', i + 1)
      const e = j === -1 ? q.length : j
      out.push({ v: q.slice(i + 1, e), from: i + 1, to: e, kind: 'id' })
      i = e + 1
    } else if (c === '%') {
      let j = i + 1
      while (j < q.length && /[%\w{}]/.test(q[j] as string)) j++
      out.push({ v: q.slice(i, j), from: i, to: j, kind: 'param' })
      i = j
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < q.length && /[\w$]/.test(q[j] as string)) j++
      out.push({ v: q.slice(i, j), from: i, to: j, kind: 'id' })
      i = j
    } else if (/[0-9]/.test(c)) {
      let j = i + 1
      while (j < q.length && /[0-9.]/.test(q[j] as string)) j++
      out.push({ v: q.slice(i, j), from: i, to: j, kind: 'num' })
      i = j
    } else {
      out.push({ v: c, from: i, to: i + 1, kind: 'punct' })
      i++
    }
  }
  return out
}

/**
 * Names the tables and columns a simple SELECT uses (the shape of Postfix map and Dovecot passdb
 * queries): FROM/JOIN tables with aliases, qualified and unqualified column names, functions skipped.
 */
export function sqlQueryNames(query: string): SqlQueryNames {
  const toks = tokenize(query)
  const result: SqlQueryNames = { tables: [], columns: [], understood: true }
  const lower = (t?: Tok) => t?.v.toLowerCase()
  if (toks.filter((t) => lower(t) === 'select').length !== 1 || toks.some((t) => lower(t) === 'union')) {
    result.understood = false
    return result
  }
  const selectAliases = new Set<string>()
  let depth = 0
  let inFrom = false
  let expectTable = false
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok
    const l = t.v.toLowerCase()
    if (t.v === '(') depth++
    else if (t.v === ')') depth--
    if (t.kind !== 'id' && !(t.kind === 'punct' && t.v === ',')) {
      continue
    }
    if (depth === 0 && l === 'from') {
      inFrom = true
      expectTable = true
      continue
    }
    if (depth === 0 && ['where', 'group', 'order', 'limit', 'having', 'on'].includes(l)) {
      inFrom = false
      expectTable = false
      continue
    }
    if (depth === 0 && l === 'join') {
      inFrom = true
      expectTable = true
      continue
    }
    if (inFrom && depth === 0) {
      if (t.v === ',') {
        expectTable = true
        continue
      }
      if (expectTable && t.kind === 'id' && !KEYWORDS.has(l)) {
        const entry: { table: SqlName; alias?: string } = { table: { name: t.v, from: t.from, to: t.to } }
        const next = toks[i + 1]
        const afterAs = lower(next) === 'as' ? toks[i + 2] : next
        if (afterAs && afterAs.kind === 'id' && !KEYWORDS.has(afterAs.v.toLowerCase())) {
          entry.alias = afterAs.v
          i += lower(next) === 'as' ? 2 : 1
        }
        result.tables.push(entry)
        expectTable = false
      }
      continue
    }
    if (t.kind !== 'id' || KEYWORDS.has(l)) continue
    const prev = toks[i - 1]
    if (lower(prev) === 'as') {
      selectAliases.add(l)
      continue
    }
    if (toks[i + 1]?.v === '(') continue
    if (prev?.v === '.') continue
    if (toks[i + 1]?.v === '.' && toks[i + 2]?.kind === 'id') {
      const col = toks[i + 2] as Tok
      result.columns.push({ name: col.v, from: col.from, to: col.to, qualifier: { name: t.v, from: t.from, to: t.to } })
      i += 2
      continue
    }
    result.columns.push({ name: t.v, from: t.from, to: t.to })
  }
  result.columns = result.columns.filter((c) => c.qualifier || !selectAliases.has(c.name.toLowerCase()))
  return result
}
