import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Allowlist } from '../../shared/domain/firewall'
import { bindInterface, clientInterface, startFirewalldServer } from '../integration/support/own-firewalld'
import type { OwnServer } from '../integration/support/own-server'
import { loadConnection } from '../integration/support/vps'
import { openApp, type App } from './support/app'

// The firewall area on a firewalld server whose interface is bound to a non-default zone: the view names
// the zones the rules go in, and after the interface moved back to the default zone it says where
// Postdesk's rules were left; Preview shows their removal and Apply removes them. firewalld runs in a
// namespace of this file's own (private D-Bus and /etc/firewalld), never the test VPS's.
const PORT = 9993
describe('firewall on firewalld: the zones', () => {
  let srv: OwnServer
  let app: App
  let id = ''
  const openFirewall = async () => {
    await app.page.evaluate(`location.hash = '#/servers/${id}/firewall'`)
    await app.page.getByTestId('firewall-view').waitFor()
  }

  beforeAll(async () => {
    srv = await startFirewalldServer({ name: 'fwz', octet: 95 })
    srv.run(['firewall-cmd', '--set-default-zone=trusted'])
    srv.run(['firewall-cmd', '--permanent', '--zone=external', '--set-target=ACCEPT'])
    bindInterface(srv, clientInterface(srv), 'external')
    await srv.listen(PORT)
    app = await openApp()
    const s = app.harness.services
    const conn = loadConnection()
    const p = await s.profiles.add({ name: 'FWD VPS', host: srv.host, port: 22, user: 'root', keyPath: conn.keyPath, localAddress: srv.clients[0] })
    id = p.id
    await s.connections.connect(id, { acceptFingerprint: srv.fingerprint })
    const list: Omit<Allowlist, 'server'> = { backend: 'firewalld', confirmTimeoutSec: 20, entries: [{ name: 'home', ipv4: srv.clients[0], access: [`tcp/${PORT}`], home: true, history: [] }], blocked: [] }
    await s.firewall.save(id, list)
    const r = await s.firewall.apply(id)
    expect(r.outcome, r.message).toBe('confirmed')
    await app.reload()
  }, 180_000)
  afterAll(async () => {
    await app?.close()
    await srv?.stop()
  })

  it('names the zones (the default marked); after the interface left external, the stale rules are shown and removed (en)', async () => {
    const { page } = app
    await openFirewall()
    const zones = page.getByTestId('firewall-zones')
    await zones.waitFor({ timeout: 30_000 })
    expect((await zones.textContent())?.trim()).toBe('external, trusted (default)')
    expect(await page.getByTestId('firewall-zones-stale').count()).toBe(0)
    await app.shot('firewall-zones-01-en')

    bindInterface(srv, clientInterface(srv), null)
    await app.reload()
    await openFirewall()
    await expect.poll(async () => (await page.getByTestId('firewall-zones').textContent())?.trim(), { timeout: 30_000 }).toBe('trusted (default)')
    const stale = page.getByTestId('firewall-zones-stale')
    expect(await stale.textContent()).toContain('Postdesk rules are still in external, which no longer receives traffic')
    await page.getByTestId('firewall-preview-button').click()
    const diff = page.getByTestId('firewall-diff')
    await diff.waitFor({ timeout: 30_000 })
    expect(await diff.textContent()).toContain('[zone external] rule priority="-32600"')
    await app.shot('firewall-zones-02-stale-preview-en')
    await page.getByTestId('firewall-apply').click()
    const result = page.getByTestId('firewall-result')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.getAttribute('data-outcome')).toBe('confirmed')
    expect(await page.getByTestId('firewall-message').textContent()).toContain('in the zones that receive traffic: trusted')
    await expect.poll(() => page.getByTestId('firewall-zones-stale').count(), { timeout: 30_000 }).toBe(0)
    expect(srv.run(['firewall-cmd', '--permanent', '--zone=external', '--list-rich-rules']).trim()).toBe('')
    await app.shot('firewall-zones-03-applied-en')
  })

  it('the same row in Japanese', async () => {
    const { page } = app
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await openFirewall()
    const zones = page.getByTestId('firewall-zones')
    await zones.waitFor({ timeout: 30_000 })
    expect((await zones.textContent())?.trim()).toBe('trusted (デフォルト)')
    expect(await page.getByText('firewalld のゾーン').count()).toBe(1)
    await app.shot('firewall-zones-04-ja')
  })
})
