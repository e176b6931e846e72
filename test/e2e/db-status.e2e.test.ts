import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rootSql } from '../integration/support/vps-db'
import { loadConnection } from '../integration/support/vps'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

const conn = loadConnection()

// The dashboard's database card, through the real renderer, preload, IPC and services: once the
// server is connected it checks the database through the SSH tunnel and shows what it found.
describe('database status on the dashboard', () => {
  let app: App
  const schema = () => rootSql(`SELECT value FROM \`${conn.db.name}\`.config WHERE name = 'version'`)[0]?.[0] ?? ''
  const version = () => rootSql('SELECT VERSION()')[0]?.[0] ?? ''

  beforeAll(async () => {
    app = await openApp()
    await addTestServer(app, 'DB VPS')
    await app.reload()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('shows the server version, the PostfixAdmin schema, the route and where the credentials came from', async () => {
    const { page } = app
    await page.getByTestId('server-item-db-vps').click()
    await page.getByTestId('db-status').waitFor({ timeout: 30_000 })
    await expect.poll(async () => (await page.getByTestId('db-schema-version').textContent({ timeout: 30_000 }))?.trim(), { timeout: 30_000 }).toBe(schema())
    expect(await page.getByTestId('db-server-version').textContent()).toContain(version())
    expect(await page.getByTestId('db-via').textContent()).toMatch(/^Unix socket \/(var\/)?run\/mysqld\/mysqld\.sock \(through SSH\)$/)
    expect(await page.getByTestId('db-source').textContent()).toBe("PostfixAdmin's config, run by the server's php (/etc/postfixadmin/config.inc.php)")
    await page.getByTestId('db-status').scrollIntoViewIfNeeded()
    await app.shot('db-01-dashboard-en')
  })

  it('checks again on demand, and reads in Japanese', async () => {
    const { page } = app
    const before = await page.getByTestId('db-status').locator('time').getAttribute('datetime')
    await page.getByTestId('db-check').click() // reads the credentials on the server again
    await expect.poll(() => page.getByTestId('db-status').locator('time').getAttribute('datetime'), { timeout: 30_000 }).not.toBe(before)
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await page.getByTestId('server-item-db-vps').click()
    await expect.poll(async () => (await page.getByTestId('db-status').textContent({ timeout: 30_000 })) ?? '', { timeout: 30_000 }).toMatch(/PostfixAdmin スキーマ/)
    expect(await page.getByTestId('db-via').textContent()).toMatch(/^Unix ソケット .*（SSH 経由）$/)
    await page.getByTestId('db-status').scrollIntoViewIfNeeded()
    await app.shot('db-02-dashboard-ja')
    // The harness's preload shim also runs in the transient about:blank document of a reload, where it
    // cannot reach ws://<no host>/__ipc; that is the harness, not the app.
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })

  it('the server editor sets a DB override (TCP 127.0.0.1:3306) that the next check uses, and keeps it on later edits', async () => {
    const { page } = app
    await app.harness.services.settings.set({ locale: 'en' })
    await app.reload()
    await page.getByTestId('server-item-db-vps').click()
    await page.getByTestId('edit-server').click()
    await page.getByTestId('db-override').waitFor()
    await page.getByTestId('db-host').fill('127.0.0.1')
    await page.getByTestId('db-port').fill('3306')
    await page.getByTestId('db-override').scrollIntoViewIfNeeded()
    await app.shot('db-03-editor-override-en')
    await page.getByTestId('submit').click()
    await expect.poll(async () => (await app.harness.services.profiles.get('db-vps')).db, { timeout: 10_000 }).toEqual({ host: '127.0.0.1', port: 3306 })
    await page.getByTestId('db-check').click()
    await expect.poll(async () => (await page.getByTestId('db-via').textContent())?.trim(), { timeout: 30_000 }).toBe('TCP 127.0.0.1:3306 on the server (through SSH)')
    // Editing something else keeps the override.
    await page.getByTestId('edit-server').click()
    await expect.poll(() => page.getByTestId('db-host').inputValue()).toBe('127.0.0.1')
    await page.getByTestId('field-name').fill('DB VPS 2')
    await page.getByTestId('submit').click()
    await expect.poll(async () => (await app.harness.services.profiles.get('db-vps')).name, { timeout: 10_000 }).toBe('DB VPS 2')
    expect((await app.harness.services.profiles.get('db-vps')).db).toEqual({ host: '127.0.0.1', port: 3306 })
  })
})
