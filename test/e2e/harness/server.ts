import { createReadStream, existsSync, mkdtempSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { EventBatcher } from '../../../electron/main/event-batcher'
import { isAllowedExternalUrl } from '../../../electron/main/external-links'
import { createHandlers } from '../../../electron/main/handlers'
import { registerIpc, senderCheck } from '../../../electron/main/ipc'
import { createServices, type CreateServicesOptions } from '../../../electron/services/create-services'
import type { Services } from '../../../electron/services/types'
import { WsIpcMain } from './ws-ipc-main'

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

export interface Harness {
  url: string
  dataDir: string
  services: Services
  ipc: WsIpcMain
  /** URLs passed to app.openExternal, for assertions (nothing is opened in the harness). */
  openedExternal: string[]
  close(): Promise<void>
}

/**
 * Serves the built renderer and hosts the real services behind the real IPC registration;
 * the browser reaches them through the real preload bundle over a WebSocket (see preload-shim.ts).
 */
export async function startHarness(opts: { rendererDir?: string; dataDir?: string; port?: number; services?: Partial<CreateServicesOptions> } = {}): Promise<Harness> {
  const rendererDir = resolve(opts.rendererDir ?? 'out/renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`no built renderer in ${rendererDir}: run \`npm run build\` first`)
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'postdesk-e2e-'))
  const batcher = new EventBatcher(50)
  const services = await createServices({ dataDir, version: '0.0.0-harness', emit: (n, p) => batcher.emit(n, p), harness: true, ...opts.services })
  const openedExternal: string[] = []
  const ipc = new WsIpcMain()

  const http: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')
    const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(rendererDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': mime[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((r) => http.listen(opts.port ?? 0, '127.0.0.1', r))
  const addr = http.address()
  if (!addr || typeof addr === 'string') throw new Error('harness: no address')
  const origin = `http://127.0.0.1:${addr.port}`

  registerIpc(
    ipc,
    createHandlers(services, async (url) => {
      if (!isAllowedExternalUrl(url)) return false
      openedExternal.push(url)
      return true
    }),
    senderCheck({ origins: [origin] }),
  )

  const wss = new WebSocketServer({ server: http, path: '/__ipc' })
  const clients = new Set<WebSocket>()
  batcher.addSink((channel, batch) => {
    const msg = JSON.stringify({ type: 'event', channel, batch })
    for (const c of clients) c.send(msg)
  })
  wss.on('connection', (ws, req) => {
    clients.add(ws)
    ws.on('close', () => clients.delete(ws))
    // Like Electron's senderFrame: the browser-enforced Origin decides; a claimed frame URL counts only within it.
    const headerOrigin = req.headers.origin
    ws.on('message', async (data) => {
      let msg: { id: number; channel: string; args: unknown[]; frameUrl?: string }
      try {
        msg = JSON.parse(String(data))
      } catch {
        return
      }
      let senderUrl = headerOrigin
      if (msg.frameUrl && headerOrigin && safeOrigin(msg.frameUrl) === headerOrigin) senderUrl = msg.frameUrl
      try {
        const result = await ipc.dispatch(msg.channel, senderUrl, msg.args ?? [])
        ws.send(JSON.stringify({ type: 'reply', id: msg.id, result }))
      } catch (e) {
        ws.send(JSON.stringify({ type: 'reply', id: msg.id, error: e instanceof Error ? e.message : String(e) }))
      }
    })
  })

  return {
    url: origin + '/',
    dataDir,
    services,
    ipc,
    openedExternal,
    async close() {
      batcher.flush()
      for (const c of clients) c.terminate()
      await services.connections.closeAll()
      await new Promise<void>((r) => wss.close(() => r()))
      await new Promise<void>((r) => http.close(() => r()))
    },
  }
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
