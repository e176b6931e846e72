// Postfix's "ACTION: STAGE from HOST[IP]: REPLY; from=<…> to=<…> proto=… helo=<…>" lines
// (smtpd, postscreen; cleanup's END-OF-MESSAGE milter replies use the reply part).

import { eachKeyValue, hostAddressAt, isDigit } from './field-scan'
import { rejectCategoryOf } from './reject-category'
import type { LineKind, LogFields } from './types'

export interface MessageResult {
  queueId: string | null
  kind: LineKind
  severity: import('./types').Severity
  fields: LogFields
}

/** smtpd/postscreen access actions that end a `QID|NOQUEUE: ACTION: ` prefix. */
export const ACTION_KIND: Record<string, LineKind> = {
  reject: 'rejected',
  'milter-reject': 'rejected',
  'proxy-reject': 'rejected',
  reject_warning: 'reject_warning',
  warning: 'reject_warning',
  hold: 'held',
  'milter-hold': 'held',
  discard: 'discarded',
  'milter-discard': 'discarded',
  filter: 'filtered',
  redirect: 'filtered',
  'milter-redirect': 'filtered',
  prepend: 'filtered',
  replace: 'filtered',
  info: 'filtered',
  bcc: 'filtered',
  'milter-header-redirect': 'filtered',
  'proxy-accept': 'filtered',
}

/** The start of the key list (`; from=<`, `; to=<`, `; proto=`, `; helo=`) after p, or -1. */
export function keyListStart(s: string, p: number): number {
  let k = s.indexOf('; from=<', p)
  if (k < 0) k = s.indexOf('; to=<', p)
  if (k < 0) k = s.indexOf('; proto=', p)
  if (k < 0) k = s.indexOf('; helo=', p)
  return k
}

/** Read the key list into fields. */
export function readKeyList(s: string, p: number, limit: number, f: LogFields): number {
  return eachKeyValue(s, p, limit, (key, value) => {
    if (key === 'from') f.from = value
    else if (key === 'to') f.to = value
    else if (key === 'proto') f.proto = value
    else if (key === 'helo') f.helo = value
  })
}

/** `550 5.1.1 <data>: reason` between p and end into fields (code, enhanced code, data, reason). */
export function readReply(s: string, p: number, end: number, f: LogFields): void {
  if (isDigit(s.charCodeAt(p)) && isDigit(s.charCodeAt(p + 1)) && isDigit(s.charCodeAt(p + 2))) {
    const sep = s.charCodeAt(p + 3)
    if (sep === 32 || sep === 45 /* - (multi-line reply) */) {
      f.replyCode = (s.charCodeAt(p) - 48) * 100 + (s.charCodeAt(p + 1) - 48) * 10 + (s.charCodeAt(p + 2) - 48)
      p += 4
    }
  }
  // enhanced status code d.d{1,3}.d{1,3}
  if (isDigit(s.charCodeAt(p)) && s.charCodeAt(p + 1) === 46) {
    let k = p + 2
    while (k < end && isDigit(s.charCodeAt(k))) k++
    if (s.charCodeAt(k) === 46) {
      k++
      const d0 = k
      while (k < end && isDigit(s.charCodeAt(k))) k++
      if (k > d0 && (k === end || s.charCodeAt(k) === 32)) {
        f.replyDsn = s.slice(p, k)
        p = k < end ? k + 1 : k
      }
    }
  }
  if (s.charCodeAt(p) === 60 /* < */) {
    const g = s.indexOf('>:', p)
    if (g >= 0 && g < end) {
      f.rejectData = s.slice(p + 1, g)
      p = g + 2
      if (s.charCodeAt(p) === 32) p++
    }
  } else if (s.charCodeAt(p) === 58 && s.charCodeAt(p + 1) === 32) {
    p += 2 // `450 4.7.1 : Helo command rejected` (empty data)
  }
  let reason = s.slice(p, end)
  // "Service unavailable; Client host [1.2.3.4] blocked using zen.spamhaus.org; http://…"
  if (reason.startsWith('Service unavailable; ')) {
    const b = reason.indexOf(' blocked using ')
    if (b > 0) {
      const lb = reason.indexOf('[', 21)
      const rb = reason.indexOf(']', lb + 1)
      if (lb >= 0 && rb > lb && rb < b && f.rejectData === undefined) f.rejectData = reason.slice(lb + 1, rb)
      reason = reason.slice(b + 1)
    }
  }
  f.reason = reason
  const using = reason.indexOf('blocked using ')
  if (using >= 0) {
    let e = using + 14
    while (e < reason.length && reason.charCodeAt(e) !== 59 /* ; */ && reason.charCodeAt(e) !== 32 && reason.charCodeAt(e) !== 44) e++
    f.blocklist = reason.slice(using + 14, e)
  }
}

/**
 * `ACTION: STAGE from HOST[IP](:PORT)?: REPLY(; key list)?` with `p` at ACTION and `colon` the index
 * of the `:` that ends ACTION. Returns false when the shape does not match.
 */
export function readAccessAction(s: string, p: number, colon: number, out: MessageResult): boolean {
  const action = s.slice(p, colon)
  const kind = ACTION_KIND[action]
  if (kind === undefined) return false
  const f = out.fields
  let q = colon + 2
  // proxy-accept/proxy-reject: `END-OF-MESSAGE: reply; key list`
  const sp = s.indexOf(' ', q)
  const stageEnd = sp < 0 ? s.length : sp
  if (s.charCodeAt(stageEnd - 1) === 58) {
    f.action = action
    f.stage = s.slice(q, stageEnd - 1)
    q = stageEnd + 1
  } else {
    if (sp < 0 || !s.startsWith(' from ', sp)) return false
    f.action = action
    f.stage = s.slice(q, sp)
    const addr = hostAddressAt(s, sp + 6)
    if (addr === null) return false
    f.clientHost = addr.host
    f.clientIp = addr.ip
    if (addr.port !== null) f.clientPort = addr.port
    q = addr.end
    if (s.charCodeAt(q) === 58) q++
    if (s.charCodeAt(q) === 32) q++
  }
  const kl = keyListStart(s, q)
  const replyEnd = kl < 0 ? s.length : kl
  readReply(s, q, replyEnd, f)
  if (kl >= 0) readKeyList(s, kl + 2, s.length, f)
  if (f.reason !== undefined && action.startsWith('proxy-')) f.text = s.slice(q, replyEnd)
  out.kind = kind
  if (kind === 'rejected' || kind === 'reject_warning' || kind === 'held' || kind === 'discarded') {
    f.rejectCategory = rejectCategoryOf(f.reason ?? '', action, f.stage ?? '')
  }
  return true
}
