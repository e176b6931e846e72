// Errors that survive IPC: a stable code the renderer can translate, a message for humans,
// and an optional structured detail (e.g. a host-key fingerprint to show).
export const errorCodes = [
  'invalid-input', // input failed schema validation; never reached a service
  'forbidden', // the IPC sender is not our window
  'not-found',
  'conflict', // duplicate name, row changed by someone else, ...
  'host-key-unknown', // first connection: the user must accept the SHA256 fingerprint
  'host-key-mismatch', // the server's key changed: refused, like OpenSSH
  'auth-failed',
  'unreachable',
  'refused',
  'timeout',
  'disconnected',
  'not-connected',
  'remote-failed', // a remote command exited non-zero
  'cancelled', // the caller aborted (AbortSignal) before the operation finished
  'sudo-password-required', // `sudo -n` was refused because the rule wants a password (or the stored one is wrong)
  'permission-denied', // the login user may not read/write that file or run that command
  'secret-missing', // a stored secret (passphrase, password, sudo password) is needed but not stored
  'io',
  'unsupported',
  'internal',
] as const
export type ErrorCode = (typeof errorCodes)[number]

export interface AppErrorShape {
  code: ErrorCode
  message: string
  detail?: Record<string, unknown>
}

export class AppError extends Error implements AppErrorShape {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
  }
  toJSON(): AppErrorShape {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message }
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}

/** Turns anything thrown into the IPC error shape without leaking stack traces. */
export function toErrorShape(e: unknown): AppErrorShape {
  if (e instanceof AppError) return e.toJSON()
  const message = e instanceof Error ? e.message : String(e)
  return { code: errnoCode(e) ?? 'internal', message }
}

/** A Node system error (fs, net) says what went wrong by its errno name: a missing file is not an internal error. */
function errnoCode(e: unknown): ErrorCode | undefined {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not-found'
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission-denied'
  if (code === 'ECONNREFUSED') return 'refused'
  if (code === 'ETIMEDOUT') return 'timeout'
  return 'io'
}
