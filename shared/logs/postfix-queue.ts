// postfix queue-side daemons: cleanup, qmgr, the delivery agents (smtp, lmtp, local, virtual, pipe,
// error, discard), bounce, pickup, and the small ones (anvil, dnsblog, postsuper).

import { hostAddressAt, uintAt } from './field-scan'
import { ACTION_KIND, keyListStart, readKeyList, readReply, type MessageResult } from './postfix-reject'
import { rejectCategoryOf } from './reject-category'
import type { LogFields } from './types'

/** `to=<a>, orig_to=<b>, relay=…, conn_use=…, delay=…, delays=…, tls=…, dsn=…, status=WORD (text)` */
export function readDelivery(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  let q = p
  const n = s.length
  while (q < n) {
    const eq = s.indexOf('=', q)
    if (eq < 0) break
    const key = s.slice(q, eq)
    if (key === 'status') {
      let e = s.indexOf(' ', eq + 1)
      if (e < 0) e = n
      f.status = s.slice(eq + 1, e)
      if (s.startsWith(' (', e)) {
        const close = s.charCodeAt(n - 1) === 41 ? n - 1 : n
        f.statusText = s.slice(e + 2, close)
      } else if (s.startsWith(', ', e)) {
        f.statusText = s.slice(e + 2)
      } else if (e < n && s.charCodeAt(e - 1) === 44) {
        f.status = s.slice(eq + 1, e - 1) // qmgr: "status=expired, returned to sender"
        f.statusText = s.slice(e + 1)
      }
      break
    }
    let vEnd: number
    if (s.charCodeAt(eq + 1) === 60 /* < */) {
      let g = s.indexOf('>', eq + 2)
      while (g >= 0 && g + 1 < n && s.charCodeAt(g + 1) !== 44) g = s.indexOf('>', g + 1)
      if (g < 0) g = n - 1
      setDeliveryField(f, key, s.slice(eq + 2, g))
      vEnd = g + 1
    } else {
      vEnd = s.indexOf(', ', eq + 1)
      if (vEnd < 0) vEnd = n
      setDeliveryField(f, key, s.slice(eq + 1, vEnd))
    }
    if (!s.startsWith(', ', vEnd)) break
    q = vEnd + 2
  }
  const status = f.status
  if (status === undefined) return
  if (status === 'sent') {
    out.kind = 'delivered'
    const t = f.statusText
    if (t !== undefined) {
      const fw = t.indexOf('forwarded as ')
      if (fw >= 0) f.forwardedAs = wordAt(t, fw + 13)
      const qa = t.indexOf('queued as ')
      if (qa >= 0) f.queuedAs = wordAt(t, qa + 10)
    }
  } else if (status === 'deferred') out.kind = 'deferred'
  else if (status === 'bounced') out.kind = 'bounced'
  else if (status === 'expired') out.kind = 'expired'
  else if (status.startsWith('deliverable') || status.startsWith('undeliverable')) out.kind = 'probe'
  else out.kind = 'info'
}

function wordAt(t: string, i: number): string {
  let e = i
  while (e < t.length) {
    const c = t.charCodeAt(e)
    if (c === 32 || c === 41 || c === 44 || c === 59) break
    e++
  }
  return t.slice(i, e)
}

function setDeliveryField(f: LogFields, key: string, v: string): void {
  switch (key) {
    case 'to': f.to = v; break
    case 'orig_to': f.origTo = v; break
    case 'from': f.from = v; break
    case 'relay': {
      f.relay = v
      const lb = v.indexOf('[')
      if (lb > 0 && v.charCodeAt(v.length - 1) !== 93 /* ] */) {
        const a = hostAddressAt(v, 0)
        if (a !== null) {
          f.relayHost = a.host
          f.relayIp = a.ip
          if (a.port !== null) f.relayPort = a.port
        }
      } else if (lb > 0) {
        f.relayHost = v.slice(0, lb)
        const inner = v.slice(lb + 1, -1)
        if (!inner.includes('/')) f.relayIp = inner
      } else f.relayHost = v
      break
    }
    case 'delay': f.delay = Number(v); break
    case 'delays': f.delays = v; break
    case 'dsn': f.dsn = v; break
    case 'tls': f.tls = v; break
    case 'size': f.size = Number(v); break
    case 'nrcpt': f.nrcpt = Number(v); break
    default: break
  }
}

/** cleanup: message-id=, and header/body/milter actions. */
export function readCleanup(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  if (s.startsWith('message-id=', p)) {
    out.kind = 'message_id'
    const v = p + 11
    f.messageId = s.charCodeAt(v) === 60 && s.charCodeAt(s.length - 1) === 62 ? s.slice(v + 1, -1) : s.slice(v)
    return
  }
  const colon = s.indexOf(': ', p)
  if (colon > p) {
    const action = s.slice(p, colon)
    // cleanup logs its header_checks WARN as "warning: header …", which the prelude read as a level
    const kind = ACTION_KIND[action]
    if (kind !== undefined && readContentAction(s, colon + 2, action, out)) return
  }
  if (out.severity === 'warning' && out.queueId !== null && (s.startsWith('header ', p) || s.startsWith('body ', p))) {
    if (readContentAction(s, p, 'warning', out)) return
  }
  if (s.startsWith('resent-message-id=', p)) {
    out.kind = 'info'
    return
  }
  f.text = s.slice(p)
}

/** `header|body|END-OF-MESSAGE TEXT( from HOST[IP])?; from=<> to=<> proto= helo=<>(: trailer)?` */
function readContentAction(s: string, p: number, action: string, out: MessageResult): boolean {
  const f = out.fields
  const sp = s.indexOf(' ', p)
  if (sp < 0) return false
  const stage = s.slice(p, sp)
  const kl = keyListStart(s, p)
  const textEnd = kl < 0 ? s.length : kl
  f.action = action
  f.stage = stage
  f.text = s.slice(p, textEnd)
  // the client: the last " from HOST[IP]" before the key list
  const from = s.lastIndexOf(' from ', textEnd)
  if (from >= p) {
    const a = hostAddressAt(s, from + 6, textEnd)
    if (a !== null && (a.end === textEnd || s.charCodeAt(a.end) === 58)) {
      f.clientHost = a.host
      f.clientIp = a.ip
      if (stage === 'END-OF-MESSAGE' && s.charCodeAt(a.end) === 58) readReply(s, a.end + 2, textEnd, f)
    }
  }
  if (f.reason === undefined) f.reason = s.slice(sp + 1, from >= p ? from : textEnd)
  if (kl >= 0) readKeyList(s, kl + 2, s.length, f)
  if (action === 'warning') out.severity = 'warning'
  const kind = action === 'warning' ? 'reject_warning' : ACTION_KIND[action]
  out.kind = kind ?? 'filtered'
  if (out.kind === 'rejected' || out.kind === 'reject_warning' || out.kind === 'held' || out.kind === 'discarded') {
    f.rejectCategory = rejectCategoryOf(f.reason ?? '', action, stage)
  }
  return true
}

/** qmgr: from=<…>, size=…, nrcpt=… (queue active) | from=<…>, status=expired, returned to sender | removed */
export function readQmgr(s: string, p: number, out: MessageResult): void {
  if (s.startsWith('from=', p)) {
    readDelivery(s, p, out)
    if (out.fields.status === undefined && out.fields.size !== undefined) {
      out.kind = 'queued'
      // "nrcpt=1 (queue active)": the number ended at the space
      const nr = s.indexOf('nrcpt=', p)
      if (nr >= 0) out.fields.nrcpt = uintAt(s, nr + 6)
      const open = s.lastIndexOf('(')
      if (open > p && s.charCodeAt(s.length - 1) === 41) out.fields.text = s.slice(open + 1, -1)
    }
    return
  }
  if (s.startsWith('to=', p)) {
    readDelivery(s, p, out)
    return
  }
  readQueueWord(s, p, out)
}

/** `removed`, `skipped, still being delivered`, postsuper's `requeued`, `placed on hold`, … */
export function readQueueWord(s: string, p: number, out: MessageResult): void {
  const t = s.slice(p)
  out.fields.text = t
  if (out.queueId === null) return
  if (t === 'removed') out.kind = 'removed'
  else if (t === 'placed on hold') out.kind = 'held'
  else out.kind = 'info'
}

/** bounce: `sender non-delivery notification: QUEUEID` */
export function readBounce(s: string, p: number, out: MessageResult): void {
  const n = s.indexOf(' notification: ', p)
  if (n > p) {
    out.kind = 'notification'
    out.fields.notificationQueueId = s.slice(n + 15)
    out.fields.text = s.slice(p, n)
    return
  }
  out.fields.text = s.slice(p)
}

/** pickup: `uid=0 from=<root>` */
export function readPickup(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  const u = s.indexOf('uid=', p)
  if (u === p) f.uid = uintAt(s, p + 4)
  const from = s.indexOf('from=<', p)
  if (from >= 0) {
    const g = s.indexOf('>', from + 6)
    f.from = s.slice(from + 6, g < 0 ? s.length : g)
  }
  if (out.queueId !== null && (u === p || s.startsWith('sender=', p))) out.kind = 'received'
  else f.text = s.slice(p)
}

/** anvil: `statistics: max connection rate 1/60s for (smtpd:1.2.3.4) at Oct 26 18:13:50` */
export function readAnvil(s: string, p: number, out: MessageResult): void {
  out.fields.text = s.slice(p)
  const open = s.indexOf(' for (', p)
  if (open < 0) return
  const close = s.indexOf(')', open + 6)
  if (close < 0) return
  const inner = s.slice(open + 6, close)
  // service is a name (smtpd) or an inet address:port (127.0.0.1:2525)
  let cut = inner.indexOf(':')
  if (cut > 0 && /^[0-9.]+$/.test(inner.slice(0, cut))) cut = inner.indexOf(':', cut + 1)
  if (cut > 0) out.fields.clientIp = inner.slice(cut + 1)
}

/** dnsblog: `addr 1.2.3.4 listed by domain zen.spamhaus.org as 127.0.0.2` */
export function readDnsblog(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  if (s.startsWith('addr ', p)) {
    const l = s.indexOf(' listed by domain ', p + 5)
    if (l > 0) {
      f.clientIp = s.slice(p + 5, l)
      const as = s.indexOf(' as ', l + 18)
      f.blocklist = s.slice(l + 18, as < 0 ? s.length : as)
      if (as >= 0) f.text = s.slice(as + 4)
      return
    }
  }
  f.text = s.slice(p)
}

/** smtp/lmtp without a to= list: connection trouble, TLS, "host X said: …". */
export function readSmtpClient(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  f.text = s.slice(p)
  let a: ReturnType<typeof hostAddressAt> = null
  if (s.startsWith('connect to ', p)) {
    a = hostAddressAt(s, p + 11)
    if (a !== null && s.startsWith(': ', a.end)) f.error = s.slice(a.end + 2)
  } else if (s.startsWith('SSL_connect error to ', p)) {
    a = hostAddressAt(s, p + 21)
    if (a !== null && s.startsWith(': ', a.end)) f.error = s.slice(a.end + 2)
  } else if (s.startsWith('certificate verification failed for ', p)) {
    a = hostAddressAt(s, p + 36)
    if (a !== null && s.startsWith(': ', a.end)) f.error = s.slice(a.end + 2)
  } else if (s.startsWith('lost connection with ', p) || s.startsWith('conversation with ', p)) {
    const w = s.indexOf(' with ', p)
    a = hostAddressAt(s, w + 6)
    f.error = s.startsWith('lost', p) ? 'lost connection' : 'timed out'
    const wh = s.indexOf(' while ', w)
    if (wh >= 0) f.stage = s.slice(wh + 7)
  } else if (s.startsWith('host ', p)) {
    a = hostAddressAt(s, p + 5)
    if (a !== null) {
      const said = s.startsWith(' said: ', a.end) ? a.end + 7 : s.startsWith(' refused to talk to me: ', a.end) ? a.end + 24 : -1
      if (said > 0) readServerReply(s, said, f)
    }
  } else if (s.startsWith('SASL authentication failed; server ', p)) {
    a = hostAddressAt(s, p + 35)
    if (a !== null && s.startsWith(' said: ', a.end)) readServerReply(s, a.end + 7, f)
  } else if (s.startsWith('enabling PIX workarounds: ', p)) {
    const fo = s.lastIndexOf(' for ')
    if (fo > p) a = hostAddressAt(s, fo + 5)
  } else {
    for (const t of ['Anonymous', 'Untrusted', 'Trusted', 'Verified']) {
      if (s.startsWith(t + ' TLS connection established to ', p)) {
        a = hostAddressAt(s, p + t.length + 31)
        f.tls = t
        out.kind = 'tls'
        break
      }
    }
  }
  if (a !== null) {
    f.relayHost = a.host
    f.relayIp = a.ip
    if (a.port !== null) f.relayPort = a.port
  }
}

/** `450 4.7.1 <x>: text (in reply to RCPT TO command)` */
function readServerReply(s: string, i: number, f: LogFields): void {
  let end = s.length
  const inReply = s.lastIndexOf(' (in reply to ')
  if (inReply >= i && s.endsWith(' command)')) {
    f.stage = s.slice(inReply + 14, s.length - 9)
    end = inReply
  }
  f.text = s.slice(i, end)
}
