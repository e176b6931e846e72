import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Allowlist } from '../../shared/domain/firewall'
import { ADDR_A, ADDR_B, flushPostdeskFirewall } from '../integration/support/vps-firewall'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

const persist = `/tmp/postdesk-fw-e2e-${process.pid}`

// The firewall area through the real renderer, preload, IPC and services, against the test server's
// namespace: the app connects from the second host address, sees that the home entry still holds the
// first one, and one click on Refresh applies and confirms the new rules. Only port 9993 is protected.
describe('firewall: home IP changed, one-click refresh', () => {
  let app: App
  let id = ''
  const home = (address: string): Omit<Allowlist, 'server'> => ({
    backend: 'iptables',
    persistPath: persist,
    confirmTimeoutSec: 20,
    entries: [{ name: 'home', ipv4: address, access: ['tcp/9993'], home: true, history: [] }],
    blocked: [],
  })
  const openFirewall = async () => {
    await app.page.evaluate(`location.hash = '#/servers/${id}/firewall'`)
    await app.page.getByTestId('firewall-view').waitFor()
  }

  beforeAll(async () => {
    flushPostdeskFirewall()
    app = await openApp()
    const s = app.harness.services
    id = await addTestServer(app, 'FW VPS', { profile: { localAddress: ADDR_B } })
    // As it was before the move: the home entry holds the first address, and the server has its rules.
    await s.firewall.save(id, home(ADDR_A))
    expect((await s.firewall.apply(id)).outcome).toBe('confirmed')
    await app.reload()
  })
  afterAll(async () => {
    await app?.close()
    flushPostdeskFirewall()
    rmSync(persist, { force: true })
    rmSync(`${persist}.v6`, { force: true })
  })

  it('shows "home IP changed from A to B", and Refresh applies, confirms and shows the diff (en)', async () => {
    const { page } = app
    await openFirewall()
    const banner = page.getByTestId('home-ip-banner')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.textContent()).toContain(`Your home IP changed from ${ADDR_A} to ${ADDR_B}`)
    expect(await page.getByTestId('firewall-seen').textContent()).toBe(ADDR_B)
    await app.shot('firewall-01-banner-en')
    await page.getByTestId('home-ip-refresh').click()
    const result = page.getByTestId('firewall-result')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.getAttribute('data-outcome')).toBe('confirmed')
    expect(await result.textContent()).toContain(`Proven by a new SSH connection from ${ADDR_B}`)
    const diff = await page.getByTestId('firewall-diff').textContent()
    expect(diff).toContain(`+ -A POSTDESK-INPUT -s ${ADDR_B}/32 -p tcp -m tcp --dport 9993 -j ACCEPT`)
    expect(diff).toContain(`- -A POSTDESK-INPUT -s ${ADDR_A}/32`)
    await expect.poll(() => page.getByTestId('home-ip-banner').count()).toBe(0)
    expect(await page.getByTestId('firewall-history').textContent()).toContain('Refresh · done')
    expect(await page.getByTestId('firewall-message').textContent()).toContain(`Confirmed through a new SSH connection from ${ADDR_B}; the rollback was cancelled.`)
    await app.shot('firewall-02-confirmed-en')
  })

  it('the same in Japanese', async () => {
    const { page } = app
    await app.harness.services.firewall.save(id, home(ADDR_A))
    expect((await app.harness.services.firewall.apply(id)).outcome).toBe('confirmed')
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await openFirewall()
    const banner = page.getByTestId('home-ip-banner')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.textContent()).toContain(`自宅の IP が ${ADDR_A} から ${ADDR_B} に変わりました`)
    await app.shot('firewall-03-banner-ja')
    await page.getByTestId('home-ip-refresh').click()
    const result = page.getByTestId('firewall-result')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.getAttribute('data-outcome')).toBe('confirmed')
    expect(await result.textContent()).toContain('確認済み')
    // The service's result sentences come as codes: in Japanese too (the English stays the CLI's).
    expect(await page.getByTestId('firewall-message').textContent()).toContain(`${ADDR_B} からの新しい SSH 接続で確認しました`)
    expect(await page.getByTestId('firewall-history').textContent()).toContain('更新 · 完了')
    await app.shot('firewall-04-confirmed-ja')
  })

  it('on connect, from the dashboard, the app compares the home IP and says so in a toast', async () => {
    const { page } = app
    const s = app.harness.services
    await s.firewall.save(id, home(ADDR_A))
    await s.settings.set({ locale: 'en' })
    await s.connections.disconnect(id)
    await app.reload()
    await page.evaluate(`location.hash = '#/servers/${id}/dashboard'`)
    await page.getByTestId('connect').click() // the top bar's button
    const toast = page.getByTestId('toast-title').filter({ hasText: `Your home IP changed from ${ADDR_A} to ${ADDR_B}` })
    await toast.waitFor({ timeout: 30_000 })
    await app.shot('firewall-05-connect-toast-en')
    await openFirewall()
    await page.getByTestId('home-ip-banner').waitFor({ timeout: 30_000 })
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })
})
