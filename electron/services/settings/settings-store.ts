import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import { defaultSettings, Settings, type Locale, type SettingsPatch, type SettingsState } from '../../../shared/domain/settings'
import type { SettingsStore } from '../types'
import { writeFileAtomic } from '../storage/atomic-write'
import { ioError } from '../storage/io-error'
import { Mutex } from '../storage/mutex'
import { ensurePrivateDir } from '../storage/private-dir'
import { readTextIfExists } from '../storage/read-text'

export const SETTINGS_FILE = 'settings.json'

/**
 * App preferences in `settings.json`. Missing keys take their defaults (files from older versions);
 * a damaged file is moved to `settings.json.bak` and the defaults apply: preferences are not worth
 * refusing to start over. Until a language is chosen, the UI speaks the desktop's (`systemLocale`),
 * and only what the user chose is written: the desktop's language is not saved as a choice. Choosing
 * `locale: 'system'` removes the saved language, so the desktop's applies again.
 */
export class JsonSettingsStore implements SettingsStore {
  readonly path: string
  private readonly mutex = new Mutex()

  constructor(
    private readonly dataDir: string,
    private readonly systemLocale: () => Locale = () => defaultSettings.locale,
  ) {
    this.path = join(dataDir, SETTINGS_FILE)
  }

  get(): Promise<SettingsState> {
    return this.mutex.run(async () => this.withDefaults(await this.load()))
  }

  set(patch: SettingsPatch): Promise<SettingsState> {
    return this.mutex.run(async () => {
      const chosen: Record<string, unknown> = { ...(await this.load()), ...dropUndefined(patch) }
      // System: no language chosen any more, the desktop's applies (now and on later starts)
      if (chosen['locale'] === 'system') delete chosen['locale']
      const next = Settings.partial().safeParse(chosen)
      if (!next.success) throw new AppError('invalid-input', `Invalid settings: ${next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
      await ensurePrivateDir(this.dataDir)
      await writeFileAtomic(this.path, JSON.stringify(next.data, null, 2) + '\n')
      return this.withDefaults(next.data)
    })
  }

  private withDefaults(chosen: Partial<Settings>): SettingsState {
    const systemLocale = this.systemLocale()
    return { ...defaultSettings, locale: systemLocale, ...chosen, systemLocale, localeChosen: chosen.locale !== undefined }
  }

  /** What the user chose (the file's valid keys). */
  private async load(): Promise<Partial<Settings>> {
    const text = await readTextIfExists(this.path)
    if (text === undefined) return {}
    let stored: unknown
    try {
      stored = JSON.parse(text)
    } catch {
      return this.setAside()
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return this.setAside()
    const parsed = Settings.partial().safeParse(stored)
    return parsed.success ? dropUndefined(parsed.data) : this.setAside()
  }

  private async setAside(): Promise<Partial<Settings>> {
    try {
      await rename(this.path, `${this.path}.bak`)
    } catch (e) {
      throw ioError('move the damaged settings file aside from', this.path, e)
    }
    return {}
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
