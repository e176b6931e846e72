import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lockMailConfig } from '../integration/support/config-lock'
import { ensureMariadbRunning } from '../integration/support/vps-db'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

// Restarting the database from the services page: the page says that Postfix was reloaded so its
// MySQL lookups reconnect (the test server's Postfix uses proxy:mysql: maps), in English and Japanese.
// When the reload cannot be done the page warns, with the server's reason, and offers the reload. Here a
// malformed master.cf line (Postfix keeps running on what it read at its last reload) makes postconf
// fail, so Postdesk cannot tell whether Postfix uses MySQL maps (and `postfix check` would refuse the
// reload anyway). Restarts MariaDB three times and reloads Postfix (under the mail-config lock); master.cf is put
// back byte-identical and MariaDB left running whatever happens.
const MASTER_CF = '/etc/postfix/master.cf'

describe('restarting the database from the services page', () => {
  let app: App
  let id = ''
  let release: () => void = () => undefined
  let masterCf: Buffer | null = null
  const restoreMasterCf = () => {
    if (masterCf && !readFileSync(MASTER_CF).equals(masterCf)) writeFileSync(MASTER_CF, masterCf)
  }

  beforeAll(async () => {
    release = await lockMailConfig()
    ensureMariadbRunning()
    app = await openApp()
    id = await addTestServer(app, 'DB restart VPS')
    await app.reload()
  }, 900_000)
  afterAll(async () => {
    try {
      restoreMasterCf()
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
    await app.reload()
    await restartDatabase()
    expect(await app.page.getByTestId('service-followups').textContent()).toMatch(/Postfix をリロードしました/)
    await app.shot('services-12-database-restart-postfix-reloaded-ja')
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })

  it('warns when Postfix could not be reloaded, with the server reason, and reloads it from the notice', { timeout: 300_000 }, async () => {
    await app.harness.services.settings.set({ locale: 'en' })
    await app.reload()
    masterCf = readFileSync(MASTER_CF)
    writeFileSync(MASTER_CF, Buffer.concat([masterCf, Buffer.from('postdesk-e2e-bogus unix - - y - -\n')]))
    const { page } = app
    await page.getByTestId(`server-item-${id}`).click()
    await page.getByTestId('tile-services').click()
    await page.getByTestId('services-table').waitFor({ timeout: 60_000 })
    await page.getByTestId('service-database-restart').click()
    await page.getByTestId('service-followups').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('service-followup-postfix').getAttribute('data-ok')).toBe('false')
    const text = await page.getByTestId('service-followups').textContent()
    expect(text).toMatch(/Postfix was not reloaded: it may refuse mail with “451 Temporary lookup failure”/)
    expect(text).toMatch(/Could not tell whether Postfix uses MySQL lookups \(postconf -n failed: .*master\.cf: line \d+: bad field count/)
    expect(await page.getByTestId('service-database').getAttribute('data-running')).toBe('true')
    expect((await app.harness.services.systemServices.status(id, 'postfix')).running).toBe(true)
    await app.shot('services-13-database-restart-postfix-not-reloaded-en')

    const journalOf = async (n: number) => (await app.harness.services.journal.list({ server: id, limit: n })).map((e) => [e.action, e.target, e.result])
    // nothing was tried on Postfix
    expect(await journalOf(1)).toEqual([['restart', 'mariadb', 'ok']])

    restoreMasterCf()
    await page.getByTestId('service-followup-retry').click()
    await expect.poll(() => journalOf(2), { timeout: 60_000 }).toEqual([
      ['reload', 'postfix', 'ok'],
      ['restart', 'mariadb', 'ok'],
    ])
    await expect.poll(() => page.getByTestId('service-busy').count(), { timeout: 60_000 }).toBe(0)
    expect(await page.getByTestId('service-followups').count()).toBe(0)
    expect(await page.getByTestId('service-failure').count()).toBe(0)
  })
})
