// First start on a Japanese desktop: the UI speaks Japanese before anything is chosen (the desktop's
// language, as Electron's preferred system languages give it; here the browser's), nothing is saved
// as a choice; English chosen in the settings stays English after a reload.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type App } from './support/app'

describe('first start on a Japanese desktop', () => {
  let app: App
  beforeAll(async () => {
    app = await openApp({ locale: 'ja-JP' })
  })
  afterAll(async () => app?.close())

  it('opens in Japanese without a saved choice; English once chosen, after a reload too', async () => {
    const { page } = app
    expect(await page.locator('html').getAttribute('lang')).toBe('ja')
    expect(await page.getByTestId('servers-empty').textContent()).toMatch(/サーバー/)
    await app.shot('first-run-01-empty-ja-desktop')
    const settingsFile = join(app.harness.dataDir, 'settings.json')
    expect(existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')).locale : undefined).toBeUndefined()

    await page.goto(`${app.harness.url}#/settings`)
    await page.getByTestId('settings-locale').selectOption('en')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
    await expect.poll(() => (existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')).locale : undefined)).toBe('en')
    await app.reload()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await page.getByTestId('settings-locale').inputValue()).toBe('en')
    expect(app.consoleErrors).toEqual([])
  })
})
