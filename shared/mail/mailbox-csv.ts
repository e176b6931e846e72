// The mailbox CSV Postdesk imports and exports: a header row naming the columns (address, name,
// password, quota_mb, active; others ignored), RFC 4180 quoting, UTF-8, LF or CRLF.

export interface MailboxCsvRow {
  /** 1-based line of the record in the file */
  line: number
  address: string
  name: string
  password: string
  quotaMb?: number
  active: boolean
}

export interface CsvProblem {
  line: number
  reason: string
  message: string
}

/** RFC 4180 records (quoted fields may hold commas, quotes as "" and newlines); the line each starts on. */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = []
  let i = 0
  let line = 1
  const s = text.replace(/^\uFEFF/, '')
  while (i < s.length) {
    const start = line
    const fields: string[] = []
    for (;;) {
      let f = ''
      if (s[i] === '"') {
        i++
        for (;;) {
          if (i >= s.length) break
          const c = s[i] as string
          if (c === '"') {
            if (s[i + 1] === '"') {
              f += '"'
              i += 2
              continue
            }
            i++
            break
          }
          if (c === '\n') line++
          f += c
          i++
        }
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') f += s[i++]
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') f += s[i++]
      }
      fields.push(f)
      if (s[i] === ',') {
        i++
        continue
      }
      if (s[i] === '\r') i++
      if (s[i] === '\n') {
        i++
        line++
      }
      break
    }
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields })
  }
  return out
}

const truthy = (v: string): boolean | undefined => (v === '' ? undefined : /^(1|yes|true|y|on)$/i.test(v) ? true : /^(0|no|false|n|off)$/i.test(v) ? false : undefined)

export function parseMailboxCsv(text: string): { rows: MailboxCsvRow[]; problems: CsvProblem[] } {
  const records = parseCsvRecords(text)
  const rows: MailboxCsvRow[] = []
  const problems: CsvProblem[] = []
  const header = records.shift()
  if (!header) return { rows, problems: [{ line: 1, reason: 'empty', message: 'The file is empty.' }] }
  const col = new Map(header.fields.map((h, i) => [h.trim().toLowerCase().replace(/[\s-]+/g, '_'), i]))
  if (!col.has('address') || !col.has('password')) return { rows, problems: [{ line: header.line, reason: 'header', message: 'The first row must name the columns, at least address and password (also: name, quota_mb, active).' }] }
  const get = (f: string[], k: string): string => (col.has(k) ? (f[col.get(k) as number] ?? '') : '')
  for (const r of records) {
    const quota = get(r.fields, 'quota_mb').trim()
    const active = get(r.fields, 'active').trim()
    if (quota !== '' && !/^-?\d+$/.test(quota)) {
      problems.push({ line: r.line, reason: 'quota', message: `quota_mb "${quota}" is not a whole number.` })
      continue
    }
    if (active !== '' && truthy(active) === undefined) {
      problems.push({ line: r.line, reason: 'active', message: `active "${active}" is not yes/no.` })
      continue
    }
    rows.push({
      line: r.line,
      address: get(r.fields, 'address').trim(),
      name: get(r.fields, 'name'),
      password: get(r.fields, 'password'),
      ...(quota !== '' ? { quotaMb: Number(quota) } : {}),
      active: truthy(active) ?? true,
    })
  }
  return { rows, problems }
}

const csvField = (v: string): string => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** Rows as CSV with a header (passwords are never exported: the column is left out). */
export function toCsv(header: string[], rows: (string | number | boolean)[][]): string {
  return [header, ...rows].map((r) => r.map((v) => csvField(String(v))).join(',')).join('\r\n') + '\r\n'
}
