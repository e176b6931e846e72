import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startHarness, type Harness } from './harness/server'

function call(url: string, origin: string | undefined, channel: string, input: unknown, frameUrl?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '__ipc', origin ? { origin } : {})
    ws.on('open', () => ws.send(JSON.stringify({ type: 'invoke', id: 1, channel, args: [input], frameUrl })))
    ws.on('message', (d) => {
      resolve(JSON.parse(String(d)).result)
      ws.close()
    })
    ws.on('error', reject)
  })
}

// The harness keeps Electron's sender check meaningful: only the page's own origin is trusted.
describe('harness IPC transport', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  it('answers the app origin', async () => {
    const origin = new URL(h.url).origin
    expect(await call(h.url, origin, 'servers.list', {})).toEqual({ ok: true, value: [] })
  })

  it('refuses a forged sender, even one that claims the app URL as its frame', async () => {
    for (const origin of ['http://evil.example', undefined]) {
      const r = (await call(h.url, origin, 'servers.list', {}, h.url)) as { ok: boolean; error: { code: string } }
      expect(r.ok).toBe(false)
      expect(r.error.code).toBe('forbidden')
    }
  })

  it('refuses malformed input with invalid-input and changes nothing', async () => {
    const origin = new URL(h.url).origin
    const r = (await call(h.url, origin, 'servers.add', { name: '', host: 'x y', user: 'root', keyPath: '' })) as { ok: boolean; error: { code: string } }
    expect(r.error.code).toBe('invalid-input')
    expect(await h.services.profiles.list()).toEqual([])
  })
})
