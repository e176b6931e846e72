// The part of a log line before the message: timestamp, host, program tag and pid.
// Scans char codes; no regular expressions and no allocation beyond the substrings it returns.

import { clockAt, fourDigits, inferYear, monthFromCodes, twoDigits, wallClockMs } from './timestamp'
import type { TimestampFormat } from './types'

export interface LineHeader {
  format: TimestampFormat
  time: number | null
  host: string | null
  program: string | null
  pid: number | null
  /** index of the first char of the message */
  msgStart: number
}

export interface HeaderOptions {
  /**
   * The time yearless syslog stamps are read against (ms since epoch). A stamp more than two days
   * after it belongs to the year before. Default: the clock, read again as time goes by.
   */
  referenceTime?: number
  /** The server's offset from UTC for stamps without a zone (syslog, Dovecot's own). Default 0. */
  utcOffsetMinutes?: number
}

/** Dovecot process names that open a line of Dovecot's own log (log_path) or of a no-host syslog line. */
const DOVECOT_SERVICES = new Set([
  'imap-login', 'pop3-login', 'managesieve-login', 'submission-login', 'lmtp', 'imap', 'pop3', 'managesieve',
  'submission', 'auth', 'auth-worker', 'master', 'config', 'log', 'lda', 'indexer', 'indexer-worker',
  'dict', 'doveadm', 'quota-status', 'stats', 'anvil',
])

const SP = 32
const COLON = 58

export class HeaderParser {
  private readonly fixedRef: number | null
  private readonly offsetMs: number
  private lastKey = ''
  private lastWall = 0
  /** the fraction of lastKey (the key includes it) */
  private lastFracMs = 0
  private lastNowCheck = 0
  private lastIsoKey = ''
  private lastIsoWall = 0
  private lastHost = ''
  /**
   * program names seen, by a hash of their chars taken while the tag is scanned: reusing the same string
   * saves a slice and lets Map look-ups downstream reuse its hash
   */
  private readonly programs = new Map<number, string>()

  constructor(opts: HeaderOptions = {}) {
    this.fixedRef = opts.referenceTime ?? null
    this.offsetMs = (opts.utcOffsetMinutes ?? 0) * 60_000
  }

  /** Fill `out` from line `s`. Never throws. */
  parse(s: string, out: LineHeader): void {
    out.time = null
    out.host = null
    out.program = null
    out.pid = null
    let p = -1
    const c0 = s.charCodeAt(0)
    if (c0 >= 48 && c0 <= 57) p = this.isoStamp(s, out)
    else if (c0 === 64 /* @ */) p = this.tai64nStamp(s, out)
    else if (s.length >= 15) p = this.syslogStamp(s, out)
    if (p < 0) {
      out.format = 'none'
      out.msgStart = 0
      // a bare `prog[pid]: msg` (no stamp) still has a tag worth reading
      this.tag(s, 0, out, true)
      return
    }
    // host, unless the next token is already a tag (Dovecot's own log, multilog)
    if (out.format === 'syslog' || out.format === 'rfc3339') {
      const sp = s.indexOf(' ', p)
      if (sp > p && s.charCodeAt(sp - 1) !== COLON) {
        const h = this.lastHost
        out.host = h.length === sp - p && s.startsWith(h, p) ? h : (this.lastHost = s.slice(p, sp))
        p = sp + 1
        while (s.charCodeAt(p) === SP) p++
      }
    }
    out.msgStart = p
    this.tag(s, p, out, false)
  }

  /** `prog[pid]: ` or `prog: ` (or Dovecot's `service(args)<id>: `) at p. */
  private tag(s: string, p: number, out: LineHeader, strict: boolean): void {
    const n = s.length
    let q = p
    let hash = 0
    while (q < n) {
      const c = s.charCodeAt(q)
      if (c === SP || c === 91 /* [ */ || c === COLON || c === 40 /* ( */) break
      hash = (Math.imul(hash, 31) + c) | 0
      q++
    }
    if (q === p || q >= n) return
    const c = s.charCodeAt(q)
    let end: number
    if (c === 91) {
      let k = q + 1
      let pid = 0
      while (k < n) {
        const d = s.charCodeAt(k) - 48
        if (d < 0 || d > 9) break
        pid = pid * 10 + d
        k++
      }
      if (k === q + 1 || s.charCodeAt(k) !== 93 /* ] */ || s.charCodeAt(k + 1) !== COLON) return
      out.pid = pid
      end = k + 1
    } else if (c === COLON) {
      if (strict) return
      end = q
    } else if (c === 40 && out.host === null && !strict) {
      // Dovecot log_path: `auth-worker(22401): …`, `auth(user,ip,sasl:login)<id>: …`
      let k = s.indexOf(')', q)
      if (k < 0) return
      k++
      while (s.charCodeAt(k) === 60 /* < */) {
        const g = s.indexOf('>', k)
        if (g < 0) return
        k = g + 1
      }
      if (s.charCodeAt(k) !== COLON) return
      out.program = 'dovecot'
      return // message keeps the service prefix for the Dovecot parser
    } else {
      return
    }
    const name = this.programName(s, p, q, hash)
    if (out.host === null && !strict && DOVECOT_SERVICES.has(name)) {
      out.program = 'dovecot'
      return // message keeps `service: …`
    }
    out.program = name
    let m = end + 1
    while (s.charCodeAt(m) === SP) m++
    out.msgStart = m
  }

  private programName(s: string, p: number, q: number, hash: number): string {
    const hit = this.programs.get(hash)
    if (hit !== undefined && hit.length === q - p && s.startsWith(hit, p)) return hit
    const name = s.slice(p, q)
    if (this.programs.size >= 256) this.programs.clear()
    this.programs.set(hash, name)
    return name
  }

  private referenceWall(): number {
    if (this.fixedRef !== null) return this.fixedRef + this.offsetMs
    return Date.now() + this.offsetMs
  }

  /** `Mmm dd HH:MM:SS ` with a space- or zero-padded (or unpadded) day. */
  private syslogStamp(s: string, out: LineHeader): number {
    // the same stamp as the line before (most lines of a busy log): read already, nothing to check again
    const key = this.lastKey
    if (key.length !== 0 && s.charCodeAt(key.length) === SP && s.startsWith(key) && (this.fixedRef !== null || this.lastNowCheck > Date.now() - 60_000)) {
      out.format = 'syslog'
      out.time = this.lastWall - this.offsetMs + this.lastFracMs
      return key.length + 1
    }
    if (s.charCodeAt(3) !== SP) return -1
    let p = 4
    if (s.charCodeAt(p) === SP) p++
    const d1 = s.charCodeAt(p) - 48
    if (d1 < 0 || d1 > 9) return -1
    let day = d1
    const d2 = s.charCodeAt(p + 1) - 48
    if (d2 >= 0 && d2 <= 9) {
      day = d1 * 10 + d2
      p += 2
    } else p += 1
    if (s.charCodeAt(p) !== SP || day < 1 || day > 31) return -1
    const secs = clockAt(s, p + 1)
    if (secs < 0) return -1
    p += 9
    let fracMs = 0
    if (s.charCodeAt(p) === 46 /* . */) {
      const f = fraction(s, p + 1)
      fracMs = f.ms
      p = f.end
    }
    if (s.charCodeAt(p) !== SP) return -1
    const keyEnd = p
    let wall: number
    if (this.lastKey.length === keyEnd && s.startsWith(this.lastKey) && (this.fixedRef !== null || this.lastNowCheck > Date.now() - 60_000)) {
      wall = this.lastWall
    } else {
      const month = monthFromCodes(s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2))
      if (month === 0) return -1
      const year = inferYear(month, day, secs, this.referenceWall())
      wall = wallClockMs(year, month, day, 0, 0, secs)
      this.lastKey = s.slice(0, keyEnd)
      this.lastWall = wall
      this.lastFracMs = fracMs
      this.lastNowCheck = Date.now()
    }
    out.format = 'syslog'
    out.time = wall - this.offsetMs + fracMs
    return p + 1
  }

  /** RFC 3339 (`2026-11-28T07:13:02.123456+00:00 `) or Dovecot's `2013-08-11 03:56:40 `. */
  private isoStamp(s: string, out: LineHeader): number {
    // date and time as on the line before (read already): only the fraction and the zone are left to read
    const same = this.lastIsoKey.length === 19 && s.startsWith(this.lastIsoKey)
    const sep = s.charCodeAt(10)
    if (!same) {
      const year = fourDigits(s, 0)
      const month = twoDigits(s, 5)
      const day = twoDigits(s, 8)
      if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return -1
      if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1
      if (sep !== 84 /* T */ && sep !== SP) return -1
      const secs = clockAt(s, 11)
      if (secs < 0) return -1
      this.lastIsoKey = s.slice(0, 19)
      this.lastIsoWall = wallClockMs(year, month, day, 0, 0, secs)
    }
    let p = 19
    let fracMs = 0
    if (s.charCodeAt(p) === 46) {
      const f = fraction(s, p + 1)
      fracMs = f.ms
      p = f.end
    }
    let offsetMs: number
    const z = s.charCodeAt(p)
    if (z === 90 /* Z */) {
      offsetMs = 0
      p++
    } else if (z === 43 || z === 45) {
      const hh = twoDigits(s, p + 1)
      let mm: number
      if (s.charCodeAt(p + 3) === COLON) {
        mm = twoDigits(s, p + 4)
        p += 6
      } else {
        mm = twoDigits(s, p + 3)
        p += 5
      }
      if (hh < 0 || mm < 0) return -1
      offsetMs = (hh * 60 + mm) * 60_000 * (z === 45 ? -1 : 1)
    } else if (sep === SP) {
      offsetMs = this.offsetMs // Dovecot's own stamp: server local time
    } else return -1
    if (s.charCodeAt(p) !== SP) return -1
    out.format = sep === SP && z !== 90 && z !== 43 && z !== 45 ? 'dovecot' : 'rfc3339'
    out.time = this.lastIsoWall + fracMs - offsetMs
    return p + 1
  }

  /** daemontools/multilog `@` + 24 hex digits (TAI64N label: 2^62 + 10 + Unix seconds, then ns). */
  private tai64nStamp(s: string, out: LineHeader): number {
    if (s.length < 26 || s.charCodeAt(25) !== SP || s.charCodeAt(1) !== 52 /* 4 */) return -1
    for (let i = 2; i < 25; i++) if (hexValue(s.charCodeAt(i)) < 0) return -1
    const secs = parseInt(s.slice(2, 17), 16) - 10 // libtai: TAI was 10 s ahead of UTC in 1970
    const nanos = parseInt(s.slice(17, 25), 16)
    out.format = 'tai64n'
    out.time = secs * 1000 + Math.floor(nanos / 1e6)
    return 26
  }
}

function fraction(s: string, i: number): { ms: number; end: number } {
  let v = 0
  let scale = 1
  let k = i
  while (k < s.length) {
    const d = s.charCodeAt(k) - 48
    if (d < 0 || d > 9) break
    if (scale < 1e9) {
      v = v * 10 + d
      scale *= 10
    }
    k++
  }
  return { ms: (v / scale) * 1000, end: k }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}
