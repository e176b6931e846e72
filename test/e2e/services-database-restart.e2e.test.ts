import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lockMailConfig } from '../integration/support/config-lock'
import { ensureMariadbRunning } from '../integration/support/vps-db'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

// Restarting the database from the services page: the page says that Postfix was reloaded so its
// MySQL lookups reconnect (the test server's Postfix uses proxy:mysql: maps), in English and Japanese.
// Restarts MariaDB twice and reloads Postfix (under the mail-config lock); MariaDB is left running.
describe('restarting the database from the services page', () => {
  let app: App
  let id = ''
  let release: () => void = () => undefined

  beforeAll(async () => {
    release = await lockMailConfig()
    ensureMariadbRunning()
    app = await openApp()
    id = await addTestServer(app, 'DB restart VPS')
    await app.page.reload()
  }, 900_000)
  afterAll(async () => {
    try {
      ensureMariadbRunning()
      if (id) await app.harness.services.connections.exec(id, ['postfix', 'reload'], { timeoutMs: 60_000 }).catch(() => undefined)
      await app?.close()
    } finally {
      release()
    }
  }, 300_000)

  async function restartDatabase(): Promise<void> {
    const { page } = app
    await page.getByTestId(`server-item-${id}`).click()
    await page.getByTestId('tile-services').click()
    await page.getByTestId('services-table').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('service-database').getAttribute('data-running')).toBe('true')
    await page.getByTestId('service-database-restart').click()
    await page.getByTestId('service-followups').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('service-failure').count()).toBe(0)
    expect(await page.getByTestId('service-followup-postfix').getAttribute('data-ok')).toBe('true')
    expect(await page.getByTestId('service-database').getAttribute('data-running')).toBe('true')
    expect((await app.harness.services.systemServices.status(id, 'postfix')).running).toBe(true)
  }

  it('says that Postfix was reloaded so its MySQL lookups reconnect', { timeout: 300_000 }, async () => {
    await restartDatabase()
    expect(await app.page.getByTestId('service-followups').textContent()).toMatch(/Postfix was reloaded so that its MySQL lookups reconnect/)
    const journal = await app.harness.services.journal.list({ server: id, limit: 2 })
    expect(journal.map((e) => [e.action, e.target, e.result])).toEqual([
      ['reload', 'postfix', 'ok'],
      ['restart', 'mariadb', 'ok'],
    ])
    await app.shot('services-11-database-restart-postfix-reloaded-en')
  })

  it('says it in Japanese', { timeout: 300_000 }, async () => {
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.page.reload()
    await restartDatabase()
    expect(await app.page.getByTestId('service-followups').textContent()).toMatch(/Postfix をリロードしました/)
    await app.shot('services-12-database-restart-postfix-reloaded-ja')
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })
})
