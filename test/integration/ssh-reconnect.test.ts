import { describe, expect, it } from 'vitest'
import type { AppError } from '../../shared/errors'
import { killPids, signalSshd } from './support/vps-admin'
import { vpsServices } from './support/vps-services'
import { loadConnection } from './support/vps'

// A link that dies (the server side killed) or goes silent (the server side frozen): the app notices,
// says so, reconnects with backoff and carries on; the events log tells the story.
const conn = loadConnection()

describe('automatic reconnect', () => {
  it('reconnects by itself after the server side of an idle connection is killed, publishing the states', async () => {
    const v = await vpsServices({ ssh: { reconnectInitialMs: 500 } })
    const id = v.profile.id
    await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })
    const gen = v.services.connections.generationOf(id)
    const before = (await v.services.connections.exec(id, ['sh', '-c', 'echo $SSH_CONNECTION'])).stdout
    await signalSshd(v.services, id, 'KILL')
    await expect.poll(() => v.services.connections.status(id).state, { timeout: 5_000, interval: 20 }).toBe('reconnecting')
    const waiting = v.services.connections.status(id)
    expect(waiting.retryInSec).toBe(0.5)
    expect(waiting.reason).toMatch(/Connection (lost|closed)/)
    await expect.poll(() => v.services.connections.status(id).state, { timeout: 15_000 }).toBe('connected')
    expect(v.states()).toEqual(['connecting', 'connected', 'reconnecting', 'reconnecting', 'connected'])
    expect(v.services.connections.generationOf(id)).not.toBe(gen)
    const after = (await v.services.connections.exec(id, ['sh', '-c', 'echo $SSH_CONNECTION'])).stdout
    expect(after).not.toBe(before) // a new TCP connection (another source port)

    const log = v.services.connections.events(id)
    expect(log.map((e) => e.state)).toEqual(['connecting', 'connected', 'reconnecting', 'reconnecting', 'connected'])
    expect(log[2]?.message).toMatch(/Reconnecting in 0.5 s \(attempt 1\)/)
    expect(log[1]?.message).toContain(conn.hostKeySha256)
    await v.services.connections.disconnect(id)
    expect(v.services.connections.events(id).at(-1)).toMatchObject({ state: 'offline', message: 'Disconnected.' })
  })

  it('notices a silent link by keepalive within seconds (server side frozen with SIGSTOP), then reconnects', async () => {
    const v = await vpsServices({ ssh: { keepaliveIntervalMs: 1000, keepaliveCountMax: 2, reconnectInitialMs: 200 } })
    const id = v.profile.id
    await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })
    const frozen = await signalSshd(v.services, id, 'STOP')
    try {
      const t0 = Date.now()
      await expect.poll(() => v.services.connections.status(id).state, { timeout: 10_000, interval: 50 }).not.toBe('connected')
      const noticedMs = Date.now() - t0
      expect(noticedMs).toBeLessThan(5_000) // 1 s x (2 + 1) keepalives, plus slack
      expect(v.services.connections.events(id).find((e) => e.state === 'reconnecting')?.message).toMatch(/Keepalive timeout/)
      await expect.poll(() => v.services.connections.status(id).state, { timeout: 15_000 }).toBe('connected')
      expect((await v.services.connections.exec(id, ['echo', 'back'])).stdout).toBe('back\n')
    } finally {
      killPids(frozen)
    }
    await v.services.connections.disconnect(id)
  })

  it('a command issued while reconnecting waits for the new connection', async () => {
    const v = await vpsServices({ ssh: { reconnectInitialMs: 800 } })
    const id = v.profile.id
    await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })
    await signalSshd(v.services, id, 'KILL')
    await expect.poll(() => v.services.connections.status(id).state, { timeout: 5_000, interval: 20 }).toBe('reconnecting')
    expect((await v.services.connections.exec(id, ['echo', 'after the gap'])).stdout).toBe('after the gap\n')
    await v.services.connections.disconnect(id)
  })

  it('the reconnect button drops the connection and opens a new one; disconnect stops retrying', async () => {
    const v = await vpsServices({ ssh: { reconnectInitialMs: 60_000, reconnectMaxMs: 60_000 } })
    const id = v.profile.id
    await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })
    const gen = v.services.connections.generationOf(id)
    expect((await v.services.connections.reconnect(id)).state).toBe('connected')
    expect(v.services.connections.generationOf(id)).not.toBe(gen)
    // Lost, with the next try a minute away: reconnect() tries now.
    await signalSshd(v.services, id, 'KILL')
    await expect.poll(() => v.services.connections.status(id).retryInSec).toBe(60)
    expect((await v.services.connections.reconnect(id)).state).toBe('connected')
    await signalSshd(v.services, id, 'KILL')
    await expect.poll(() => v.services.connections.status(id).state).toBe('reconnecting')
    expect((await v.services.connections.disconnect(id)).state).toBe('offline')
    await new Promise((r) => setTimeout(r, 300))
    expect(v.services.connections.status(id).state).toBe('offline')
  })

  it('does not retry what a retry cannot fix (a changed host key): offline with the reason', async () => {
    const v = await vpsServices({ ssh: { reconnectInitialMs: 200 } })
    const id = v.profile.id
    await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })
    // The stored key is forgotten while connected: the reconnect meets an unknown key and stops there.
    await v.services.connections.forgetHostKey(id)
    await signalSshd(v.services, id, 'KILL')
    await expect.poll(() => v.services.connections.status(id).state, { timeout: 10_000 }).toBe('offline')
    expect(v.services.connections.status(id).reason).toMatch(/authenticity of host/)
    const e = (await v.services.connections.exec(id, ['true']).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('not-connected')
  })
})

describe('cancellation', () => {
  it('a connect named by a call id is cancelled through the call registry (the UI cancel button), and goes offline', async () => {
    const v = await vpsServices({ name: 'blackhole', profile: { host: '10.213.77.6' }, ssh: { readyTimeoutMs: 20_000 } })
    const started = Date.now()
    const connecting = v.services.calls.run('connect-1', (signal) => v.services.connections.connect(v.profile.id, signal ? { signal } : {}))
    await new Promise((r) => setTimeout(r, 300))
    expect(v.services.calls.cancel('connect-1')).toBe(true)
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(v.services.connections.status(v.profile.id)).toMatchObject({ state: 'offline', reason: expect.stringContaining('cancelled') })
    expect(v.services.calls.cancel('connect-1')).toBe(false)
  })

  it('a long remote command named by a call id stops on the server when cancelled', async () => {
    const v = await vpsServices({ name: 'cancel-exec' })
    await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })
    const running = v.services.calls.run('exec-1', (signal) => v.services.connections.exec(v.profile.id, ['sleep', '966.5'], signal ? { signal } : {}))
    await new Promise((r) => setTimeout(r, 300))
    v.services.calls.cancel('exec-1')
    await expect(running).rejects.toMatchObject({ code: 'cancelled', message: expect.stringContaining('stopped') })
    expect((await v.services.connections.exec(v.profile.id, ['sh', '-c', 'pgrep -fx "sleep 966.5" || echo none'])).stdout).toBe('none\n')
    await v.services.connections.disconnect(v.profile.id)
  })
})

describe('specific connection errors', () => {
  it('refused, unreachable and the handshake timeout each say what happened', async () => {
    const refused = await vpsServices({ name: 'refused', profile: { port: 2 } })
    await expect(refused.services.connections.connect(refused.profile.id)).rejects.toMatchObject({ code: 'refused', detail: { phase: 'tcp', port: 2 } })
    // An address of the test network that nobody has: no ARP answer.
    const unreachable = await vpsServices({ name: 'unreachable', profile: { host: '10.213.77.6' }, ssh: { readyTimeoutMs: 8000 } })
    const e = (await unreachable.services.connections.connect(unreachable.profile.id).catch((x: unknown) => x)) as AppError
    expect(['unreachable', 'timeout']).toContain(e.code)
    expect(e.detail).toMatchObject({ phase: 'tcp' })
  })
})
