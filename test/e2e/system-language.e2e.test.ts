// Back to the desktop's language: on a Japanese desktop the language select's first option is
// System (日本語), selected while no language is saved. English chosen, then System again: the UI is
// Japanese at once and after a reload, and settings.json no longer holds a locale. On an English
// desktop the same option reads System (English).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type App } from './support/app'

describe('the System language on a Japanese desktop', () => {
  let app: App
  beforeAll(async () => {
    app = await openApp({ locale: 'ja-JP' })
  })
  afterAll(async () => app?.close())

  it('English chosen, then System: Japanese again, after a reload too, nothing saved', async () => {
    const { page } = app
    const settingsFile = join(app.harness.dataDir, 'settings.json')
    const savedLocale = () => (existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')).locale : undefined)
    const select = page.getByTestId('settings-locale')
    const lang = () => page.locator('html').getAttribute('lang')
    const title = page.locator('.page-title')

    await page.goto(`${app.harness.url}#/settings`)
    // nothing chosen yet: System, naming the language it resolves to, in the UI's language
    expect(await select.inputValue()).toBe('system')
    expect(await select.locator('option').allTextContents()).toEqual(['システム（日本語）', 'English', '日本語'])
    await expect.poll(() => title.textContent()).toBe('設定')
    await app.shot('system-language-01-ja')

    await select.selectOption('en')
    await expect.poll(lang).toBe('en')
    await expect.poll(savedLocale).toBe('en')
    expect(await select.inputValue()).toBe('en')
    expect(await select.locator('option').first().textContent()).toBe('System (日本語)')
    expect(await title.textContent()).toBe('Settings')
    await app.shot('system-language-02-en-chosen')

    await select.selectOption('system')
    await expect.poll(lang).toBe('ja')
    await expect.poll(() => title.textContent()).toBe('設定')
    expect(await select.inputValue()).toBe('system')
    await expect.poll(() => existsSync(settingsFile) && !('locale' in JSON.parse(readFileSync(settingsFile, 'utf8')))).toBe(true)
    expect(await app.harness.services.settings.get()).toMatchObject({ locale: 'ja', localeChosen: false })

    await app.reload()
    expect(await lang()).toBe('ja')
    await expect.poll(() => title.textContent()).toBe('設定')
    expect(await select.inputValue()).toBe('system')
    expect(savedLocale()).toBeUndefined()
    await app.shot('system-language-03-system-again')
    expect(app.consoleErrors).toEqual([])
  })
})

describe('the System language on an English desktop', () => {
  let app: App
  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
  })
  afterAll(async () => app?.close())

  it('System (English) is selected while nothing is saved', async () => {
    const { page } = app
    await page.goto(`${app.harness.url}#/settings`)
    const select = page.getByTestId('settings-locale')
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await select.inputValue()).toBe('system')
    expect(await select.locator('option').allTextContents()).toEqual(['System (English)', 'English', '日本語'])
    await app.shot('system-language-04-en-desktop')
    expect(app.consoleErrors).toEqual([])
  })
})
