import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createTestUser, signalSshd, type TestUser } from '../integration/support/vps-admin'
import { loadConnection } from '../integration/support/vps'
import { openApp, type App } from './support/app'

// Issue 3's journey through the real renderer, preload, IPC and services against the test mail
// server: import a host from an ssh config, store the passphrase of its key in the editor, connect,
// then kill the link on the server side and watch the status go reconnecting -> connected; in English
// and Japanese.
const conn = loadConnection()
const PASSPHRASE = 'e2e passphrase ✓'

describe('ssh connections', () => {
  let app: App
  let user: TestUser
  let home: string

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'postdesk-e2e-home-'))
    mkdirSync(join(home, '.ssh'), { mode: 0o700 })
    const key = join(home, '.ssh', 'id_mail')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', key])
    user = createTestUser({ password: 'unused-e2e', authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()] })
    writeFileSync(join(home, '.ssh', 'config'), `Host vps\n  HostName ${conn.host}\n  User ${user.name}\n  IdentityFile ~/.ssh/id_mail\n\nHost *\n  ServerAliveInterval 30\n`)
    app = await openApp({ services: { env: { HOME: home, USER: 'tester' }, userKnownHostsPath: null, ssh: { reconnectInitialMs: 1500 } } })
  })
  afterAll(async () => {
    await app?.close()
    user?.remove()
    rmSync(home, { recursive: true, force: true })
  })

  it('imports the host from ~/.ssh/config', async () => {
    const { page } = app
    await page.getByTestId('import-ssh-config').first().click()
    await page.getByTestId('ssh-import-row-vps').waitFor()
    expect(await page.getByTestId('ssh-import-file').inputValue()).toBe(join(home, '.ssh', 'config'))
    expect(await page.getByTestId('ssh-import-row-vps').textContent()).toContain(`${user.name}@${conn.host}`)
    await app.shot('10-ssh-import-en')
    await page.getByTestId('ssh-import-submit').click()
    await page.getByTestId('server-item-vps').waitFor()
    const [p] = await app.harness.services.profiles.list()
    expect(p).toMatchObject({ id: 'vps', host: conn.host, user: user.name, keyPath: join(home, '.ssh', 'id_mail') })
  })

  it('stores the key passphrase in the editor (never shown again), then connects after accepting the host key', async () => {
    const { page } = app
    await page.getByTestId('server-item-vps').click()
    await page.getByTestId('edit-server').click()
    await page.getByTestId('secret-passphrase').fill(PASSPHRASE)
    await expect.poll(() => page.getByTestId('secret-state-passphrase').getAttribute('data-stored')).toBe('false')
    await app.shot('11-server-editor-en')
    await page.getByTestId('submit').click()
    await page.getByTestId('facts-refresh').waitFor()
    expect(await app.harness.services.secrets.kinds('vps')).toEqual(['passphrase'])
    for (const f of ['profiles.json', 'journal.jsonl', 'secrets.json']) expect(readFileSync(join(app.harness.dataDir, f), 'utf8')).not.toContain('e2e passphrase')

    await page.getByTestId('connect').click()
    await page.getByTestId('hostkey-accept').click()
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    // The editor shows the secret as stored, with an empty field.
    await page.getByTestId('edit-server').click()
    await expect.poll(() => page.getByTestId('secret-state-passphrase').getAttribute('data-stored')).toBe('true')
    expect(await page.getByTestId('secret-passphrase').inputValue()).toBe('')
    await page.getByRole('link', { name: 'Cancel' }).click()
  })

  it('kill the link on the server: the status goes reconnecting, then connected, and the events log says so', async () => {
    const { page } = app
    await page.getByTestId('connection-events').waitFor()
    await signalSshd(app.harness.services, 'vps', 'KILL')
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 10_000, interval: 20 }).toBe('reconnecting')
    await expect.poll(() => page.getByTestId('status-text').textContent()).toMatch(/Reconnecting/)
    await app.shot('12-reconnecting-en')
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => page.locator('[data-testid=connection-event][data-state=reconnecting]').count()).toBeGreaterThan(0)
    await page.getByTestId('connection-events').scrollIntoViewIfNeeded()
    await app.shot('13-reconnected-events-en')
  })

  it('the reconnect button opens a new connection', async () => {
    const { page } = app
    const gen = app.harness.services.connections.generationOf('vps')
    await page.getByTestId('reconnect').click()
    await expect.poll(() => app.harness.services.connections.generationOf('vps'), { timeout: 20_000 }).not.toBe(gen)
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state')).toBe('connected')
  })

  it('in Japanese: the same drop and recovery', async () => {
    const { page } = app
    await page.getByTestId('status-locale').click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja')
    await signalSshd(app.harness.services, 'vps', 'KILL')
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 10_000, interval: 20 }).toBe('reconnecting')
    await expect.poll(() => page.getByTestId('status-text').textContent()).toMatch(/再接続/)
    await app.shot('14-reconnecting-ja')
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await page.getByTestId('connection-events').scrollIntoViewIfNeeded()
    await app.shot('15-reconnected-events-ja')
    await page.getByTestId('edit-server').click()
    await page.getByTestId('jump-add').click()
    await page.getByTestId('jump-host-0').fill('bastion.example.jp')
    await page.getByTestId('jump-row-0').scrollIntoViewIfNeeded()
    await app.shot('16-server-editor-ja')
    await page.goto(app.harness.url)
    await page.getByTestId('import-ssh-config').first().click()
    await page.getByTestId('ssh-import-row-vps').waitFor()
    await app.shot('17-ssh-import-ja')
    await page.getByTestId('ssh-import-cancel').click()
  })

  it('a connect that hangs (a server that never speaks SSH) is cancelled with the Cancel button', async () => {
    const { page } = app
    const silent = createServer(() => undefined)
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as AddressInfo).port
    onTestFinished(() => void silent.close())
    await page.getByTestId('sidebar-add-server').click()
    await page.getByTestId('field-name').fill('blackhole')
    await page.getByTestId('field-host').fill('127.0.0.1')
    await page.getByTestId('field-port').fill(String(port))
    await page.getByTestId('field-user').fill('root')
    await page.getByTestId('field-key').fill(conn.keyPath)
    await page.getByTestId('submit').click()
    await page.getByTestId('server-item-blackhole').waitFor()
    await page.getByTestId('connect').click()
    await page.getByTestId('cancel-connect').click()
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 5_000 }).toBe('offline')
    expect(app.harness.services.connections.status('blackhole').reason).toMatch(/cancelled/)
    await expect.poll(() => page.getByTestId('cancel-connect').count()).toBe(0)
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
