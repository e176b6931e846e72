import { useI18n } from 'vue-i18n'

const asDate = (iso: string): Date | null => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/** Dates in the UI's language (Intl, no message formats needed). */
export function useFormat() {
  const { locale } = useI18n()
  const tag = () => (locale.value === 'ja' ? 'ja-JP' : 'en-GB')
  return {
    date: (iso: string) => {
      const d = asDate(iso)
      return d ? new Intl.DateTimeFormat(tag(), { dateStyle: 'medium' }).format(d) : iso
    },
    dateTime: (iso: string) => {
      const d = asDate(iso)
      return d ? new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'medium' }).format(d) : iso
    },
  }
}
