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

/** The UI language for a desktop's preferred languages (BCP 47 tags, most preferred first): the first we speak, else English. */
export function guessLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]
    if (base === 'ja' || base === 'en') return base
  }
  return 'en'
}
