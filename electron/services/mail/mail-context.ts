// The things every repository call needs: the open transaction, table names, the server's
// PostfixAdmin settings and who is acting (written to the `log` table like PostfixAdmin's db_log()).
import { AppError } from '../../../shared/errors'
import { normalizeDomain, normalizeEmail } from '../../../shared/mail/address-rules'
import type { PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'
import { rowVersion, type MailTables, type Row, type SqlQuerier } from './mail-database'

export interface MailContext {
  q: SqlQuerier
  tables: MailTables
  settings: PostfixAdminSettings
  /** the log table's username column, e.g. `Postdesk (kenji@laptop)` */
  actor: string
  hashPassword(password: string): Promise<string>
}

/** PostfixAdmin's actions for db_log() (pViewlog_action_*). */
export type LogAction =
  | 'create_domain'
  | 'edit_domain'
  | 'delete_domain'
  | 'create_mailbox'
  | 'edit_mailbox'
  | 'delete_mailbox'
  | 'create_alias'
  | 'edit_alias'
  | 'delete_alias'
  | 'create_alias_domain'
  | 'edit_alias_domain'
  | 'delete_alias_domain'
  | 'create_admin'
  | 'edit_admin'
  | 'delete_admin'
  | 'edit_password'

/** db_log(): one row when $CONF['logging'] is on, timestamp NOW(). */
export async function writeLog(c: MailContext, domain: string, action: LogAction, data: string): Promise<void> {
  if (!c.settings.logging) return
  await c.q.query(`INSERT INTO ${c.tables.t('log')} (timestamp, username, domain, action, data) VALUES (NOW(), ?, ?, ?, ?)`, [c.actor, domain, action, data])
}

/** Bad input: nothing was written. `reason` is a stable key the UI translates. */
export function invalid(field: string, reason: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('invalid-input', message, { field, reason, ...extra })
}

export function notFound(kind: string, id: string): AppError {
  return new AppError('not-found', `The ${kind} "${id}" does not exist.`, { kind, id })
}

export function duplicate(kind: string, id: string, reason = 'exists'): AppError {
  return new AppError('conflict', `The ${kind} "${id}" already exists.`, { kind, id, reason })
}

/**
 * Optimistic concurrency: the row as stored now must be the version the caller loaded. Otherwise
 * 'conflict' with both versions (theirs = what is stored now), and nothing is written.
 */
export function checkVersion<T extends { version: string }>(kind: string, id: string, expected: string | undefined, current: T): void {
  if (expected === undefined || expected === current.version) return
  throw new AppError('conflict', `The ${kind} "${id}" was changed by someone else since it was loaded.`, {
    kind,
    id,
    reason: 'changed',
    expectedVersion: expected,
    current,
  })
}

/** SELECT one raw row FOR UPDATE (locks it for the rest of the transaction). */
export async function lockRow(c: MailContext, table: Parameters<MailTables['t']>[0], keyColumn: string, key: string): Promise<Row | undefined> {
  const rows = await c.q.query<Row[]>(`SELECT * FROM ${c.tables.t(table)} WHERE ${keyColumn} = ? FOR UPDATE`, [key])
  return rows[0]
}

export { rowVersion }

/** A goto list as entered: trimmed, IDN domains as punycode, lowercase, without empties and duplicates (order kept). */
export function cleanTargets(targets: readonly string[]): string[] {
  const out: string[] = []
  for (const t of targets) {
    const s = t.trim().startsWith('@') ? `@${normalizeDomain(t.trim().slice(1))}` : normalizeEmail(t)
    if (s !== '' && !out.includes(s)) out.push(s)
  }
  return out
}
