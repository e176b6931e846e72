// Timestamp arithmetic without Date objects on the hot path.

const DAY_MS = 86_400_000

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12); H. Hinnant's days_from_civil. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Wall-clock ms of a date and time, as if it were UTC. */
export function wallClockMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000
}

/** `Jan`..`Dec` -> 1..12 from three char codes; 0 when not a month. */
export function monthFromCodes(a: number, b: number, c: number): number {
  // lower-case the three letters so `JAN` and `jan` also work
  const k = String.fromCharCode(a | 32, b | 32, c | 32)
  return MONTHS[k] ?? 0
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
}

/** How far ahead of the reference a yearless stamp may be before it is taken as last year's. */
export const FUTURE_SLACK_MS = 2 * DAY_MS

/**
 * The year of a yearless syslog stamp: the reference time's year, or the one before when the stamp
 * would otherwise lie more than two days after the reference (a December line read in January).
 * `referenceMs` and the returned value are in the same clock as `utcOffsetMinutes` describes.
 */
export function inferYear(month: number, day: number, secondsOfDay: number, referenceWallMs: number): number {
  const refYear = yearOfWallMs(referenceWallMs)
  const candidate = daysFromCivil(refYear, month, day) * DAY_MS + secondsOfDay * 1000
  return candidate > referenceWallMs + FUTURE_SLACK_MS ? refYear - 1 : refYear
}

/** Gregorian year of a ms-since-epoch value (no Date allocation). */
export function yearOfWallMs(ms: number): number {
  // civil_from_days, year part only
  const z = Math.floor(ms / DAY_MS) + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  return yoe + era * 400 + (month <= 2 ? 1 : 0)
}

/** Two ASCII digits at i as a number, or -1. */
export function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48
  const b = s.charCodeAt(i + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/** Four ASCII digits at i as a number, or -1. */
export function fourDigits(s: string, i: number): number {
  const h = twoDigits(s, i)
  const l = twoDigits(s, i + 2)
  return h < 0 || l < 0 ? -1 : h * 100 + l
}

/** `HH:MM:SS` at i as seconds of the day, or -1. */
export function clockAt(s: string, i: number): number {
  const h = twoDigits(s, i)
  const m = twoDigits(s, i + 3)
  const sec = twoDigits(s, i + 6)
  if (h < 0 || m < 0 || sec < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1
  if (h > 23 || m > 59 || sec > 60) return -1
  return (h * 60 + m) * 60 + sec
}
