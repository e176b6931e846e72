import type { ConnectionManager } from '../types'
import type { FreshRunner, RemoteRunner } from './firewall-service'

type Manager = Pick<ConnectionManager, 'connect' | 'exec' | 'execAsRoot' | 'closeAll'>

const SSH_CONNECTION = ['sh', '-c', 'echo "$SSH_CONNECTION"']

/** The RemoteRunner over the app's own connection: commands as root, the client address as the login user. */
export function remoteRunner(m: Pick<ConnectionManager, 'exec' | 'execAsRoot'>): RemoteRunner {
  return {
    exec: (id, argv, opts) => m.execAsRoot(id, argv, opts),
    sshConnection: async (id) => (await m.exec(id, SSH_CONNECTION, { timeoutMs: 10_000 })).stdout.trim(),
  }
}

/**
 * A FreshRunner over a connection manager made for the occasion: connect (a new TCP connection, a new
 * handshake, the profile's local address), read its $SSH_CONNECTION as the login user, run one command
 * as root the profile's way, close. Nothing is shared with the app's own connection, so success proves
 * that a new login still works.
 */
export function freshRunner(makeManager: () => Manager): FreshRunner {
  return {
    async run(serverId, argv, opts) {
      const m = makeManager()
      try {
        await m.connect(serverId)
        const [who, r] = await Promise.all([m.exec(serverId, SSH_CONNECTION, { timeoutMs: 10_000 }), m.execAsRoot(serverId, argv, opts)])
        return { ...r, sshConnection: who.stdout.trim() }
      } finally {
        await m.closeAll().catch(() => undefined)
      }
    },
  }
}
