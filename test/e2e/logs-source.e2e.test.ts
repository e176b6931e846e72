// The log source select in the logs toolbar, in the real renderer over the real preload, IPC and
// services, against the test mail server (a /var/log/mail.log, journalctl, no systemd): Automatic
// follows the file; Journal with no journal there fails with the clear message; with a standalone
// systemd-journald running, Journal follows the journal. Chosen by keyboard, in Japanese. The choice is
// kept in the server profile: after a reload (a new renderer: only the profile remembers) Journal or
// File is still chosen and followed; a choice whose save fails applies until then, and a toast says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { startJournald, type StandaloneJournald } from '../integration/support/standalone-journald'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

describe('logs source select', () => {
  let app: App
  let id = ''
  let jd: StandaloneJournald | undefined
  beforeAll(async () => {
    app = await openApp({ locale: 'ja-JP', services: { logs: { retryMs: 200 } } })
    id = await addTestServer(app, 'Source VPS')
    await app.reload()
  }, 90_000)
  afterAll(async () => {
    await app?.close()
    jd?.stop()
  })

  const state = () => app.page.getByTestId('logs-state').getAttribute('data-state')
  const source = () => app.page.getByTestId('logs-source').textContent()

  it('offers Automatic / Journal / File, labelled, with Automatic chosen and the file followed', async () => {
    await app.page.goto(`${app.harness.url}#/settings`)
    await app.page.getByTestId('settings-locale').selectOption('ja')
    await expect.poll(() => app.page.locator('html').getAttribute('lang')).toBe('ja')
    await app.page.goto(`${app.harness.url}#/servers/${id}/logs`)
    await expect.poll(state, { timeout: 45_000 }).toBe('following')
    const select = app.page.getByTestId('logs-source-choice')
    expect(await select.inputValue()).toBe('auto')
    expect(await select.locator('option').allTextContents()).toEqual(['自動', 'ジャーナル', 'ファイル'])
    expect(await app.page.getByLabel('ソース').getAttribute('data-testid')).toBe('logs-source-choice')
    expect(await source()).toBe('/var/log/mail.log')
  })

  it('Journal without a journal on the server: the follow fails with what is missing', async () => {
    const select = app.page.getByTestId('logs-source-choice')
    // by keyboard: focus the select, one step down (Automatic -> Journal)
    await select.focus()
    await app.page.keyboard.press('ArrowDown')
    expect(await select.inputValue()).toBe('journal')
    await expect.poll(state, { timeout: 20_000 }).toBe('failed')
    const notice = app.page.getByTestId('logs-source-missing')
    expect(await notice.getAttribute('data-missing')).toBe('journal')
    expect(await notice.textContent()).toContain('このサーバーには systemd のジャーナルがありません')
    expect(await app.page.getByTestId('logs-source').count()).toBe(0) // the old source is not shown as current
    await app.shot('logs-source-01-journal-missing-ja')
    // the way out offered: back to Automatic, following the file again
    await app.page.getByTestId('logs-source-use-auto').click()
    await expect.poll(state, { timeout: 20_000 }).toBe('following')
    expect(await select.inputValue()).toBe('auto')
    expect(await source()).toBe('/var/log/mail.log')
    expect(await notice.count()).toBe(0)
  })

  it('Journal with a journald running follows the journal; File and Automatic go back to the file', async () => {
    jd = await startJournald(['postfix.service', 'dovecot.service'])
    const select = app.page.getByTestId('logs-source-choice')
    // a choice is remembered: File, then Journal again restarts the follow with the journal
    await select.selectOption('file')
    await expect.poll(state, { timeout: 20_000 }).toBe('following')
    expect(await source()).toBe('/var/log/mail.log')
    await select.selectOption('journal')
    await expect.poll(source, { timeout: 20_000 }).toMatch(/^ジャーナル \(postfix\.service/)
    await expect.poll(state, { timeout: 20_000 }).toBe('following')
    const marker = `pdsrce2e${Date.now().toString(36)}`
    jd.send('postfix.service', 'postfix/smtpd', `connect from journal.example[192.0.2.7] ${marker}`)
    await expect.poll(() => app.page.locator('[data-testid="log-row"]', { hasText: marker }).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await app.shot('logs-source-02-journal-ja')
    await select.selectOption('auto')
    await expect.poll(source, { timeout: 20_000 }).toBe('/var/log/mail.log')
    expect(await select.inputValue()).toBe('auto')
  })

  const saved = async () => (await app.harness.services.profiles.get(id)).logSource

  it('the choice is kept in the server profile: after a reload Journal, then File, is still chosen and followed', async () => {
    if (!jd) throw new Error('the journald of the test before is needed')
    const select = app.page.getByTestId('logs-source-choice')
    await select.selectOption('journal')
    await expect.poll(source, { timeout: 20_000 }).toMatch(/^ジャーナル \(postfix\.service/)
    await expect.poll(saved).toBe('journal')
    await app.reload()
    expect(new URL(app.page.url()).hash).toBe(`#/servers/${id}/logs`)
    await expect.poll(state, { timeout: 45_000 }).toBe('following')
    expect(await select.inputValue()).toBe('journal')
    expect(await source()).toMatch(/^ジャーナル \(postfix\.service/)
    const marker = `pdsrcreload${Date.now().toString(36)}`
    jd.send('postfix.service', 'postfix/smtpd', `connect from reload.example[192.0.2.8] ${marker}`)
    await expect.poll(() => app.page.locator('[data-testid="log-row"]', { hasText: marker }).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await app.shot('logs-source-03-journal-after-reload-ja')

    await select.selectOption('file')
    await expect.poll(source, { timeout: 20_000 }).toBe('/var/log/mail.log')
    await expect.poll(saved).toBe('file')
    await app.reload()
    await expect.poll(state, { timeout: 45_000 }).toBe('following')
    expect(await select.inputValue()).toBe('file')
    expect(await source()).toBe('/var/log/mail.log')

    // back to Automatic: saved as no field, as the profile was before
    await select.selectOption('auto')
    await expect.poll(saved).toBe(undefined)
    // a reload drops the IPC socket (the browser logs that): nothing else
    expect(app.consoleErrors.filter((e) => !e.includes('ws://__ipc/'))).toEqual([])
  })

  it('a choice that cannot be saved applies until the app closes, and a toast says it was not saved', async () => {
    const profiles = app.harness.services.profiles
    const update = profiles.update.bind(profiles)
    profiles.update = async () => {
      throw new AppError('io', 'EACCES: permission denied, open profiles.json')
    }
    try {
      const select = app.page.getByTestId('logs-source-choice')
      await select.selectOption('journal')
      const toast = app.page.getByTestId('toast').filter({ hasText: 'ソース「ジャーナル」をサーバーのプロファイルに保存できませんでした' })
      await expect.poll(() => toast.count(), { timeout: 10_000 }).toBe(1)
      expect(await toast.getByTestId('toast-title').textContent()).toBe('ソース「ジャーナル」をサーバーのプロファイルに保存できませんでした。Postdesk を閉じるまではこのソースを使います。')
      expect(await toast.getByTestId('toast-detail').textContent()).toContain('EACCES: permission denied')
      await app.shot('logs-source-04-not-saved-ja')
      // still used for this session
      await expect.poll(source, { timeout: 20_000 }).toMatch(/^ジャーナル \(postfix\.service/)
      await expect.poll(state, { timeout: 20_000 }).toBe('following')
      expect(await select.inputValue()).toBe('journal')
      expect(await saved()).toBe(undefined)
    } finally {
      profiles.update = update
    }
    // not saved: a new renderer starts from the profile again
    await app.reload()
    await expect.poll(state, { timeout: 45_000 }).toBe('following')
    expect(await app.page.getByTestId('logs-source-choice').inputValue()).toBe('auto')
    expect(await source()).toBe('/var/log/mail.log')
  })
})
