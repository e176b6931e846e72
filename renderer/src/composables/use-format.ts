import { useI18n } from 'vue-i18n'

const asDate = (at: string | number): Date | null => {
  const d = new Date(at)
  return Number.isNaN(d.getTime()) ? null : d
}

const FORMS = {
  date: { dateStyle: 'medium' },
  minute: { hour: '2-digit', minute: '2-digit', hour12: false },
  second: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
  dayMinute: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false },
  dateTime: { dateStyle: 'medium', timeStyle: 'medium' },
} satisfies Record<string, Intl.DateTimeFormatOptions>

/** Made once per language and form: building an Intl.DateTimeFormat costs far more than using one (the log list formats a time per row as it scrolls). */
const made = new Map<string, Intl.DateTimeFormat>()
function formatter(tag: string, form: keyof typeof FORMS): Intl.DateTimeFormat {
  const key = `${tag} ${form}`
  let f = made.get(key)
  if (!f) made.set(key, (f = new Intl.DateTimeFormat(tag, FORMS[form])))
  return f
}

/** Number formats likewise, per language and count of decimals. */
const numbers = new Map<string, Intl.NumberFormat>()
function numberFormat(tag: string, decimals: number): Intl.NumberFormat {
  const key = `${tag} ${decimals}`
  let f = numbers.get(key)
  if (!f) numbers.set(key, (f = new Intl.NumberFormat(tag, { maximumFractionDigits: decimals })))
  return f
}

/** Dates and numbers in the UI's language (Intl, no message formats needed). */
export function useFormat() {
  const { locale } = useI18n()
  const tag = () => (locale.value === 'ja' ? 'ja-JP' : 'en-GB')
  const fmt = (form: keyof typeof FORMS) => formatter(tag(), form)
  return {
    /** A number with grouping (1,174; 日本語 1,174), rounded to at most `decimals` places. */
    number: (n: number, decimals = 0) => numberFormat(tag(), decimals).format(n),
    date: (iso: string) => {
      const d = asDate(iso)
      return d ? fmt('date').format(d) : iso
    },
    /** A moment's hour and minute, 24-hour (16:52). */
    minute: (ms: number) => fmt('minute').format(ms),
    /** A moment's hour, minute and second, 24-hour (16:52:03; 00:05:04 after midnight, never 24:05:04). */
    second: (ms: number) => fmt('second').format(ms),
    /** A moment's day and minute (28 Nov, 16:52). */
    dayMinute: (ms: number) => fmt('dayMinute').format(ms),
    /** Date and time to the second (28 Nov 2026, 16:52:03; 2026/11/28 16:52:03), from an ISO string or epoch ms. */
    dateTime: (at: string | number) => {
      const d = asDate(at)
      return d ? fmt('dateTime').format(d) : String(at)
    },
  }
}
