import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../electron/main/handlers'
import { homeIpTargets, refreshFromMenu, trayMenuTemplate, type MenuItem, type RefreshedPayload } from '../../electron/main/home-ip-menu'
import { connectOwnServer, startOwnServer, type OwnServer } from './support/own-server'

// The tray/menu entry end to end, without Electron: the tray template built by electron/main, its
// click through the same firewall.refresh handler as the renderer, against a real server (a network
// namespace of this file's own, never `pdvps`), the outcome emitted as firewall.refreshed.
const PORT = 9993
let srv: OwnServer

beforeAll(async () => {
  srv = await startOwnServer({ name: 'menu', octet: 94, privateDirs: ['/var/lib/postdesk', '/var/spool/cron/atjobs'] })
  await srv.listen(PORT)
})
afterAll(async () => {
  await srv?.stop()
})

describe('the tray entry "Refresh home IP"', () => {
  it('lists the server with a home entry; its click connects, refreshes through the firewall.refresh handler and emits the outcome', async () => {
    const [A, B] = srv.clients
    // Known host key, then disconnected: the menu's refresh has to connect by itself.
    const v = await connectOwnServer(srv, { name: 'Menu VPS', from: A })
    const id = v.profile.id
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
    expect(await srv.reachable(A, PORT)).toBe(true)
    expect(await srv.reachable(B, PORT)).toBe(false)
    expect((await v.services.firewall.get(id)).entries[0]).toMatchObject({ ipv4: A, history: [{ address: B }] })
    expect((await v.services.firewall.history(id))[0]).toMatchObject({ action: 'refresh', outcome: 'ok' })
    await v.services.connections.closeAll()
  })
})
