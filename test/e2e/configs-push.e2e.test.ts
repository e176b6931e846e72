// The configs area's real push in the real renderer (Chromium) over the real preload, IPC and services,
// against the test mail server, holding the mail-config lock throughout:
// - connected, a cert path that does not exist on the server is marked (checked on the server);
// - a valid change (message_size_limit) is pushed through the UI: the verdict says installed and
//   reloaded, `postconf -n` on the server shows it;
// - the pulled snapshot is restored from the History panel and pushed (a rollback through the UI, in
//   Japanese): main.cf is byte-identical again;
// - unsaved edits: closing the window asks first (beforeunload), saved ones do not.
import { readFileSync } from 'node:fs'
import type { Dialog } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdMailConfig, pushRunStart, removePushRecordsSince, type MailConfigHold } from '../integration/support/mail-config-hold'
import { inServer } from '../integration/support/mail-fixture'
import { openApp, type App } from './support/app'
import { configFileEntry, MAIN_CF, openConfigFile, openConfigs, typeAtEnd } from './support/configs-page'
import { addTestServer } from './support/test-server'

const LIMIT = 'message_size_limit = 20480000'
const runStart = pushRunStart()

describe('configs: push a change through the UI, roll it back from the history', () => {
  let app: App
  let id = ''
  let hold: MailConfigHold | undefined
  /** The server's main.cf as it was when this file took the mail-config lock. */
  const serverMainCf = () => (hold as MailConfigHold).original(MAIN_CF)
  const state = () => app.page.getByTestId('connection-state').getAttribute('data-state')
  const changedCount = () => app.page.getByTestId('config-changed-count').textContent()
  const postconfN = async () => (await inServer(['postconf', '-n'])).stdout

  beforeAll(async () => {
    hold = await holdMailConfig({ files: [MAIN_CF] })
    app = await openApp()
    id = await addTestServer(app, 'Push VPS')
    await app.reload()
  }, 900_000)
  afterAll(async () => {
    try {
      await app?.close()
      if (hold?.restoreFiles().length) await inServer(['postfix', 'reload'])
    } finally {
      // The push records and backups this run made (we held the lock).
      if (hold) removePushRecordsSince(runStart)
      hold?.release()
    }
  }, 120_000)

  it('connected: a cert path missing on the server is an error checked on the server, gone after the revert (en)', async () => {
    const { page } = app
    await openConfigs(page, id)
    await page.getByTestId('config-pull').click()
    await configFileEntry(page).waitFor({ timeout: 60_000 })
    await expect.poll(changedCount).toContain('Files changed since pull: 0')
    await openConfigFile(page)
    await typeAtEnd(page, 'smtpd_tls_cert_file = /etc/ssl/certs/postdesk-e2e-missing.pem')
    await page.keyboard.press('Control+s')
    await expect.poll(changedCount).toContain('Files changed since pull: 1')
    const onServer = page.getByTestId('config-finding').filter({ has: page.getByTestId('finding-server') })
    await onServer.first().waitFor({ timeout: 30_000 })
    expect(await onServer.first().getAttribute('data-severity')).toBe('error')
    expect(await onServer.first().textContent()).toContain('/etc/ssl/certs/postdesk-e2e-missing.pem does not exist on the server')
    const lines = (await app.harness.services.configs.read(id, MAIN_CF)).text.split('\n')
    const line = lines.findIndex((l) => l.includes('postdesk-e2e-missing')) + 1
    expect(await onServer.first().textContent()).toContain(`line ${line}:23`)
    // The editor marks it too (an error range on that line).
    await expect.poll(() => page.locator('[data-testid="config-editor"] .cm-line', { hasText: 'postdesk-e2e-missing' }).locator('.cm-lintRange-error').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await page.getByTestId('config-server-findings').textContent()).toContain('Checked on the server: 1 cert/key files missing or unreadable')
    await app.shot('configs-push-01-server-check-en')

    // Cut the link: the server's findings go (offline they cannot be known).
    await app.harness.services.connections.disconnect(id)
    await expect.poll(state).toBe('offline')
    await expect.poll(() => onServer.count()).toBe(0)
    await page.getByTestId('config-connect').click()
    await expect.poll(state, { timeout: 30_000 }).toBe('connected')
    await onServer.first().waitFor({ timeout: 30_000 })

    await page.getByTestId('config-revert').click()
    await page.getByTestId('confirm-accept').click()
    await expect.poll(changedCount).toContain('Files changed since pull: 0')
    await expect.poll(() => onServer.count(), { timeout: 30_000 }).toBe(0)
  }, 240_000)

  it('pushes message_size_limit through the UI: verdict installed + reloaded, postconf -n shows it (en)', async () => {
    const { page } = app
    expect(await postconfN()).not.toContain('message_size_limit')
    await typeAtEnd(page, LIMIT)
    await page.keyboard.press('Control+s')
    await expect.poll(changedCount).toContain('Files changed since pull: 1')
    await page.getByTestId('config-push').click()
    const dialog = page.getByTestId('config-push-dialog')
    await dialog.waitFor()
    expect(await dialog.getByTestId('push-file').first().textContent()).toContain(MAIN_CF)
    await dialog.getByTestId('push-message').fill('e2e: bigger messages')
    await page.getByTestId('push-confirm').click()
    const verdict = page.getByTestId('config-verdict')
    await verdict.waitFor({ timeout: 120_000 })
    expect(await verdict.getAttribute('data-outcome'), (await verdict.textContent()) ?? '').toBe('installed')
    expect(await verdict.getByTestId('verdict-installed').textContent()).toContain(MAIN_CF)
    expect(await verdict.textContent()).toMatch(/Reloaded: .*postfix/i)
    const tools = (await verdict.getByTestId('verdict-tool').allTextContents()).join(' ')
    expect(tools).toMatch(/postconf/)
    await app.shot('configs-push-02-verdict-installed-en')

    expect(await postconfN()).toContain(`${LIMIT}\n`)
    expect(readFileSync(MAIN_CF, 'utf8')).toBe(serverMainCf().toString('utf8') + `${LIMIT}\n`)
    await expect.poll(changedCount).toContain('Files changed since pull: 0')
  }, 240_000)

  it('restores the pulled snapshot from the History panel and pushes it (a rollback, ja): main.cf byte-identical', async () => {
    const { page } = app
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await openConfigs(page, id)
    await expect.poll(state, { timeout: 30_000 }).toBe('connected')
    await page.getByTestId('config-history-toggle').click()
    const snaps = page.getByTestId('config-snapshot')
    await snaps.first().waitFor()
    expect(await snaps.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')).slice(0, 2))).toEqual(['push', 'pull'])
    await page.locator('[data-testid="config-snapshot"][data-kind="pull"]').first().getByTestId('snapshot-restore').click()
    await page.getByTestId('confirm-accept').click()
    await page.getByTestId('config-restored').waitFor()
    await expect.poll(changedCount).toContain('取得後に変更したファイル: 1')
    expect((await app.harness.services.configs.read(id, MAIN_CF)).text).not.toContain(LIMIT)

    await page.getByTestId('config-push').click()
    await page.getByTestId('config-push-dialog').waitFor()
    await page.getByTestId('push-confirm').click()
    const verdict = page.getByTestId('config-verdict')
    await verdict.waitFor({ timeout: 120_000 })
    expect(await verdict.getAttribute('data-outcome'), (await verdict.textContent()) ?? '').toBe('installed')
    await app.shot('configs-push-03-verdict-rollback-ja')

    expect(readFileSync(MAIN_CF).equals(serverMainCf())).toBe(true)
    expect(await postconfN()).not.toContain('message_size_limit')
    const history = await app.harness.services.configs.history(id)
    expect(history.slice(0, 3).map((h) => h.kind)).toEqual(['rollback', 'push', 'pull'])
    expect(history[0]?.changed).toEqual([MAIN_CF])
    await expect.poll(changedCount).toContain('取得後に変更したファイル: 0')
  }, 240_000)

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })

  it('closing the window with an unsaved edit asks first (beforeunload); with none it closes at once', async () => {
    const { page } = app
    await openConfigFile(page)
    await typeAtEnd(page, '# unsaved note')
    await expect.poll(() => page.locator('.cfg-unsaved').count()).toBeGreaterThan(0)
    const dialogs: string[] = []
    const seen = new Promise<Dialog>((resolve) => page.once('dialog', resolve))
    await page.close({ runBeforeUnload: true })
    const d = await seen
    dialogs.push(d.type())
    expect(d.type()).toBe('beforeunload')
    await d.dismiss()
    // Stayed: the page and the edit are still there.
    await new Promise((r) => setTimeout(r, 300))
    expect(page.isClosed()).toBe(false)
    expect(await page.locator('[data-testid="config-editor"] .cm-content').textContent()).toContain('# unsaved note')

    // Discard the edit (revert to the saved text, confirmed): closing now asks nothing.
    await page.getByTestId('config-revert').click()
    await page.getByTestId('confirm-accept').click()
    await expect.poll(() => page.locator('.cfg-unsaved').count()).toBe(0)
    page.on('dialog', (x) => {
      dialogs.push(x.type())
      void x.accept()
    })
    const closed = new Promise((resolve) => page.once('close', resolve))
    await page.close({ runBeforeUnload: true })
    await closed
    expect(dialogs).toEqual(['beforeunload'])
  }, 120_000)
})
