import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JsonSettingsStore } from '../../electron/services/settings/settings-store'
import { defaultSettings } from '../../shared/domain/settings'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

function storeWith(content?: string) {
  const dir = tempDir()
  mkdirSync(dir, { recursive: true })
  const store = new JsonSettingsStore(dir)
  if (content !== undefined) writeFileSync(store.path, content)
  return store
}

describe('JsonSettingsStore', () => {
  it('gives the defaults when there is no file', async () => {
    expect(await storeWith().get()).toEqual(defaultSettings)
  })

  it('saves a patch merged over the current settings', async () => {
    const store = storeWith()
    expect(await store.set({ locale: 'ja' })).toEqual({ ...defaultSettings, locale: 'ja' })
    expect(await store.set({ theme: 'dark' })).toEqual({ locale: 'ja', theme: 'dark' })
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ locale: 'ja', theme: 'dark' })
    expect(await new JsonSettingsStore(store.path.replace(/\/settings\.json$/, '')).get()).toEqual({ locale: 'ja', theme: 'dark' })
  })

  it('refuses an invalid value with invalid-input and keeps the file', async () => {
    const store = storeWith()
    await store.set({ locale: 'ja' })
    await expect(store.set({ theme: 'purple' as never })).rejects.toMatchObject({ code: 'invalid-input' })
    expect(await store.get()).toEqual({ ...defaultSettings, locale: 'ja' })
  })

  it('fills keys missing from an older file with their defaults (no .bak)', async () => {
    const store = storeWith('{"locale":"ja"}')
    expect(await store.get()).toEqual({ ...defaultSettings, locale: 'ja' })
    expect(existsSync(`${store.path}.bak`)).toBe(false)
  })

  for (const [what, content] of [
    ['not JSON', '{"locale": "ja", '],
    ['a wrong value', '{"locale":"xx","theme":"dark"}'],
    ['not an object', '[1,2]'],
  ] as const) {
    it(`falls back to the defaults on a corrupt file (${what}) and keeps it as settings.json.bak`, async () => {
      const store = storeWith(content)
      expect(await store.get()).toEqual(defaultSettings)
      expect(readFileSync(`${store.path}.bak`, 'utf8')).toBe(content)
      expect(existsSync(store.path)).toBe(false)
      expect(await store.set({ theme: 'light' })).toEqual({ ...defaultSettings, theme: 'light' })
    })
  }
})
