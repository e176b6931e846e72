import { z } from 'zod'

export const Locale = z.enum(['en', 'ja'])
export type Locale = z.infer<typeof Locale>
export const ThemeMode = z.enum(['system', 'light', 'dark'])
export type ThemeMode = z.infer<typeof ThemeMode>

export const Settings = z.object({
  locale: Locale,
  theme: ThemeMode,
})
export type Settings = z.infer<typeof Settings>
export const defaultSettings: Settings = { locale: 'en', theme: 'system' }

/**
 * The settings as the app reads them: those in force (locale is the desktop's until one is chosen),
 * the desktop's language, and whether the user chose a language (what the settings page shows as
 * System when not).
 */
export const SettingsState = Settings.extend({ systemLocale: Locale, localeChosen: z.boolean() })
export type SettingsState = z.infer<typeof SettingsState>
/** A change: locale 'system' forgets the chosen language, so the desktop's applies again (now and on later starts). */
export const SettingsPatch = Settings.partial().extend({ locale: z.union([Locale, z.literal('system')]).optional() })
export type SettingsPatch = z.infer<typeof SettingsPatch>

/** The UI language for a desktop's preferred languages (BCP 47 tags, most preferred first): the first we speak, else English. */
export function guessLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]
    if (base === 'ja' || base === 'en') return base
  }
  return 'en'
}
