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
    /** A moment's hour and minute, 24-hour (16:52). */
    minute: (ms: number) => new Intl.DateTimeFormat(tag(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(ms),
    /** A moment's day and minute (28 Nov, 16:52). */
    dayMinute: (ms: number) => new Intl.DateTimeFormat(tag(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(ms),
    dateTime: (iso: string) => {
      const d = asDate(iso)
      return d ? new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'medium' }).format(d) : iso
    },
  }
}
