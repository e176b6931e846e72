import type { SqlSchema } from '../catalog/postfixadmin-schema'
import { closestMatch } from '../edit-distance'
import { findingAt, type Finding, type LocatedText } from '../finding'
import type { SourceSpan } from '../source-text'
import { sqlQueryNames } from '../postfixadmin/sql-references'

/** A query text, where it sits, and which product runs it (for the message). */
export interface QuerySite {
  where: LocatedText
  query: string
  /** Maps an offset in `query` to a file span. */
  span(from: number, to: number): SourceSpan
  label: string
}

/** Tables only PostfixAdmin has (quota, log and config are names other schemas use as well). */
const DISTINCTIVE = new Set(['mailbox', 'alias', 'alias_domain', 'domain', 'domain_admins', 'quota2', 'vacation', 'vacation_notification', 'fetchmail', 'admin'])

/**
 * Checks the tables and columns a query names against the PostfixAdmin schema. Queries that use no
 * distinctively PostfixAdmin table are someone else's schema (e.g. Dovecot's samples with table
 * "users" or "quota") and are left alone, unless `strict`: the set holds a PostfixAdmin config, so
 * its database is the one these queries read.
 */
export function checkQueryAgainstSchema(site: QuerySite, schema: SqlSchema, strict: boolean): Finding[] {
  const names = sqlQueryNames(site.query)
  if (!names.understood || !names.tables.length) return []
  const tables = schema.tables
  if (!strict && !names.tables.some((t) => DISTINCTIVE.has(t.table.name.toLowerCase()) && tables[t.table.name.toLowerCase()])) return []
  const out: Finding[] = []
  const aliases = new Map<string, string>()
  for (const t of names.tables) {
    aliases.set((t.alias ?? t.table.name).toLowerCase(), t.table.name.toLowerCase())
    aliases.set(t.table.name.toLowerCase(), t.table.name.toLowerCase())
    if (!tables[t.table.name.toLowerCase()]) {
      const suggestion = closestMatch(t.table.name.toLowerCase(), Object.keys(tables))
      out.push(
        findingAt(site.where, site.span(t.table.from, t.table.to), {
          severity: 'error',
          code: 'cross.sql-unknown-table',
          message: `${site.label}: table "${t.table.name}" does not exist in the ${schema.product} ${schema.version} schema: every lookup fails${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
          hint: suggestion ? `Write ${suggestion}.` : `${schema.product}'s tables: ${Object.keys(tables).join(', ')}.`,
        }),
      )
    }
  }
  const fromTables = [...new Set(names.tables.map((t) => t.table.name.toLowerCase()))].filter((t) => tables[t])
  for (const c of names.columns) {
    const col = c.name.toLowerCase()
    let candidates: string[]
    if (c.qualifier) {
      const table = aliases.get(c.qualifier.name.toLowerCase())
      if (!table || !tables[table]) continue
      candidates = tables[table] as string[]
      if (candidates.includes(col)) continue
    } else {
      if (!fromTables.length || fromTables.some((t) => (tables[t] as string[]).includes(col))) continue
      candidates = fromTables.flatMap((t) => tables[t] as string[])
    }
    const suggestion = closestMatch(col, candidates)
    out.push(
      findingAt(site.where, site.span(c.from, c.to), {
        severity: 'error',
        code: 'cross.sql-unknown-column',
        message: `${site.label}: column "${c.name}" does not exist in ${c.qualifier ? `table ${aliases.get(c.qualifier.name.toLowerCase())}` : `${fromTables.join(', ')}`} of the ${schema.product} ${schema.version} schema: every lookup fails${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
        hint: suggestion ? `Write ${suggestion}.` : `Columns: ${candidates.join(', ')}.`,
      }),
    )
  }
  return out
}
