// A postfix message: level, queue id, then the daemon's own grammar (dispatched on the daemon name).

import { readPostscreen, readSmtpd } from './postfix-smtpd'
import {
  readAnvil, readBounce, readCleanup, readDelivery, readDnsblog, readPickup, readQmgr, readQueueWord, readSmtpClient,
} from './postfix-queue'
import type { MessageResult } from './postfix-reject'
import type { Severity } from './types'

const POSTFIX_DAEMONS = new Set([
  'smtpd', 'smtp', 'lmtp', 'cleanup', 'qmgr', 'oqmgr', 'local', 'virtual', 'bounce', 'defer', 'trace', 'pickup', 'anvil',
  'dnsblog', 'pipe', 'postscreen', 'tlsproxy', 'scache', 'error', 'retry', 'discard', 'trivial-rewrite', 'master',
  'postsuper', 'sendmail', 'postdrop', 'postmap', 'postalias', 'tlsmgr', 'verify', 'showq', 'flush', 'proxymap',
  'spawn', 'postfix-script', 'postqueue', 'postlog', 'postconf', 'postmulti', 'qmqpd', 'relay',
])

const serviceCache = new Map<string, string | null>()

/**
 * The postfix daemon behind a syslog tag: `postfix/smtpd`, `postfix/submission/smtpd`,
 * `postfix-incoming/smtpd` -> `smtpd`; `postfix` and `postfix-script` are themselves. null if not postfix.
 */
export function postfixDaemonOf(program: string): string | null {
  const hit = serviceCache.get(program)
  if (hit !== undefined) return hit
  let daemon: string | null = null
  const slash = program.lastIndexOf('/')
  if (slash >= 0) {
    const d = program.slice(slash + 1)
    if (POSTFIX_DAEMONS.has(d)) daemon = d
  } else if (program === 'postfix' || program === 'postfix-script') daemon = program
  if (serviceCache.size > 4096) serviceCache.clear()
  serviceCache.set(program, daemon)
  return daemon
}

/** `warning: ` / `error: ` / `fatal: ` / `panic: ` at p: its severity, or null. */
export function levelAt(s: string, p: number): Severity | null {
  switch (s.charCodeAt(p)) {
    case 119: return s.startsWith('warning: ', p) ? 'warning' : null
    case 101: return s.startsWith('error: ', p) ? 'error' : null
    case 102: return s.startsWith('fatal: ', p) ? 'fatal' : null
    case 112: return s.startsWith('panic: ', p) ? 'panic' : null
    default: return null
  }
}

const LEVEL_LENGTH: Record<Severity, number> = { info: 6, warning: 9, error: 7, fatal: 7, panic: 7 }

// Postfix's long queue ids: 6 + 4 chars of base 52 (digits and consonants), `z`, then base 51.
const BASE52 = new Uint8Array(128)
for (const c of '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz') BASE52[c.charCodeAt(0)] = 1

/**
 * End of a queue id at p followed by `:` (then a space or the end), or -1. Accepts NOQUEUE, short ids
 * (upper-case hex; upper-case letters and digits are tolerated) and long ids.
 */
export function queueIdEnd(s: string, p: number): number {
  let k = p
  let upper = true
  let long = true
  const n = s.length
  while (k < n) {
    const c = s.charCodeAt(k)
    if (c === 58) break
    const isUpperOrDigit = (c >= 48 && c <= 57) || (c >= 65 && c <= 90)
    if (!isUpperOrDigit) upper = false
    if (c >= 128 || (BASE52[c] !== 1 && !(c === 122 && k === p + 10))) long = false
    if (!upper && !long) return -1
    k++
    if (k - p > 40) return -1
  }
  if (k >= n) return -1
  const next = s.charCodeAt(k + 1)
  if (k + 1 < n && next !== 32) return -1
  const len = k - p
  if (upper && len >= 5) return k
  if (long && len >= 12 && s.charCodeAt(p + 10) === 122) return k
  return -1
}

/** Parse a postfix message (the text after `postfix/DAEMON[pid]: `) into out. */
export function readPostfix(daemon: string, s: string, out: MessageResult): void {
  let p = 0
  let level = levelAt(s, p)
  if (level !== null) {
    out.severity = level
    p += LEVEL_LENGTH[level]
  }
  const qe = queueIdEnd(s, p)
  if (qe > 0) {
    out.queueId = s.slice(p, qe)
    p = qe + 1
    while (s.charCodeAt(p) === 32) p++
    if (level === null && daemon !== 'cleanup') {
      level = levelAt(s, p)
      if (level !== null) {
        out.severity = level
        p += LEVEL_LENGTH[level]
      }
    }
  }
  if (s.startsWith('to=', p) && daemon !== 'smtpd') {
    readDelivery(s, p, out)
  } else {
    switch (daemon) {
      case 'smtpd': readSmtpd(s, p, out); break
      case 'postscreen': case 'tlsproxy': readPostscreen(s, p, out); break
      case 'cleanup': readCleanup(s, p, out); break
      case 'qmgr': case 'oqmgr': readQmgr(s, p, out); break
      case 'smtp': case 'lmtp': readSmtpClient(s, p, out); break
      case 'bounce': case 'defer': case 'trace': readBounce(s, p, out); break
      case 'pickup': readPickup(s, p, out); break
      case 'anvil': readAnvil(s, p, out); break
      case 'dnsblog': readDnsblog(s, p, out); break
      default:
        if (out.queueId !== null) readQueueWord(s, p, out)
        else out.fields.text = s.slice(p)
    }
  }
  if (out.kind === 'info' && out.severity !== 'info') out.kind = out.severity
}
