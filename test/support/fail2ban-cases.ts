// fail2ban's annotated logs: a `# failJSON: {...}` comment gives the expected time, host (the
// offending address) and sometimes user of the log line that follows it.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FIXTURE_ROOT } from './maillog-fixtures'

export interface Fail2banCase {
  file: string
  lineNo: number
  line: string
  /** expected wall-clock time of the line in fail2ban's test time zone, as [y, m, d, H, M, S] */
  time: [number, number, number, number, number, number] | null
  host: string | null
  user: string | null
  match: boolean
}

/** fail2ban's tests run with TZ=Europe/Zurich and the clock at 2005-08-14 12:00:00 local (MyTime 1124013600). */
export const FAIL2BAN_REFERENCE_WALL_CLOCK = Date.UTC(2005, 7, 14, 12, 0, 0)
export const FAIL2BAN_TIME_ZONE = 'Europe/Zurich'

export function fail2banCases(rel: string): Fail2banCase[] {
  const lines = readFileSync(join(FIXTURE_ROOT, rel), 'utf8').split('\n')
  const out: Fail2banCase[] = []
  let pending: { json: Record<string, unknown>; at: number } | null = null
  lines.forEach((line, i) => {
    const m = /^#\s*failJSON:\s*(.*)$/.exec(line)
    if (m) {
      pending = { json: JSON.parse(m[1]!) as Record<string, unknown>, at: i + 1 }
      return
    }
    if (line.startsWith('#') || line.trim() === '') return
    if (pending === null) return
    const j = pending.json
    const t = typeof j.time === 'string' ? /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{2}):(\d{2})$/.exec(j.time) : null
    if (typeof j.time === 'string' && !t) throw new Error(`${rel}:${pending.at}: unreadable time ${j.time}`)
    out.push({
      file: rel,
      lineNo: i + 1,
      line,
      time: t ? (t.slice(1, 7).map(Number) as Fail2banCase['time']) : null,
      host: typeof j.host === 'string' ? j.host : null,
      user: typeof j.user === 'string' ? j.user : null,
      match: j.match === true,
    })
    pending = null
  })
  return out
}

/** UTC ms of a wall-clock time in a time zone (Intl, full ICU). */
export function zonedToUtc(wall: number, timeZone: string): number {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
  const asWall = (utc: number): number => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(utc)).map((x) => [x.type, x.value]))
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second))
  }
  let utc = wall
  for (let k = 0; k < 3; k++) utc = wall - (asWall(utc) - utc)
  return utc
}
