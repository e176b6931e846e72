import { AppError, isAppError } from '../../../shared/errors'

/** The fields mysql2 puts on its errors (server errors and client/network ones). */
interface MysqlErrorLike {
  code?: string
  errno?: number
  sqlState?: string
  sqlMessage?: string
  fatal?: boolean
  message?: string
}

// Client-side codes mysql2 (and Node streams) use when the link to the server is gone.
const LINK_LOST_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_ENQUEUE_AFTER_DESTROY',
  'ECONNRESET',
  'EPIPE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
])
// Server errors that mean "this connection is over": shutdown in progress, connection killed.
const SERVER_GONE_ERRNOS = new Set([1053, 1927, 4031])

export function isLinkLost(e: unknown): boolean {
  if (isAppError(e)) return e.code === 'disconnected'
  const m = e as MysqlErrorLike
  if (m?.code && LINK_LOST_CODES.has(m.code)) return true
  if (m?.errno && SERVER_GONE_ERRNOS.has(m.errno)) return true
  return typeof m?.message === 'string' && /connection is in closed state|connection lost/i.test(m.message)
}

export interface DbErrorContext {
  server: string
  phase: 'connect' | 'query' | 'commit'
  /** true when the statement ran inside a transaction Postdesk had begun */
  inTransaction?: boolean
  /** endpoint as seen from the server, e.g. 127.0.0.1:3306 */
  endpoint?: string
  user?: string
}

/**
 * A mysql2 (or tunnel) error as an AppError the UI can act on. Never includes a password or the
 * parameters of a query; the server's own SQL error text is kept (it names tables and keys, not values).
 */
export function dbError(e: unknown, c: DbErrorContext): AppError {
  if (isAppError(e)) return e
  const m = (e ?? {}) as MysqlErrorLike
  const detail: Record<string, unknown> = { server: c.server }
  if (m.code) detail.mysqlCode = m.code
  if (m.errno) detail.errno = m.errno
  if (m.sqlState) detail.sqlState = m.sqlState
  if (c.endpoint) detail.endpoint = c.endpoint

  if (isLinkLost(e)) {
    if (c.phase === 'connect') return new AppError('disconnected', `The database connection on server "${c.server}" closed while logging in${m.message ? ` (${m.message})` : ''}.`, detail)
    if (c.phase === 'commit') {
      return new AppError('disconnected', `The link to the database on server "${c.server}" was lost during COMMIT: the transaction was either committed in full or not at all; reload to see which.`, { ...detail, commitOutcome: 'unknown' })
    }
    const tail = c.inTransaction
      ? 'The transaction was not committed; the database server rolls it back, so nothing of it was written.'
      : 'A statement that changes data may or may not have been applied; reload before retrying it.'
    return new AppError('disconnected', `The link to the database on server "${c.server}" was lost while a query was running. ${tail}`, { ...detail, ...(c.inTransaction ? { rolledBack: true } : {}) })
  }
  switch (m.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new AppError('auth-failed', `The database refused the login${c.user ? ` of user "${c.user}"` : ''}: ${m.sqlMessage ?? m.message}.`, detail)
    case 'ER_BAD_DB_ERROR':
    case 'ER_NO_SUCH_TABLE':
      return new AppError('not-found', `${m.sqlMessage ?? m.message}.`, detail)
    case 'ER_DUP_ENTRY':
    case 'ER_LOCK_DEADLOCK':
      return new AppError('conflict', `${m.sqlMessage ?? m.message}.`, detail)
    case 'ER_LOCK_WAIT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return new AppError('timeout', `The database on server "${c.server}" did not answer in time${m.message ? ` (${m.message})` : ''}.`, detail)
    case 'ER_CON_COUNT_ERROR':
      return new AppError('refused', `The database on server "${c.server}" has too many connections.`, detail)
  }
  if (m.sqlMessage) return new AppError('remote-failed', `The database on server "${c.server}" reported: ${m.sqlMessage}`, detail)
  return new AppError('internal', `Database error on server "${c.server}": ${m.message ?? String(e)}`, detail)
}
