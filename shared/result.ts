import type { AppErrorShape } from './errors'

/** The envelope every IPC call returns (Podman Desktop style): errors keep their code across the bridge. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: AppErrorShape['code'], message: string, detail?: Record<string, unknown>): Result<never> =>
  detail ? { ok: false, error: { code, message, detail } } : { ok: false, error: { code, message } }
