/**
 * Wraps the REAL built preload bundle (out/preload/index.cjs) so it runs in a plain browser page:
 * `require('electron')` yields a contextBridge that defines window.api and an ipcRenderer whose
 * transport is a WebSocket to the harness server. Injected with Playwright's addInitScript.
 */
export function wrapPreload(preloadSource: string): string {
  return `(() => {
  // Init scripts also run in the page's first about:blank document: no host to connect to there.
  if (!/^https?:$/.test(location.protocol) || !location.host) return
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/__ipc')
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve)
    ws.addEventListener('error', () => reject(new Error('IPC transport failed to connect')))
  })
  opened.catch(() => {}) // reported by the invoke that awaits it, not as an unhandled rejection
  const pending = new Map()
  const listeners = new Map()
  let seq = 0
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(m.data)
    if (msg.type === 'reply') {
      const p = pending.get(msg.id); pending.delete(msg.id)
      if (!p) return
      if (msg.error) p.reject(new Error(msg.error)); else p.resolve(msg.result)
    } else if (msg.type === 'event') {
      for (const l of listeners.get(msg.channel) || []) l({ sender: null }, msg.batch)
    }
  })
  ws.addEventListener('close', () => { for (const p of pending.values()) p.reject(new Error('IPC transport closed')); pending.clear() })
  const ipcRenderer = {
    invoke: async (channel, ...args) => {
      await opened
      const id = ++seq
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        ws.send(JSON.stringify({ type: 'invoke', id, channel, args, frameUrl: location.href }))
      })
    },
    on: (channel, listener) => { const s = listeners.get(channel) || new Set(); s.add(listener); listeners.set(channel, s); return ipcRenderer },
  }
  const contextBridge = {
    exposeInMainWorld: (key, value) => Object.defineProperty(window, key, { value: Object.freeze(value), enumerable: true }),
  }
  const require = (name) => {
    if (name === 'electron') return { contextBridge, ipcRenderer }
    throw new Error('a sandboxed preload may not require ' + name)
  }
  const module = { exports: {} }
  ;(function (require, module, exports) {
${preloadSource}
  })(require, module, module.exports)
})()`
}
