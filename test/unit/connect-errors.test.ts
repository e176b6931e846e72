import { execFileSync } from 'node:child_process'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { connectError, type ConnectAttempt } from '../../electron/services/ssh/connect-error'
import { createServices } from '../../electron/services/create-services'
import type { EventName, Payload } from '../../shared/contract/index'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
const servers: Server[] = []
const sockets = new Set<Socket>()
afterEach(async () => {
  for (const s of sockets) s.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function listen(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer((sock) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.resume() // read (and drop) what the client sends, so its hang-up is seen
    onSocket(sock)
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as { port: number }).port
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

/** Services in a temp data dir with one profile pointing at 127.0.0.1:port, and the events they emit. */
async function setup(port: number, extra: { localAddress?: string; keyPath?: string } = {}) {
  const dir = tempDir()
  const keyPath = join(dir, 'id_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath])
  const events: { name: EventName; payload: Payload<EventName> }[] = []
  const s = await createServices({ dataDir: dir, version: 't', harness: false, emit: (name, payload) => events.push({ name, payload }), ssh: { readyTimeoutMs: 800 } })
  const p = await s.profiles.add({ name: 'local', host: '127.0.0.1', port, user: 'nobody', keyPath: extra.keyPath ?? keyPath, ...(extra.localAddress ? { localAddress: extra.localAddress } : {}) })
  return { s, id: p.id, states: () => events.filter((e) => e.name === 'servers.connectionState').map((e) => (e.payload as { state: string }).state) }
}

describe('connection failures against real local sockets', () => {
  it('maps a closed port to refused, and publishes connecting -> offline', async () => {
    const { s, id, states } = await setup(await freePort())
    await expect(s.connections.connect(id)).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('refused the connection') })
    expect(states()).toEqual(['connecting', 'offline'])
    expect(s.connections.status(id)).toMatchObject({ state: 'offline', reason: expect.stringContaining('refused') })
  })

  it('maps a server that never speaks SSH to timeout during the handshake', async () => {
    const { s, id } = await setup(await listen(() => undefined))
    await expect(s.connections.connect(id)).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('SSH handshake'), detail: { phase: 'handshake' } })
  })

  it('maps a server that hangs up at once to disconnected before the handshake', async () => {
    const { s, id } = await setup(await listen((sock) => sock.destroy()))
    await expect(s.connections.connect(id)).rejects.toMatchObject({ code: 'disconnected' })
  })

  it('maps a local address that is not ours to unreachable', async () => {
    const { s, id } = await setup(await freePort(), { localAddress: '203.0.113.77' })
    await expect(s.connections.connect(id)).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('203.0.113.77') })
  })

  it('reports an unreadable key file as io before opening any connection', async () => {
    let connections = 0
    const port = await listen((sock) => {
      connections++
      sock.destroy()
    })
    const { s, id } = await setup(port, { keyPath: '/nonexistent/id_ed25519' })
    await expect(s.connections.connect(id)).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('/nonexistent/id_ed25519') })
    expect(connections).toBe(0)
  })

  it('refuses exec and facts while not connected', async () => {
    const { s, id } = await setup(await freePort())
    await expect(s.connections.exec(id, ['true'])).rejects.toMatchObject({ code: 'not-connected' })
    await expect(s.facts.get(id)).rejects.toMatchObject({ code: 'not-connected' })
    expect(s.connections.status(id)).toEqual({ serverId: id, state: 'offline' })
  })

  it('says not-found for a server id without a profile', async () => {
    const { s } = await setup(await freePort())
    await expect(s.connections.connect('nope')).rejects.toMatchObject({ code: 'not-found' })
  })
})

describe('connectError mapping', () => {
  const attempt: ConnectAttempt = { host: 'mail.example', port: 22, user: 'admin', keyPath: '/k', keyType: 'ssh-ed25519', phase: 'tcp', readyTimeoutMs: 10_000, triedMethods: [] }
  const err = (props: Record<string, unknown>) => Object.assign(new Error(String(props['message'] ?? 'x')), props)

  it.each([
    ['EHOSTUNREACH', 'unreachable'],
    ['ENETUNREACH', 'unreachable'],
    ['ENOTFOUND', 'unreachable'],
    ['EAI_AGAIN', 'unreachable'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNRESET', 'disconnected'],
    ['ECONNREFUSED', 'refused'],
  ])('maps socket error %s to %s', (code, want) => {
    expect(connectError(err({ code, level: 'client-socket' }), attempt).code).toBe(want)
  })

  it('names the phase of a timeout', () => {
    expect(connectError(err({ level: 'client-timeout' }), attempt).message).toContain('opening the TCP connection')
    expect(connectError(err({ level: 'client-timeout' }), { ...attempt, phase: 'auth' }).message).toMatch(/after 10 s during authentication/)
  })

  it('says which auth methods were tried and which the server accepts', () => {
    const e = connectError(err({ level: 'client-authentication' }), { ...attempt, phase: 'auth', triedMethods: ['publickey'], serverMethods: ['publickey', 'password'] })
    expect(e.code).toBe('auth-failed')
    expect(e.message).toContain('Tried: publickey (ssh-ed25519 key /k)')
    expect(e.message).toContain('The server accepts: publickey, password')
    expect(e.detail).toMatchObject({ triedMethods: ['publickey'], serverMethods: ['publickey', 'password'] })
  })

  it('maps a no-matching-algorithm handshake failure to unsupported', () => {
    expect(connectError(err({ level: 'handshake', message: 'Handshake failed: no matching host key format' }), attempt).code).toBe('unsupported')
  })
})
