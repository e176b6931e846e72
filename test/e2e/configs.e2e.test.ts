// The configs area in the real renderer (Chromium) over the real preload, IPC and services, against the
// test mail server: pull, cut the connection, edit main.cf in the CodeMirror editor, see the offline
// linter's marker, view the diff against the pulled file, reconnect, validate on the server (push with
// validateOnly: staged and checked by postconf/doveconf, nothing installed) and read the server's
// verdict. English, then Japanese. The server's main.cf is byte-identical afterwards.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdMailConfig, type MailConfigHold } from '../integration/support/mail-config-hold'
import { openApp, type App } from './support/app'
import { configFileEntry, MAIN_CF, openConfigFile, openConfigs, typeAtEnd } from './support/configs-page'
import { addTestServer } from './support/test-server'

// Unknown to Postfix: the offline linter flags it (with "did you mean"), postconf warns about it.
const BOGUS = 'smtpd_helo_restrictons'

describe('configs: pull, edit offline, lint, diff, reconnect, validate on the server', () => {
  let app: App
  let id = ''
  // Other tests push to and edit the same server's Postfix files: hold the mail-config lock throughout.
  let hold: MailConfigHold | undefined
  /** The server's main.cf as it was when this file took the mail-config lock. */
  const serverMainCf = () => (hold as MailConfigHold).original(MAIN_CF)
  const state = () => app.page.getByTestId('connection-state').getAttribute('data-state')

  beforeAll(async () => {
    hold = await holdMailConfig({ files: [MAIN_CF] })
    app = await openApp()
    id = await addTestServer(app, 'Configs VPS')
    await app.reload()
  }, 900_000)
  afterAll(async () => {
    try {
      await app?.close()
      hold?.restoreFiles()
    } finally {
      hold?.release()
    }
  })

  it('pulls, edits main.cf with the connection cut, shows the lint marker and the diff, then validates on the server (en)', async () => {
    const { page } = app
    await openConfigs(page, id)
    await page.getByTestId('config-never-pulled').waitFor()
    await page.getByTestId('config-pull').click()
    await configFileEntry(page).waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('config-changed-count').textContent()).toContain('Files changed since pull: 0')
    expect(await page.getByTestId('config-catalogues').textContent()).toMatch(/Postfix \d+\.\d+/)
    const owners = await page.locator('.cfg-files-owner').allTextContents()
    expect(owners).toContain('Postfix')
    expect(owners).toContain('Dovecot')

    // Cut the connection: everything below works offline.
    await app.harness.services.connections.disconnect(id)
    await expect.poll(state).toBe('offline')
    await page.getByTestId('config-offline').waitFor()
    expect(await page.getByTestId('config-pull').isDisabled()).toBe(true)

    await openConfigFile(page)
    await typeAtEnd(page, `${BOGUS} = permit_mynetworks`)
    // The offline linter (in its worker) marks the unknown name in the editor and lists it below.
    await page.locator('[data-testid="config-editor"] .cm-lintRange').first().waitFor({ timeout: 10_000 })
    const finding = page.getByTestId('config-finding').filter({ hasText: BOGUS })
    await finding.first().waitFor()
    expect(await finding.first().textContent()).toMatch(/line \d+:1/)
    // Hover on the name of a known parameter shows its default and this server's value.
    await page.locator('[data-testid="config-editor"] .cm-line', { hasText: /^myhostname\s*=/ }).first().locator('span').first().hover()
    const hover = page.getByTestId('config-hover')
    await hover.waitFor({ timeout: 5_000 })
    expect(await hover.textContent()).toContain('On this server')
    await app.shot('configs-01-offline-lint-en')
    // every file's whole name is shown (the sql/ map files differ only at their ends): no name's text
    // runs past its box (a range covers the laid-out text, clipped or not)
    const clipped = await page.locator('[data-testid="config-file-name"]').evaluateAll((els) =>
      els.filter((e) => {
        const r = e.ownerDocument.createRange()
        r.selectNodeContents(e)
        return r.getBoundingClientRect().right > e.getBoundingClientRect().right + 1
      }).map((e) => e.textContent),
    )
    expect(clipped).toEqual([])
    // a name longer than the list is wide takes a second line
    const heightOf = async (name: string) => (await page.locator('[data-testid="config-file-name"]', { hasText: name }).boundingBox())?.height ?? 0
    expect(await heightOf('mysql_virtual_alias_domain_catchall_maps.cf')).toBeGreaterThan((await heightOf('master.cf')) * 1.5)
    await page.mouse.move(0, 0)

    // Save (Ctrl+S) while offline: the workspace counts one changed file.
    await page.locator('[data-testid="config-editor"] .cm-content').click()
    await page.keyboard.press('Control+s')
    await expect.poll(() => page.getByTestId('config-changed-count').textContent()).toContain('Files changed since pull: 1')
    expect(await configFileEntry(page).getAttribute('data-state')).toBe('modified')

    // The diff against the pulled version: side by side, then unified.
    await page.getByTestId('config-tab-diff').click()
    await page.locator('[data-testid="config-diff"][data-mode="split"] .cm-mergeView').waitFor()
    await expect.poll(() => page.locator('[data-testid="config-diff"] .cm-changedLine', { hasText: BOGUS }).count()).toBeGreaterThan(0)
    await app.shot('configs-02-diff-split-en')
    await page.getByTestId('diff-unified').click()
    await page.locator('[data-testid="config-diff"][data-mode="unified"]').waitFor()
    await expect.poll(() => page.locator('[data-testid="config-diff"] .cm-changedLine', { hasText: BOGUS }).count()).toBeGreaterThan(0)
    await app.shot('configs-03-diff-unified-en')

    // Reconnect, validate on the server, read its verdict.
    await page.getByTestId('config-connect').click()
    await expect.poll(state, { timeout: 30_000 }).toBe('connected')
    await page.getByTestId('config-validate').click()
    const dialog = page.getByTestId('config-push-dialog')
    await dialog.waitFor()
    expect(await dialog.getByTestId('push-file').first().textContent()).toContain(MAIN_CF)
    expect(await dialog.getByTestId('push-file').first().textContent()).toContain('+1')
    await app.shot('configs-04-validate-dialog-en')
    await page.getByTestId('push-confirm').click()
    const verdict = page.getByTestId('config-verdict')
    await verdict.waitFor({ timeout: 90_000 })
    const tools = await verdict.getByTestId('verdict-tool').allTextContents()
    expect(tools.join(' ')).toMatch(/postconf/)
    // postconf's own words about the unknown parameter reach the user.
    expect(await verdict.textContent()).toContain(BOGUS)
    await app.shot('configs-05-verdict-en')
    // Validation installs nothing.
    expect(readFileSync(MAIN_CF).equals(serverMainCf())).toBe(true)
  }, 240_000)

  it('the same journey in Japanese, then the edit is reverted', async () => {
    const { page } = app
    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await openConfigs(page, id)
    await openConfigFile(page)
    await app.harness.services.connections.disconnect(id)
    await expect.poll(state).toBe('offline')
    await typeAtEnd(page, 'smtpd_banner_x = $myhostname ESMTP')
    await page.locator('[data-testid="config-editor"] .cm-lintRange').first().waitFor({ timeout: 10_000 })
    await page.getByTestId('config-finding').filter({ hasText: 'smtpd_banner_x' }).first().waitFor()
    expect(await page.getByTestId('config-findings').textContent()).toMatch(/行 \d+ 列|\d+ 行/)
    expect(await page.getByTestId('config-offline').textContent()).toContain('未接続')
    await app.shot('configs-06-offline-lint-ja')
    await page.keyboard.press('Control+s')
    await page.getByTestId('config-tab-diff').click()
    await page.locator('[data-testid="config-diff"] .cm-mergeView, [data-testid="config-diff"] .cm-editor').first().waitFor()
    await app.shot('configs-07-diff-ja')
    await page.getByTestId('config-connect').click()
    await expect.poll(state, { timeout: 30_000 }).toBe('connected')
    await page.getByTestId('config-validate').click()
    await page.getByTestId('push-confirm').click()
    const verdict = page.getByTestId('config-verdict')
    await verdict.waitFor({ timeout: 90_000 })
    expect(await verdict.textContent()).toMatch(/サーバーのツール/)
    await app.shot('configs-08-verdict-ja')

    // Revert main.cf to the pulled version (confirmed first): the workspace is clean again.
    await page.getByTestId('config-tab-editor').click()
    await page.getByTestId('config-revert').click()
    await page.getByTestId('confirm-accept').click()
    await expect.poll(() => page.getByTestId('config-changed-count').textContent()).toContain('取得後に変更したファイル: 0')
    expect(readFileSync(MAIN_CF).equals(serverMainCf())).toBe(true)
  }, 240_000)

  it('compare: a server-side change to the same lines is a conflict, resolved in the editor; history restores the pull', async () => {
    const { page } = app
    await app.harness.services.settings.set({ locale: 'en' })
    await app.reload()
    await openConfigs(page, id)
    await expect.poll(state).toBe('connected')
    // Start from what the server has now, then both sides add a different line at the end of main.cf.
    await page.getByTestId('config-pull').click()
    await expect.poll(() => page.getByTestId('config-changed-count').textContent(), { timeout: 60_000 }).toContain('Files changed since pull: 0')
    await openConfigFile(page)
    await typeAtEnd(page, '# local note: raise the limit next week')
    await page.keyboard.press('Control+s')
    await expect.poll(() => page.getByTestId('config-changed-count').textContent()).toContain('Files changed since pull: 1')
    appendFileSync(MAIN_CF, '# server note: changed by hand on the server\n')
    try {
      await page.getByTestId('config-compare').click()
      await page.getByTestId('config-compare-result').waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('config-compare-result').textContent()).toContain('Files changed on the server since your pull: 1')
      await expect.poll(() => configFileEntry(page).getAttribute('data-state')).toBe('conflict')
      const conflict = page.getByTestId('config-conflict')
      await conflict.first().waitFor()
      // Marker lines are highlighted in the editor; push is blocked until the conflict is resolved.
      expect(await page.locator('[data-testid="config-editor"] .cfg-conflict-marker').count()).toBe(3)
      expect(await page.getByTestId('config-push').isDisabled()).toBe(true)
      expect(await page.getByTestId('config-push-blocker').textContent()).toContain('Resolve the conflicts first')
      await app.shot('configs-09-conflict-en')
      await conflict.first().getByTestId('conflict-both').click()
      await expect.poll(() => page.getByTestId('config-conflict').count()).toBe(0)
      await page.getByTestId('config-save').click()
      await expect.poll(() => page.getByTestId('config-conflict-count').count()).toBe(0)
      const text = await page.locator('[data-testid="config-editor"] .cm-content').textContent()
      expect(text).toContain('# local note: raise the limit next week')
      expect(text).toContain('# server note: changed by hand on the server')
      // The diff against what is on the server now: only the local line differs.
      await page.getByTestId('config-tab-diff').click()
      await page.getByTestId('diff-against-remote').click()
      await expect.poll(() => page.locator('[data-testid="config-diff"] .cm-changedLine', { hasText: 'local note' }).count()).toBeGreaterThan(0)
      expect(await page.locator('[data-testid="config-diff"] .cm-changedLine', { hasText: 'server note' }).count()).toBe(0)
      await app.shot('configs-10-diff-remote-en')
    } finally {
      writeFileSync(MAIN_CF, serverMainCf())
    }

    // History: the pulls are snapshots; restoring the last one (confirmed first) puts the local files back.
    await page.getByTestId('config-history-toggle').click()
    const snap = page.getByTestId('config-snapshot').first()
    await snap.waitFor()
    expect(await snap.getAttribute('data-kind')).toBe('pull')
    await app.shot('configs-11-history-en')
    // The editor follows the app's dark theme (colours from CSS variables).
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await app.shot('configs-12-history-dark-en')
    await page.emulateMedia({ colorScheme: 'light' })
    await snap.getByTestId('snapshot-restore').click()
    await page.getByTestId('confirm-accept').click()
    await page.getByTestId('config-restored').waitFor()
    await page.getByTestId('config-tab-editor').click()
    await page.locator(`[data-testid="config-editor"][data-path="${MAIN_CF}"] .cm-content`).waitFor()
    const restored = await app.harness.services.configs.read(id, MAIN_CF)
    expect(restored.text).not.toContain('local note')
    expect(restored.text).not.toContain('<<<<<<<')
    expect(readFileSync(MAIN_CF).equals(serverMainCf())).toBe(true)
    // Leave the workspace as pulled.
    await page.getByTestId('config-pull').click()
    // (asks first when local files differ from the pulled ones)
    await page.getByTestId('confirm-accept').click({ timeout: 3_000 }).catch(() => undefined)
    await expect.poll(() => page.getByTestId('config-changed-count').textContent(), { timeout: 60_000 }).toContain('Files changed since pull: 0')
  }, 240_000)

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors.filter((e) => !e.includes("WebSocket connection to 'ws://__ipc/'"))).toEqual([])
  })
})
