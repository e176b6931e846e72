import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConnection } from '../integration/support/vps'
import { openApp, type App } from './support/app'

const conn = loadConnection()

// The foundation's first journey, through the real renderer, preload, IPC registration and services,
// against the real test mail server: add it, accept its host key, see its facts, switch to Japanese.
describe('first run', () => {
  let app: App
  beforeAll(async () => {
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('shows the empty state, then adds the test server through the form', async () => {
    const { page } = app
    await page.getByTestId('add-server').first().waitFor()
    await app.shot('01-empty-state-en')
    await page.getByTestId('add-server').first().click()
    await page.getByTestId('field-name').fill('Test VPS')
    await page.getByTestId('field-host').fill('bad host!')
    await page.getByTestId('field-user').fill('root')
    await page.getByTestId('field-key').fill(conn.keyPath)
    // Invalid host: the form says so and cannot be submitted.
    await expect.poll(() => page.getByTestId('submit').isDisabled()).toBe(true)
    await app.shot('02-add-server-invalid-en')
    await page.getByTestId('field-host').fill(conn.host)
    await page.getByTestId('field-port').fill(String(conn.port))
    await expect.poll(() => page.getByTestId('submit').isDisabled()).toBe(false)
    await page.getByTestId('submit').click()
    await page.getByTestId('server-item-test-vps').waitFor()
    const stored = await app.harness.services.profiles.list()
    expect(stored.map((p) => [p.name, p.host, p.port, p.user])).toEqual([['Test VPS', conn.host, conn.port, conn.user]])
  })

  it('asks to accept the unknown host key with its SHA256 fingerprint, then connects', async () => {
    const { page } = app
    await page.getByTestId('server-item-test-vps').click()
    await page.getByTestId('connect').click()
    const fp = page.getByTestId('hostkey-fingerprint')
    await fp.waitFor()
    expect((await fp.textContent())?.trim()).toBe(conn.hostKeySha256)
    await app.shot('03-host-key-prompt-en')
    await page.getByTestId('hostkey-accept').click()
    await expect.poll(() => app.harness.services.connections.status('test-vps').state, { timeout: 20_000 }).toBe('connected')
  })

  it('shows the facts of the server on the dashboard', async () => {
    const { page } = app
    const panel = page.getByTestId('facts')
    await panel.waitFor({ timeout: 30_000 })
    await expect.poll(async () => (await page.getByTestId('fact-postfix').textContent()) ?? '', { timeout: 30_000 }).toMatch(/3\.\d+\.\d+/)
    const text = (await panel.textContent()) ?? ''
    expect(text).toMatch(/Debian/)
    expect(await page.getByTestId('fact-dovecot').textContent()).toMatch(/2\.3\./)
    expect(await page.getByTestId('fact-initSystem').textContent()).toMatch(/SysV|sysv/)
    await app.shot('04-dashboard-facts-en')
  })

  it('switches the UI to Japanese and keeps it after a reload', async () => {
    const { page } = app
    await page.keyboard.press('Control+Comma')
    await page.getByTestId('settings-locale').selectOption('ja')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja')
    await app.shot('05-settings-ja')
    await app.reload()
    await page.getByTestId('server-item-test-vps').click()
    await expect.poll(() => page.locator('body').textContent(), { timeout: 10_000 }).toMatch(/サーバー/)
    await app.shot('06-dashboard-ja')
    expect((await app.harness.services.settings.get()).locale).toBe('ja')
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
