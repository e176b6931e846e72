import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../electron/main/handlers'
import { homeIpTargets, refreshFromMenu, trayMenuTemplate, type MenuItem, type RefreshedPayload } from '../../electron/main/home-ip-menu'
import { startOwnServer, type OwnServer } from './support/own-server'
import { vpsServices } from './support/vps-services'
import { waitFor } from './support/vps-firewall'

// The tray/menu entry end to end, without Electron: the tray template built by electron/main, its
// click through the same firewall.refresh handler as the renderer, against a real server (a network
// namespace of this file's own, never `pdvps`), the outcome emitted as firewall.refreshed.
const PORT = 9993
let srv: OwnServer
let listener: ChildProcess | undefined

function reachable(from: string, port: number, ms = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: srv.host, port, localAddress: from, timeout: ms })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.once('connect', () => done(true))
    s.once('timeout', () => done(false))
    s.once('error', () => done(false))
  })
}

beforeAll(async () => {
  srv = await startOwnServer({ name: 'menu', octet: 94, privateDirs: ['/var/lib/postdesk', '/var/spool/cron/atjobs'] })
  listener = spawn('ip', ['netns', 'exec', srv.ns, 'python3', '-c', `import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('0.0.0.0', ${PORT}))\ns.listen(64)\nwhile True:\n    c, _ = s.accept()\n    c.close()\n`], { stdio: 'ignore' })
  expect(await waitFor(() => reachable(srv.clients[0], PORT, 300), 5000)).toBe(true)
})
afterAll(async () => {
  listener?.kill('SIGKILL')
  await srv?.stop()
})

describe('the tray entry "Refresh home IP"', () => {
  it('lists the server with a home entry; its click connects, refreshes through the firewall.refresh handler and emits the outcome', async () => {
    const [A, B] = srv.clients
    const v = await vpsServices({ name: 'Menu VPS', localAddress: A, profile: { host: srv.host } })
    const id = v.profile.id
    // Known host key, then disconnected: the menu's refresh has to connect by itself.
    await v.services.connections.connect(id, { acceptFingerprint: srv.fingerprint })
    await v.services.connections.disconnect(id)
    await v.services.firewall.save(id, { backend: 'iptables', persistPath: null, confirmTimeoutSec: 15, entries: [{ name: 'home', ipv4: B, access: [`tcp/${PORT}`], home: true, history: [] }], blocked: [] })
    const other = await v.services.profiles.add({ name: 'No allowlist', host: '192.0.2.1', port: 22, user: 'root' })

    const targets = await homeIpTargets(v.services)
    expect(targets).toEqual([{ id, name: 'Menu VPS', entry: 'home' }])
    expect(targets.some((t) => t.id === other.id)).toBe(false)

    const handlers = createHandlers(v.services, async () => false)
    const emitted: RefreshedPayload[] = []
    let running: Promise<RefreshedPayload> | undefined
    const template = trayMenuTemplate(targets, { refresh: (sid) => (running = refreshFromMenu({ connect: (x) => v.services.connections.connect(x), handlers, emit: (_n, p) => emitted.push(p) }, targets.find((t) => t.id === sid)!)), show: () => undefined, quit: () => undefined }, 'en')
    expect(template[0]?.label).toBe('Refresh home IP: Menu VPS')
    ;(template[0] as MenuItem & { click: () => void }).click()
    const p = await running!
    expect(p, p.message).toMatchObject({ server: id, name: 'Menu VPS', source: 'menu', outcome: 'confirmed', confirmedFrom: A })
    expect(emitted).toEqual([p])
    expect(await reachable(A, PORT)).toBe(true)
    expect(await reachable(B, PORT)).toBe(false)
    expect((await v.services.firewall.get(id)).entries[0]).toMatchObject({ ipv4: A, history: [{ address: B }] })
    expect((await v.services.firewall.history(id))[0]).toMatchObject({ action: 'refresh', outcome: 'ok' })
    await v.services.connections.closeAll()
  })
})
