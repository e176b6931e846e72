// What the mail repositories need of a database: statements on one connection inside one transaction.
// The DB service (electron/services/db) provides it per server; the shape equals its DbQuerier so it
// plugs in without an adapter. Table names follow $CONF['database_prefix'] / ['database_tables'].
import { createHash } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'

/** Statements on one connection; values fill `?` placeholders (never spliced into the SQL text). */
export interface SqlQuerier {
  query<T = Record<string, unknown>[]>(sql: string, values?: readonly unknown[]): Promise<T>
}

/** fn's statements in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
export interface MailDatabase {
  transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T>
}

export type TableKey = 'admin' | 'alias' | 'alias_domain' | 'domain' | 'domain_admins' | 'fetchmail' | 'log' | 'mailbox' | 'quota' | 'quota2' | 'vacation' | 'vacation_notification'

export type Row = Record<string, unknown>

/** Quoted table names and the columns each table really has (newer schemas add columns). */
export class MailTables {
  private readonly columns = new Map<string, Set<string>>()

  constructor(private readonly settings: Pick<PostfixAdminSettings, 'databaseTables' | 'databasePrefix'>) {}

  /** `prefix + database_tables[key]`, backquoted; refuses names that are not plain identifiers. */
  readonly t = (key: TableKey): string => {
    const name = this.settings.databasePrefix + (this.settings.databaseTables[key] ?? key)
    if (!/^[A-Za-z0-9_$]+$/.test(name)) throw new AppError('unsupported', `The table name "${name}" from $CONF['database_tables'] is not a plain identifier.`)
    return `\`${name}\``
  }

  /** Column names of a table (cached for the service's lifetime). */
  async columnsOf(q: SqlQuerier, key: TableKey): Promise<Set<string>> {
    const name = this.t(key)
    let cols = this.columns.get(name)
    if (!cols) {
      const rows = await q.query<Row[]>(`SHOW COLUMNS FROM ${name}`)
      cols = new Set(rows.map((r) => String(r.Field)))
      this.columns.set(name, cols)
    }
    return cols
  }
}

/** A row's version for optimistic concurrency: a digest of every stored column (modified has 1 s resolution). */
export function rowVersion(row: Row): string {
  const keys = Object.keys(row).sort()
  return createHash('sha256')
    .update(JSON.stringify(keys.map((k) => [k, row[k] === null || row[k] === undefined ? null : String(row[k])])))
    .digest('base64url')
    .slice(0, 22)
}

export const toNumber = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
export const toBool = (v: unknown): boolean => v === 1 || v === '1' || v === true
export const toText = (v: unknown): string => (v === null || v === undefined ? '' : String(v))

/** `%…%` for LIKE with the pattern's own wildcards escaped. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** Stored keys (domain, username, address) are ASCII in latin1 columns: a non-ASCII key matches no row. */
export const isAsciiKey = (key: string): boolean => /^[\x20-\x7e]*$/.test(key)

/**
 * `col LIKE ?` for a search pattern. PostfixAdmin's key columns are latin1: a pattern with characters
 * outside it would fail with "Illegal mix of collations", so such a search compares the column
 * converted to utf8mb4.
 */
export function likeOn(column: string, pattern: string): string {
  return isAsciiKey(pattern) ? `${column} LIKE ?` : `CONVERT(${column} USING utf8mb4) LIKE ?`
}
