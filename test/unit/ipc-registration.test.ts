import { describe, expect, it, vi } from 'vitest'
import { registerIpc, senderCheck, type Handlers } from '../../electron/main/ipc'
import { channels } from '../../shared/contract/index'
import { AppError } from '../../shared/errors'
import { WsIpcMain } from '../e2e/harness/ws-ipc-main'

const trusted = 'file:///opt/Postdesk/resources/app.asar/out/renderer/index.html'

/** Handlers that record calls; every channel answers something that fits its output schema. */
function recordingHandlers() {
  const calls: string[] = []
  const profile = { id: 'vps', name: 'vps', host: 'mail.example.org', port: 22, user: 'root', keyPath: '/k', createdAt: '2026-01-01T00:00:00.000Z' }
  const h = new Proxy({} as Handlers, {
    get: (_t, channel: string) => async (input: unknown) => {
      calls.push(channel)
      if (channel === 'servers.add') return { ...profile, ...(input as object) }
      if (channel === 'servers.list') return [profile]
      if (channel === 'servers.remove') throw new AppError('not-found', 'No server named "x".')
      if (channel === 'servers.status') return { serverId: 'vps', state: 'nonsense' }
      return {}
    },
  })
  return { h, calls }
}

function setup() {
  const ipc = new WsIpcMain()
  const { h, calls } = recordingHandlers()
  const log = vi.fn()
  registerIpc(ipc, h, senderCheck({ fileIndexUrl: trusted }), log)
  return { ipc, calls, log }
}

describe('registerIpc', () => {
  it('registers every channel of the contract exactly once', () => {
    const { ipc } = setup()
    expect(ipc.channelCount).toBe(channels.length)
    expect(channels.every((c) => /^[a-z]+\.[a-zA-Z]+$/.test(c))).toBe(true)
  })

  it('refuses a forged sender without reaching the service', async () => {
    const { ipc, calls, log } = setup()
    for (const url of ['https://evil.example/index.html', 'file:///tmp/evil/index.html', undefined, 'not a url']) {
      const r = (await ipc.dispatch('servers.list', url, [{}])) as { ok: boolean; error: { code: string } }
      expect(r.ok).toBe(false)
      expect(r.error.code).toBe('forbidden')
    }
    expect(calls).toEqual([])
    expect(log).toHaveBeenCalled()
  })

  it('accepts the app window, also with a hash route', async () => {
    const { ipc, calls } = setup()
    const r = (await ipc.dispatch('servers.list', trusted + '#/servers/vps', [{}])) as { ok: boolean; value: unknown[] }
    expect(r.ok).toBe(true)
    expect(r.value).toHaveLength(1)
    expect(calls).toEqual(['servers.list'])
  })

  it('refuses a malformed payload with a validation error naming the field, never reaching the service', async () => {
    const { ipc, calls } = setup()
    const r = (await ipc.dispatch('servers.add', trusted, [{ name: 'x', host: 'bad host;rm -rf /', port: 70000, user: 'root', keyPath: '/k' }])) as {
      ok: boolean
      error: { code: string; message: string }
    }
    expect(r.ok).toBe(false)
    expect(r.error.code).toBe('invalid-input')
    expect(r.error.message).toMatch(/host/)
    expect(r.error.message).toMatch(/port/)
    expect(calls).toEqual([])
  })

  it('applies schema defaults before the service sees the input', async () => {
    const { ipc } = setup()
    const r = (await ipc.dispatch('servers.add', trusted, [{ name: 'vps', host: '10.0.0.2', user: 'root', keyPath: '/k' }])) as { ok: boolean; value: { port: number } }
    expect(r.ok).toBe(true)
    expect(r.value.port).toBe(22)
  })

  it('keeps the code of an AppError thrown by a service', async () => {
    const { ipc } = setup()
    const r = (await ipc.dispatch('servers.remove', trusted, [{ id: 'x' }])) as { ok: boolean; error: { code: string; message: string } }
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: 'No server named "x".' } })
  })

  it('does not let a service answer outside its output schema', async () => {
    const { ipc } = setup()
    const r = (await ipc.dispatch('servers.status', trusted, [{ id: 'vps' }])) as { ok: boolean; error: { code: string } }
    expect(r.ok).toBe(false)
    expect(r.error.code).toBe('internal')
  })
})

describe('senderCheck', () => {
  it('trusts only the listed origins and the packaged index.html', () => {
    const check = senderCheck({ fileIndexUrl: trusted, origins: ['http://localhost:5173'] })
    expect(check('http://localhost:5173/#/x')).toBe(true)
    expect(check('http://localhost:5174/')).toBe(false)
    expect(check(trusted + '?a=1')).toBe(true)
    expect(check(trusted.replace('index', 'other'))).toBe(false)
  })
})
