import { createI18n } from 'vue-i18n'
import type { Locale } from '../../../shared/domain/settings'
import en from './locales/en'
import ja from './locales/ja'

export type MessageSchema = typeof en
export const locales: readonly Locale[] = ['en', 'ja']

// Both locales share one schema: a key missing from ja.ts fails the type check here.
const messages: Record<Locale, MessageSchema> = { en, ja }

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages,
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
})

/** Translate outside components (stores, api/call.ts). */
export const t = (key: string, named?: Record<string, unknown>): string => (named ? i18n.global.t(key, named) : i18n.global.t(key))

/** Whether a key exists (e.g. a service's message code this build can translate). */
export const te = (key: string): boolean => i18n.global.te(key)

export function setI18nLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}
