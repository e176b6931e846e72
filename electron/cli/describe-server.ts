import type { ServerProfile } from '../../shared/domain/server'

/** `user@host:port` (IPv6 hosts in brackets) for human output. */
export function addressOf(p: Pick<ServerProfile, 'user' | 'host' | 'port'>): string {
  const host = p.host.includes(':') && !p.host.startsWith('[') ? `[${p.host}]` : p.host
  return `${p.user}@${host}:${p.port}`
}
