import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import type { CreateServicesOptions } from '../../../electron/services/create-services'
import { guessLocale, type Locale } from '../../../shared/domain/settings'
import { startHarness, type Harness } from '../harness/server'
import { wrapPreload } from '../harness/preload-shim'

export const screenshotDir = resolve('test-results/e2e')
export const chromiumPath = process.env['POSTDESK_CHROMIUM'] ?? '/usr/bin/chromium'

export interface App {
  harness: Harness
  browser: Browser
  page: Page
  /** Console errors and CSP violations seen so far: a clean run has none. */
  consoleErrors: string[]
  shot(name: string): Promise<string>
  /** Reloads the page and waits until the app has mounted (see untilMounted). */
  reload(): Promise<void>
  close(): Promise<void>
}

/** Apps open right now: the failure report (failure-report.ts) describes their pages when a test fails. */
export const openApps = new Set<App>()

/** The built renderer in Debian's Chromium, wired to the real preload and the real services. */
export async function openApp(opts: { dataDir?: string; colorScheme?: 'light' | 'dark'; locale?: string; services?: Partial<CreateServicesOptions> } = {}): Promise<App> {
  // the desktop's language (what Electron's preferred system languages would say) is the browser's
  const systemLocale = (): Locale => guessLocale([opts.locale ?? 'en-US'])
  const harness = await startHarness({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), services: { systemLocale, ...opts.services } })
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: opts.colorScheme ?? 'light', locale: opts.locale ?? 'en-US' })
  await context.addInitScript({ content: wrapPreload(readFileSync('out/preload/index.cjs', 'utf8')) })
  const page = await context.newPage()
  const consoleErrors: string[] = []
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => consoleErrors.push(String(e)))
  await page.goto(harness.url)
  await untilMounted(page)
  mkdirSync(screenshotDir, { recursive: true })
  const app: App = {
    harness,
    browser,
    page,
    consoleErrors,
    async shot(name) {
      const file = join(screenshotDir, `${name}.png`)
      await page.screenshot({ path: file })
      return file
    },
    async reload() {
      await page.reload()
      await untilMounted(page)
    },
    async close() {
      openApps.delete(app)
      await browser.close()
      await harness.close()
    },
  }
  openApps.add(app)
  return app
}

/**
 * Until the app has mounted: it mounts once the router's first navigation has finished, and a hash a
 * test sets before that is overwritten by it (the router writes back the route it started with).
 */
async function untilMounted(page: Page): Promise<void> {
  await page.waitForSelector('#main', { state: 'attached', timeout: 30_000 })
}
