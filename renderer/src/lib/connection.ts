import type { ServerProfile } from '../../../shared/domain/server'

/** Seconds left until the next reconnect attempt, counted down from when the status arrived. */
export function secondsLeft(retryInSec: number, receivedAt: number, at: number): number {
  const elapsed = Math.max(0, at - receivedAt) / 1000
  return Math.max(0, Math.ceil(retryInSec - elapsed))
}

/** user@host, with :port only when it is not 22. */
export const targetOf = (p: Pick<ServerProfile, 'user' | 'host' | 'port'>): string => `${p.user}@${p.host}${p.port === 22 ? '' : `:${p.port}`}`
