import type { ConnectionManager } from '../types'
import type { FreshRunner } from './firewall-service'

/**
 * A FreshRunner over a connection manager made for the occasion: connect (a new TCP connection, a new
 * handshake, the profile's local address), run one command, close. Nothing is shared with the app's
 * own connection, so success proves that a new login still works.
 */
export function freshRunner(makeManager: () => Pick<ConnectionManager, 'connect' | 'exec' | 'closeAll'>): FreshRunner {
  return {
    async run(serverId, argv, opts) {
      const m = makeManager()
      try {
        await m.connect(serverId)
        return await m.exec(serverId, argv, opts)
      } finally {
        await m.closeAll().catch(() => undefined)
      }
    },
  }
}
