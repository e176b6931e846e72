import type { AppErrorShape, ErrorCode } from '../../../shared/errors'
import { errorCodes } from '../../../shared/errors'

/**
 * An IPC failure as the renderer sees it: `code` from shared/errors.ts, `message` translated for the
 * user, `serverMessage` the main process's own text (shown as the detail line), `detail` its
 * structured data (e.g. a host key's algorithm and fingerprint).
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly serverMessage: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The i18n key of an error code's user-facing message; unknown codes read as internal errors. */
export function errorMessageKey(code: string): `errors.${ErrorCode}` {
  return (errorCodes as readonly string[]).includes(code) ? (`errors.${code}` as `errors.${ErrorCode}`) : 'errors.internal'
}

export function toApiError(error: AppErrorShape, translate: (key: string) => string): ApiError {
  const key = errorMessageKey(error.code)
  const code = key.slice('errors.'.length) as ErrorCode
  return new ApiError(code, translate(key), error.message ?? '', error.detail ?? {})
}

/** An error as a toast's title and detail line (the detail only when it adds something). */
export function errorSummary(e: unknown, internalMessage: string): { title: string; detail?: string } {
  if (e instanceof ApiError) return e.serverMessage && e.serverMessage !== e.message ? { title: e.message, detail: e.serverMessage } : { title: e.message }
  return { title: internalMessage, detail: e instanceof Error ? e.message : String(e) }
}
