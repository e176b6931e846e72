import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createServices } from '../../electron/services/create-services'
import { JsonSettingsStore } from '../../electron/services/settings/settings-store'
import { defaultSettings, SettingsPatch } from '../../shared/domain/settings'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
/** What get/set answer with nothing chosen on an English desktop (the store's default). */
const defaults = { ...defaultSettings, systemLocale: 'en', localeChosen: false }
/** ... and with a language chosen. */
const withLocale = (locale: 'en' | 'ja') => ({ ...defaults, locale, localeChosen: true })

function storeWith(content?: string) {
  const dir = tempDir()
  mkdirSync(dir, { recursive: true })
  const store = new JsonSettingsStore(dir)
  if (content !== undefined) writeFileSync(store.path, content)
  return store
}

describe('JsonSettingsStore', () => {
  it('gives the defaults when there is no file', async () => {
    expect(await storeWith().get()).toEqual(defaults)
  })

  it('saves a patch merged over the current settings', async () => {
    const store = storeWith()
    expect(await store.set({ locale: 'ja' })).toEqual(withLocale('ja'))
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ locale: 'ja' })
    expect(await store.set({ theme: 'dark' })).toEqual({ ...withLocale('ja'), theme: 'dark' })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ locale: 'ja', theme: 'dark' })
    expect(await new JsonSettingsStore(store.path.replace(/\/settings\.json$/, '')).get()).toEqual({ ...withLocale('ja'), theme: 'dark' })
  })

  it("speaks the desktop's language until one is chosen, and saves only what was chosen", async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    let desktop: 'en' | 'ja' = 'ja'
    const store = new JsonSettingsStore(dir, () => desktop)
    expect(await store.get()).toEqual({ locale: 'ja', theme: 'system', systemLocale: 'ja', localeChosen: false })
    // a theme chosen does not make the desktop's language a choice
    expect(await store.set({ theme: 'dark' })).toEqual({ locale: 'ja', theme: 'dark', systemLocale: 'ja', localeChosen: false })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ theme: 'dark' })
    desktop = 'en'
    expect((await store.get()).locale).toBe('en')
    // once chosen, the desktop's language no longer matters
    await store.set({ locale: 'ja' })
    expect(await store.get()).toEqual({ locale: 'ja', theme: 'dark', systemLocale: 'en', localeChosen: true })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ locale: 'ja', theme: 'dark' })
  })

  it("System forgets the chosen language: the desktop's applies, now and on a later start", async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const store = new JsonSettingsStore(dir, () => 'ja')
    await store.set({ locale: 'en', theme: 'dark' })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ locale: 'en', theme: 'dark' })
    // the answer is the desktop's language at once, and the key is gone from the file (the theme stays)
    expect(await store.set({ locale: 'system' })).toEqual({ locale: 'ja', theme: 'dark', systemLocale: 'ja', localeChosen: false })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ theme: 'dark' })
    // a later start on an English desktop speaks English: nothing pins Japanese
    expect(await new JsonSettingsStore(dir, () => 'en').get()).toEqual({ locale: 'en', theme: 'dark', systemLocale: 'en', localeChosen: false })
    // System again with nothing chosen changes nothing; a language chosen after it is saved as before
    expect(await store.set({ locale: 'system' })).toMatchObject({ locale: 'ja', localeChosen: false })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ theme: 'dark' })
    await store.set({ locale: 'en' })
    expect(await new JsonSettingsStore(dir, () => 'ja').get()).toMatchObject({ locale: 'en', systemLocale: 'ja', localeChosen: true })
  })

  it("System is the only non-language locale accepted (the contract's patch and the store)", async () => {
    expect(SettingsPatch.safeParse({ locale: 'system' }).success).toBe(true)
    expect(SettingsPatch.safeParse({ locale: 'fr' }).success).toBe(false)
    const store = storeWith('{"locale":"ja"}')
    await expect(store.set({ locale: 'fr' as never })).rejects.toMatchObject({ code: 'invalid-input' })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ locale: 'ja' })
  })

  it('outside the app (CLI, harness) the desktop language comes from LC_ALL, LC_MESSAGES or LANG, the first set', async () => {
    const cases: [NodeJS.ProcessEnv, string][] = [
      [{ LANG: 'ja_JP.UTF-8' }, 'ja'],
      [{ LC_MESSAGES: 'ja_JP' }, 'ja'],
      [{ LC_ALL: 'C', LANG: 'ja_JP.UTF-8' }, 'en'],
      [{ LANG: 'fr_FR.UTF-8' }, 'en'],
      [{}, 'en'],
    ]
    for (const [env, want] of cases) {
      const services = await createServices({ dataDir: tempDir(), version: '0.0.0', emit: () => undefined, harness: false, env: { HOME: tempDir(), ...env } })
      expect([env, (await services.settings.get()).locale]).toEqual([env, want])
    }
  })

  it('refuses an invalid value with invalid-input and keeps the file', async () => {
    const store = storeWith()
    await store.set({ locale: 'ja' })
    await expect(store.set({ theme: 'purple' as never })).rejects.toMatchObject({ code: 'invalid-input' })
    expect(await store.get()).toEqual(withLocale('ja'))
  })

  it('fills keys missing from an older file with their defaults (no .bak)', async () => {
    const store = storeWith('{"locale":"ja"}')
    expect(await store.get()).toEqual(withLocale('ja'))
    expect(existsSync(`${store.path}.bak`)).toBe(false)
  })

  for (const [what, content] of [
    ['not JSON', '{"locale": "ja", '],
    ['a wrong value', '{"locale":"xx","theme":"dark"}'],
    ['not an object', '[1,2]'],
  ] as const) {
    it(`falls back to the defaults on a corrupt file (${what}) and keeps it as settings.json.bak`, async () => {
      const store = storeWith(content)
      expect(await store.get()).toEqual(defaults)
      expect(readFileSync(`${store.path}.bak`, 'utf8')).toBe(content)
      expect(existsSync(store.path)).toBe(false)
      expect(await store.set({ theme: 'light' })).toEqual({ ...defaults, theme: 'light' })
    })
  }
})
