import type { Services } from '../services/types'
import type { Handlers } from './ipc'

/** Channel -> service. The compiler checks that every channel of the contract has exactly one typed handler. */
export function createHandlers(s: Services, openExternal: (url: string) => Promise<boolean>): Handlers {
  return {
    'app.info': () => s.info,
    'app.getSettings': () => s.settings.get(),
    'app.setSettings': (i) => s.settings.set(i),
    'app.openExternal': async (i) => ({ opened: await openExternal(i.url) }),

    'servers.list': () => s.profiles.list(),
    'servers.add': (i) => s.profiles.add(i),
    'servers.remove': async (i) => {
      await s.connections.disconnect(i.id).catch(() => undefined)
      return { removed: await s.profiles.remove(i.id) }
    },
    'servers.connect': (i) => s.connections.connect(i.id, i.acceptFingerprint ? { acceptFingerprint: i.acceptFingerprint } : {}),
    'servers.disconnect': (i) => s.connections.disconnect(i.id),
    'servers.status': (i) => s.connections.status(i.id),
    'servers.forgetHostKey': (i) => s.connections.forgetHostKey(i.id),
    'servers.facts': (i) => s.facts.get(i.id, { refresh: i.refresh }),

    'db.check': (i) => s.db.check(i.id, { rediscover: i.rediscover }),

    'journal.list': (i) => s.journal.list(i),
    'journal.export': (i) => s.journal.export(i.format, i.server ? { server: i.server } : {}),
  }
}
