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
