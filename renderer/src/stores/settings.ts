import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { guessLocale, type Locale, type SettingsPatch, type SettingsState, type ThemeMode } from '../../../shared/domain/settings'
import { call } from '../api/call'
import { setI18nLocale } from '../i18n'
import { useToastsStore } from './toasts'

export interface AppInfo {
  version: string
  dataDir: string
  platform: string
  harness: boolean
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)')

export const useSettingsStore = defineStore('settings', () => {
  // the locale to show before settings arrive: the browser's language if we speak it
  const locale = ref<Locale>(guessLocale(navigator.languages ?? [navigator.language]))
  /** The desktop's language (until settings arrive: the browser's guess) and whether the user chose one instead. */
  const systemLocale = ref<Locale>(locale.value)
  const localeChosen = ref(false)
  const theme = ref<ThemeMode>('system')
  const info = ref<AppInfo | null>(null)
  const loaded = ref(false)
  const systemDark = ref(darkQuery().matches)
  darkQuery().addEventListener('change', (e) => (systemDark.value = e.matches))

  const resolvedTheme = computed<'light' | 'dark'>(() => (theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value))

  watch(
    resolvedTheme,
    (t) => {
      document.documentElement.dataset['theme'] = t
      document.documentElement.style.colorScheme = t
    },
    { immediate: true },
  )
  watch(locale, (l) => setI18nLocale(l), { immediate: true })

  function apply(s: SettingsState): void {
    locale.value = s.locale
    theme.value = s.theme
    systemLocale.value = s.systemLocale
    localeChosen.value = s.localeChosen
  }

  async function load(): Promise<void> {
    const [settings, appInfo] = await Promise.allSettled([call(window.api.app.getSettings()), call(window.api.app.info())])
    if (settings.status === 'fulfilled') apply(settings.value)
    if (appInfo.status === 'fulfilled') info.value = appInfo.value
    loaded.value = true
    const failed = [settings, appInfo].find((r) => r.status === 'rejected')
    if (failed && failed.status === 'rejected') useToastsStore().error(failed.reason)
  }

  async function save(patch: SettingsPatch): Promise<void> {
    const before: SettingsState = { locale: locale.value, theme: theme.value, systemLocale: systemLocale.value, localeChosen: localeChosen.value }
    apply(patched(before, patch))
    try {
      apply(await call(window.api.app.setSettings(patch)))
    } catch (e) {
      apply(before)
      useToastsStore().error(e)
    }
  }

  /** 'system': follow the desktop's language again (the saved choice is removed). */
  const setLocale = (l: Locale | 'system') => save({ locale: l })
  const setTheme = (t: ThemeMode) => save({ theme: t })
  const toggleTheme = () => setTheme(resolvedTheme.value === 'dark' ? 'light' : 'dark')
  const toggleLocale = () => setLocale(locale.value === 'ja' ? 'en' : 'ja')

  return { locale, systemLocale, localeChosen, theme, info, loaded, resolvedTheme, load, save, setLocale, setTheme, toggleTheme, toggleLocale }
})

/** The settings once the patch applies, shown before the main process answers. */
function patched(s: SettingsState, p: SettingsPatch): SettingsState {
  const next = { ...s, ...(p.theme ? { theme: p.theme } : {}) }
  if (p.locale === 'system') return { ...next, locale: s.systemLocale, localeChosen: false }
  if (p.locale) return { ...next, locale: p.locale, localeChosen: true }
  return next
}
