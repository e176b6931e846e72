import { channels, EVENT_BATCH_CHANNEL, eventNames } from '../../shared/contract/index'
import { eventMethodName, splitName, type Api } from '../../shared/contract/api'

/** What the preload needs of ipcRenderer; the e2e harness provides the same over a WebSocket. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

interface Batched {
  name: string
  payload: unknown
}

/**
 * window.api: one method per contract channel (api.servers.list(...)), one subscribe method per event
 * (api.servers.onConnectionState(cb) -> unsubscribe). Nothing generic is exposed to the page.
 */
export function buildApi(ipc: IpcRendererLike): Api {
  const api: Record<string, Record<string, unknown>> = {}
  const area = (a: string) => (api[a] ??= {})

  for (const channel of channels) {
    const [a, verb] = splitName(channel)
    area(a)[verb] = (input?: unknown) => ipc.invoke(channel, input ?? {})
  }

  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  ipc.on(EVENT_BATCH_CHANNEL, (_event, batch) => {
    if (!Array.isArray(batch)) return
    for (const item of batch as Batched[]) {
      for (const l of listeners.get(item.name) ?? []) {
        try {
          l(item.payload)
        } catch (e) {
          console.error('postdesk: event listener failed', e)
        }
      }
    }
  })
  for (const name of eventNames) {
    const [a, method] = eventMethodName(name)
    area(a)[method] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function')
      const set = listeners.get(name) ?? new Set()
      listeners.set(name, set)
      set.add(listener)
      return () => set.delete(listener)
    }
  }
  return api as unknown as Api
}
