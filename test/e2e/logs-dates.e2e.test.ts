// Dates in the logs view speak the UI's language, not the browser's: the list's time column and the
// line drawer's date, in the real renderer over the real preload, IPC and services, following the test
// mail server's log. A line with a known time is injected into the follow; the browser's locale is
// English with the UI in Japanese and in English, then Japanese with the UI in English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api } from '../../shared/contract/api'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

// What the functions passed to page.evaluate see in the page (this file is type-checked without the DOM lib).
declare const window: { api: Api }

/** 7 March (day and month tell apart), 09:05:04 UTC (an hour with a leading zero). */
const AT = Date.UTC(2026, 2, 7, 9, 5, 4, 250)
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

interface Shown {
  row: string
  drawer: string
}

async function setLocale(app: App, locale: 'en' | 'ja'): Promise<void> {
  await app.page.goto(`${app.harness.url}#/settings`)
  await app.page.getByTestId('settings-locale').selectOption(locale)
  await expect.poll(() => app.page.locator('html').getAttribute('lang')).toBe(locale)
}

/** Opens the logs view, injects a line stamped AT, and reads its time in the list and in the line drawer. */
async function shownTime(app: App, id: string, shot: string): Promise<Shown> {
  const { page } = app
  await page.goto(`${app.harness.url}#/servers/${id}/logs`)
  await expect.poll(() => page.getByTestId('logs-state').getAttribute('data-state'), { timeout: 45_000 }).toBe('following')
  const followId = (await page.getByTestId('logs-view').getAttribute('data-follow-id')) as string
  const marker = `pddates${Date.now().toString(36)}`
  const line = `${new Date(AT).toISOString()} vm postfix/smtpd[4242]: connect from unknown[192.0.2.7] ${marker}`
  expect(await page.evaluate(([f, l]) => window.api.logs.inject({ followId: f as string, count: 1, lines: [l as string] }), [followId, line] as const)).toEqual({ ok: true, value: { injected: 1 } })
  await page.getByTestId('filter-text').fill(marker)
  const row = page.locator('[data-testid="log-row"]', { hasText: marker })
  await expect.poll(async () => [await page.locator('[data-testid="log-row"]').count(), await row.count()], { timeout: 10_000 }).toEqual([1, 1])
  const rowTime = (await row.locator('.c-time').textContent()) ?? ''
  await row.click()
  const drawer = page.getByTestId('log-timeline')
  await drawer.waitFor()
  const drawerTime = (await drawer.getByTestId('timeline-lines').locator('li .t').first().textContent()) ?? ''
  await app.shot(shot)
  await page.getByTestId('timeline-close').click()
  await page.getByTestId('filter-clear').click()
  return { row: rowTime, drawer: drawerTime }
}

/** AT in the page's time zone: what the forms below must show. */
async function localParts(app: App): Promise<{ y: number; mo: number; d: number; h: number; mi: number; s: number }> {
  return app.page.evaluate((ms) => {
    const d = new Date(ms)
    return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() }
  }, AT)
}
const two = (n: number) => String(n).padStart(2, '0')
/** The Japanese form: 2026/03/07 9:05:04. */
const japanese = (p: Awaited<ReturnType<typeof localParts>>) => `${p.y}/${two(p.mo)}/${two(p.d)} ${p.h}:${two(p.mi)}:${two(p.s)}`
/** The English form (the app's English is en-GB): 7 Mar 2026, 09:05:04. */
const english = (p: Awaited<ReturnType<typeof localParts>>) => `${p.d} ${MONTHS[p.mo - 1]} ${p.y}, ${two(p.h)}:${two(p.mi)}:${two(p.s)}`
/** The list's clock, 24-hour in both languages: 09:05:04. */
const clock = (p: Awaited<ReturnType<typeof localParts>>) => `${two(p.h)}:${two(p.mi)}:${two(p.s)}`

describe('logs view dates follow the UI language (browser in English)', () => {
  let app: App
  let id = ''
  beforeAll(async () => {
    app = await openApp({ locale: 'en-US', services: { logs: { retryMs: 200 } } })
    id = await addTestServer(app, 'Dates VPS')
    await app.reload()
  }, 90_000)
  afterAll(async () => app?.close())

  it('English UI: the drawer shows the English date', async () => {
    const p = await localParts(app)
    expect(await shownTime(app, id, 'logs-dates-01-drawer-en')).toEqual({ row: clock(p), drawer: english(p) })
  })

  it('Japanese UI with the browser in English: the drawer shows the Japanese date', async () => {
    await setLocale(app, 'ja')
    const p = await localParts(app)
    expect(await shownTime(app, id, 'logs-dates-02-drawer-ja-on-en-browser')).toEqual({ row: clock(p), drawer: japanese(p) })
    expect(app.consoleErrors.filter((e) => !e.includes('ws://__ipc/'))).toEqual([])
  })
})

describe('logs view dates follow the UI language (browser in Japanese)', () => {
  let app: App
  let id = ''
  beforeAll(async () => {
    app = await openApp({ locale: 'ja-JP', services: { logs: { retryMs: 200 } } })
    id = await addTestServer(app, 'Dates VPS ja')
    await app.reload()
  }, 90_000)
  afterAll(async () => app?.close())

  it('English UI with the browser in Japanese: the drawer shows the English date', async () => {
    await setLocale(app, 'en')
    const p = await localParts(app)
    expect(await shownTime(app, id, 'logs-dates-03-drawer-en-on-ja-browser')).toEqual({ row: clock(p), drawer: english(p) })
    expect(app.consoleErrors.filter((e) => !e.includes('ws://__ipc/'))).toEqual([])
  })
})
