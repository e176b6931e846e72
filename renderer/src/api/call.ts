import type { ErrorCode } from '../../../shared/errors'
import type { Result } from '../../../shared/result'
import { t } from '../i18n'
import { ApiError, errorSummary, toApiError } from './api-error'

export { ApiError, errorMessageKey } from './api-error'

/** The value of a Result, or a thrown ApiError with a translated message. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw toApiError(result.error, t)
}

/** `await call(window.api.servers.list())`: the value, or a thrown ApiError. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>
  try {
    result = await pending
  } catch (e) {
    // The bridge itself failed (a broken transport): not a service error.
    throw new ApiError('internal', t('errors.internal'), e instanceof Error ? e.message : String(e))
  }
  if (!result || typeof result !== 'object' || !('ok' in result)) throw new ApiError('internal', t('errors.internal'), 'malformed reply')
  return unwrap(result)
}

export function isApiError(e: unknown, code?: ErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code)
}

/** Any thrown thing as a toast's title and detail. */
export function describeError(e: unknown): { title: string; detail?: string } {
  return errorSummary(e, t('errors.internal'))
}
