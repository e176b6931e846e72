// The logs view's Summary panel, in the real renderer over the real preload, IPC and services, against
// the test mail server: the totals shown are pflogsumm's own of the server's /var/log/mail.log (the test
// server shares this machine's file system, so pflogsumm reads the same file), grouped and labelled in
// English and Japanese; Copy puts pflogsumm's Grand Totals block on the clipboard; reached by keyboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatPflogsummTotals, PFLOGSUMM_LABELS, type PflogsummTotals } from '../../shared/logs/pflogsumm-totals'
import { grandTotalsBlock, pflogsummReport, pflogsummTotals, requirePflogsumm } from '../support/pflogsumm-runner'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

const LOG = '/var/log/mail.log'

describe('logs summary panel', () => {
  let app: App
  let id = ''
  beforeAll(async () => {
    requirePflogsumm()
    app = await openApp()
    id = await addTestServer(app, 'Summary VPS')
    await app.reload()
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.harness.url).origin })
  }, 90_000)
  afterAll(async () => {
    await app?.close()
  })

  /** The totals the panel shows, from each row's data-label and data-value. */
  async function shown(): Promise<PflogsummTotals> {
    const rows = app.page.getByTestId('summary-totals').locator('[data-label]')
    const out = {} as PflogsummTotals
    for (const row of await rows.all()) out[(await row.getAttribute('data-label')) as keyof PflogsummTotals] = Number(await row.getAttribute('data-value'))
    // deferrals are shown beside deferred
    out.deferrals = Number(await app.page.getByTestId('summary-deferred').getAttribute('data-deferrals'))
    return out
  }

  /** Counts in the panel until pflogsumm gives the same totals before and after (no mail logged meanwhile). */
  async function countSteady(): Promise<PflogsummTotals> {
    for (let attempt = 0; ; attempt++) {
      const before = pflogsummTotals(LOG)
      await app.page.getByTestId('summary-run').click()
      await expect.poll(() => app.page.getByTestId('log-summary').getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
      const after = pflogsummTotals(LOG)
      if (JSON.stringify(before) === JSON.stringify(after)) {
        expect(await shown()).toEqual(after)
        return after
      }
      if (attempt === 3) throw new Error('the mail log kept changing while it was counted')
    }
  }

  it("shows pflogsumm's totals of the server's mail log, grouped, with every label", async () => {
    await app.page.goto(`${app.harness.url}#/servers/${id}/logs`)
    await expect.poll(() => app.page.getByTestId('logs-state').getAttribute('data-state'), { timeout: 45_000 }).toBe('following')
    // by keyboard: the toolbar button opens the panel
    await app.page.getByTestId('logs-summary-toggle').focus()
    await app.page.keyboard.press('Enter')
    await expect.poll(() => app.page.getByTestId('log-summary').count()).toBe(1)
    const totals = await countSteady()
    // the test server's log has mail in it (the provisioning's smoke test at least)
    expect(totals.received).toBeGreaterThan(0)
    expect(totals.delivered).toBeGreaterThan(0)
    expect(await app.page.getByTestId('summary-totals').locator('[data-label]').count()).toBe(PFLOGSUMM_LABELS.length - 1) // deferrals shown beside deferred
    expect(await app.page.getByTestId('summary-received').locator('dt').textContent()).toBe('Received')
    expect(await app.page.getByTestId('summary-foot').textContent()).toContain(`${LOG}:`)
    await app.shot('logs-summary-01-en')
  }, 240_000)

  it("copies pflogsumm's own Grand Totals block", async () => {
    await app.page.getByTestId('summary-copy').click()
    const text = await app.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())
    const totals = await shown()
    expect(text).toBe(formatPflogsummTotals(totals))
    // what pflogsumm itself prints for the same totals (when the log did not change meanwhile)
    const report = pflogsummReport(LOG)
    if (JSON.stringify(pflogsummTotals(LOG)) === JSON.stringify(totals)) expect(text).toBe(grandTotalsBlock(report))
  })

  it('speaks Japanese', async () => {
    await app.page.goto(`${app.harness.url}#/settings`)
    await app.page.getByTestId('settings-locale').selectOption('ja')
    await expect.poll(() => app.page.locator('html').getAttribute('lang')).toBe('ja')
    await app.page.goto(`${app.harness.url}#/servers/${id}/logs`)
    await app.page.getByTestId('logs-summary-toggle').click()
    expect(await app.page.getByTestId('logs-summary-toggle').textContent()).toBe('集計')
    await countSteady()
    expect(await app.page.getByTestId('summary-received').locator('dt').textContent()).toBe('受信')
    expect(await app.page.getByTestId('summary-run').textContent()).toContain('もう一度集計')
    await app.shot('logs-summary-02-ja')
  }, 240_000)
})
