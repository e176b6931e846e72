import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

const SENDER = `pd-e2e-${process.pid}@example.test`
const BOGUS = '/etc/dovecot/conf.d/99-postdesk-e2e.conf'

// The dashboard tiles, the services page (restart dovecot, see it come back) and the mail queue
// (hold and release a deferred message), through the real renderer, preload, IPC and services.
describe('services, mail queue and the dashboard', () => {
  let app: App
  let id = ''
  let qid = ''
  let seen = ''
  const root = (argv: string[], stdin?: string) => app.harness.services.connections.exec(id, argv, { timeoutMs: 60_000, ...(stdin ? { stdin } : {}) })
  const queueOf = async (q: string) => {
    const r = await root(['postqueue', '-j'])
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { queue_id: string; queue_name: string }).find((m) => m.queue_id === q)?.queue_name
  }

  beforeAll(async () => {
    app = await openApp()
    const s = app.harness.services
    id = await addTestServer(app, 'Services VPS')
    seen = (await root(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.split(' ')[0] ?? ''
    // A home entry with an old address (only stored: nothing is applied to the server's firewall here).
    await s.firewall.save(id, { backend: 'iptables', confirmTimeoutSec: 60, blocked: [], persistPath: null, entries: [{ name: 'home', ipv4: '192.0.2.10', access: ['tcp/993'], home: true, history: [] }] })
    // One message that cannot be delivered (.invalid does not resolve): deferred at once.
    await root(['sendmail', '-f', SENDER, 'someone@defer.invalid'], 'Subject: =?UTF-8?B?44OG44K544OI?=\nContent-Type: text/plain; charset=UTF-8\n\nhello\n')
    const end = Date.now() + 30_000
    while (!qid && Date.now() < end) {
      const r = await root(['postqueue', '-j'])
      qid = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { queue_id: string; queue_name: string; sender: string }).find((m) => m.sender === SENDER && m.queue_name === 'deferred')?.queue_id ?? ''
      if (!qid) await new Promise((r) => setTimeout(r, 300))
    }
    expect(qid).not.toBe('')
    await app.reload()
  })
  afterAll(async () => {
    if (id && qid) await root(['postsuper', '-d', qid]).catch(() => undefined)
    if (id) await root(['rm', '-f', BOGUS]).catch(() => undefined)
    // Dovecot must be running for everyone else, whatever happened here.
    if (id) await root(['sh', '-c', 'service dovecot status >/dev/null 2>&1 || service dovecot start </dev/null >/dev/null 2>&1; exit 0']).catch(() => undefined)
    await app?.close()
  })

  it('shows the dashboard tiles of the test server', async () => {
    const { page } = app
    await page.getByTestId('server-item-services-vps').click()
    await page.getByTestId('tile-services').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('tile-service-postfix').getAttribute('data-running')).toBe('true')
    expect(await page.getByTestId('tile-service-dovecot').getAttribute('data-running')).toBe('true')
    expect(Number(await page.getByTestId('tile-queue-total').textContent())).toBeGreaterThanOrEqual(1)
    expect(await page.getByTestId('tile-cert-postfix').getAttribute('data-state')).toBe('ok')
    // Home IP: the firewall's home entry (192.0.2.10, saved in beforeAll) against the address the server sees.
    const homeTile = page.getByTestId('tile-home-ip')
    expect(await homeTile.getAttribute('data-state')).toBe('changed')
    expect(await page.getByTestId('tile-home-ip-state').textContent()).toBe('Changed')
    expect(await page.getByTestId('tile-home-ip-allowed').textContent()).toBe('192.0.2.10')
    expect(await page.getByTestId('tile-home-ip-seen').textContent()).toBe(seen)
    expect(await page.getByTestId('tile-home-ip-refresh').getAttribute('href')).toMatch(/firewall\?refresh=1$/)
    // Unsynced config changes: what config.status says (the workspace may not be in this build yet).
    const expected = await app.harness.services.configs.status(id).then(
      (st) => (st.pulledAt === null ? 'never-pulled' : st.changed + st.conflicts > 0 ? 'changed' : 'in-sync'),
      () => 'unavailable',
    )
    expect(await page.getByTestId('tile-config-changes').getAttribute('data-state')).toBe(expected)
    if (expected === 'unavailable') expect(await page.getByTestId('tile-config-state').textContent()).toBe('Not available in this build yet')
    if (expected === 'never-pulled') expect(await page.getByTestId('tile-config-state').textContent()).toBe('Never pulled')
    expect(await page.getByTestId('tile-today-delivered').textContent()).toMatch(/^\d+$/)
    await app.shot('services-01-dashboard-en')
  })

  it('restarts dovecot from the services page and sees it come back with its ports', async () => {
    const { page } = app
    await page.getByTestId('tile-services').click()
    await page.getByTestId('services-table').waitFor({ timeout: 60_000 })
    const row = page.getByTestId('service-dovecot')
    expect(await row.getAttribute('data-running')).toBe('true')
    const pidBefore = (await app.harness.services.systemServices.status(id, 'dovecot')).pid
    await app.shot('services-02-services-en')
    await page.getByTestId('service-dovecot-restart').click()
    await page.getByTestId('service-busy').waitFor()
    await expect.poll(() => page.getByTestId('service-busy').count(), { timeout: 60_000 }).toBe(0)
    expect(await page.getByTestId('service-failure').count()).toBe(0)
    expect(await row.getAttribute('data-running')).toBe('true')
    expect(await row.getByTestId('service-ports').textContent()).toMatch(/143/)
    const after = await app.harness.services.systemServices.status(id, 'dovecot')
    expect(after.running).toBe(true)
    expect(after.pid).not.toBe(pidBefore)
    // Stopping asks first and says what it interrupts; cancelled here.
    await page.getByTestId('service-dovecot-stop').click()
    expect(await page.getByTestId('service-interrupts').textContent()).toMatch(/IMAP and POP3/)
    await app.shot('services-03-confirm-stop-en')
    await page.getByTestId('confirm-cancel').click()
    expect((await app.harness.services.systemServices.status(id, 'dovecot')).running).toBe(true)
  })

  it('holds and releases the deferred message from the queue tab', async () => {
    const { page } = app
    await page.getByTestId('tab-queue').click()
    const row = page.getByTestId(`queue-row-${qid}`)
    await row.waitFor({ timeout: 60_000 })
    expect(await row.getAttribute('data-queue')).toBe('deferred')
    expect(await row.getByTestId('queue-reason').first().textContent()).toMatch(/defer\.invalid/)
    await page.getByTestId('queue-search').fill(SENDER)
    expect(await page.locator('[data-testid^="queue-row-"]').count()).toBe(1)
    await page.getByTestId(`queue-check-${qid}`).check()
    await app.shot('services-04-queue-en')
    await page.getByTestId('queue-hold').click()
    await expect.poll(() => row.getAttribute('data-queue'), { timeout: 30_000 }).toBe('hold')
    expect(await queueOf(qid)).toBe('hold')
    await page.getByTestId(`queue-show-${qid}`).click()
    await expect.poll(() => page.getByTestId('queue-message-headers').textContent()).toMatch(/テスト/)
    await app.shot('services-05-message-en')
    await page.keyboard.press('Escape')
    await page.getByTestId(`queue-check-${qid}`).check()
    await page.getByTestId('queue-release').click()
    await expect.poll(() => row.getAttribute('data-queue'), { timeout: 30_000 }).toBe('deferred')
    expect(await queueOf(qid)).toBe('deferred')
    // "Delete all deferred" asks first, with the count; cancelled here (the queue is shared), nothing goes.
    await page.getByTestId('queue-search').fill('')
    await page.getByTestId('queue-delete-deferred').click()
    expect(await page.locator('dialog[open][data-testid=confirm-dialog]').textContent()).toMatch(/Delete all [1-9]\d* deferred messages\?/)
    await app.shot('services-10-confirm-delete-deferred-en')
    await page.getByTestId('confirm-cancel').click()
    expect(await queueOf(qid)).toBe('deferred')
  })

  it('refuses to restart dovecot with a broken config, shows the server reason and undoes it from the page', async () => {
    const { page } = app
    await page.getByTestId('tab-services').click()
    await page.getByTestId('services-table').waitFor({ timeout: 60_000 })
    // A raw edit breaks the config; the configs area would register its backup like this.
    expect((await root(['sh', '-c', `printf 'postdesk_e2e_bogus = 1\\n' > ${BOGUS}`])).code).toBe(0)
    const offer = app.harness.services.configBackups.register(id, { service: 'dovecot', path: BOGUS, backupPath: null })
    await page.getByTestId('service-dovecot-restart').click()
    await page.getByTestId('service-failure').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('service-failure-reason').textContent()).toMatch(/Unknown setting: postdesk_e2e_bogus/)
    expect(await page.getByTestId('service-dovecot').getAttribute('data-running')).toBe('true')
    await app.shot('services-09-restart-refused-en')
    await page.getByTestId(`undo-${offer}`).click()
    await expect.poll(() => page.getByTestId('service-failure').count(), { timeout: 60_000 }).toBe(0)
    expect((await root(['test', '-e', BOGUS])).code).toBe(1)
    expect((await app.harness.services.systemServices.status(id, 'dovecot')).running).toBe(true)
    expect(await page.getByTestId('service-dovecot').getAttribute('data-running')).toBe('true')
  })

  it('reads in Japanese', async () => {
    const { page } = app
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await page.getByTestId('server-item-services-vps').click()
    await page.getByTestId('tile-services').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('tile-services').textContent()).toMatch(/すべて稼働中/)
    await app.shot('services-06-dashboard-ja')
    await page.getByTestId('tile-services').click()
    await page.getByTestId('services-table').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('services-table').textContent()).toMatch(/稼働中/)
    await app.shot('services-07-services-ja')
    await page.getByTestId('tab-queue').click()
    await page.getByTestId(`queue-row-${qid}`).waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('queue-counts').textContent()).toMatch(/遅延/)
    await app.shot('services-08-queue-ja')
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })
})
