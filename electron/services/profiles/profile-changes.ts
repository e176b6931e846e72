import { isDeepStrictEqual } from 'node:util'
import type { ServerProfile } from '../../../shared/domain/server'

/**
 * True when two versions of a profile differ at most in the log view's source. Such an update (the
 * logs view saves every source choice) must not drop what depends on how the server is reached,
 * e.g. the database pool with a query under way.
 */
export function onlyLogSourceChanged(before: ServerProfile, after: ServerProfile): boolean {
  const { logSource: _a, ...a } = before
  const { logSource: _b, ...b } = after
  return isDeepStrictEqual(a, b)
}
