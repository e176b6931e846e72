// postfix smtpd and postscreen messages (the client side of the server).

import { hostAddressAt, uintAt } from './field-scan'
import { readAccessAction, type MessageResult } from './postfix-reject'

const TLS_PEERS = ['Anonymous TLS connection established ', 'Untrusted TLS connection established ', 'Trusted TLS connection established ', 'Verified TLS connection established ']

/** smtpd message text from p (after level and queue id). */
export function readSmtpd(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  if (out.queueId !== null) {
    if (s.startsWith('client=', p)) {
      readClientList(s, p, out)
      out.kind = out.queueId === 'NOQUEUE' ? 'info' : 'received'
      return
    }
    const colon = s.indexOf(': ', p)
    if (colon > p && readAccessAction(s, p, colon, out)) return
  }
  if (out.severity === 'warning') {
    readSmtpdWarning(s, p, out)
    return
  }
  if (s.startsWith('connect from ', p)) {
    if (setClient(s, p + 13, out)) out.kind = 'connect'
    return
  }
  if (s.startsWith('disconnect from ', p)) {
    const a = hostAddressAt(s, p + 16)
    if (a === null) return
    f.clientHost = a.host
    f.clientIp = a.ip
    out.kind = 'disconnect'
    if (s.charCodeAt(a.end) === 32) f.commands = s.slice(a.end + 1)
    return
  }
  if (readAfterStage(s, p, out)) return
  if (s.startsWith('SSL_accept error from ', p)) {
    if (setClient(s, p + 22, out)) {
      out.kind = 'lost_connection'
      f.error = 'SSL_accept error'
    }
    return
  }
  for (const t of TLS_PEERS) {
    if (s.startsWith(t, p)) {
      f.tls = t.slice(0, t.indexOf(' '))
      if (s.startsWith('from ', p + t.length)) setClient(s, p + t.length + 5, out)
      out.kind = 'tls'
      return
    }
  }
  const colon = s.indexOf(': ', p)
  if (colon > p && (s.startsWith('proxy-', p) || s.startsWith('reject', p)) && readAccessAction(s, p, colon, out)) return
  f.text = s.slice(p)
}

/** `lost connection|timeout|too many errors|improper command pipelining|bare <LF> received after STAGE (N bytes)? from HOST[IP]` */
function readAfterStage(s: string, p: number, out: MessageResult): boolean {
  const a = s.indexOf(' after ', p)
  if (a < 0 || a - p > 40) return false
  const what = s.slice(p, a)
  if (what !== 'lost connection' && what !== 'timeout' && what !== 'too many errors' && what !== 'improper command pipelining' && what !== 'bare <LF> received') {
    return false
  }
  let q = a + 7
  const sp = s.indexOf(' ', q)
  if (sp < 0) return false
  const stage = s.slice(q, sp)
  q = sp
  if (s.startsWith(' (', q)) {
    const cp = s.indexOf(')', q)
    if (cp < 0) return false
    q = cp + 1
  }
  if (!s.startsWith(' from ', q)) return false
  if (!setClient(s, q + 6, out)) return false
  out.kind = 'lost_connection'
  out.fields.error = what
  out.fields.stage = stage
  return true
}

function readSmtpdWarning(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  f.text = s.slice(p)
  out.kind = 'warning'
  // HOST[IP](:PORT)?: SASL LOGIN authentication failed: reason(, sasl_username=u)?
  const a = hostAddressAt(s, p)
  if (a !== null && s.charCodeAt(a.end) === 58 && s.charCodeAt(a.end + 1) === 32) {
    f.clientHost = a.host
    f.clientIp = a.ip
    if (a.port !== null) f.clientPort = a.port
    const q = a.end + 2
    f.text = s.slice(q)
    if (s.startsWith('SASL ', q)) {
      const m = s.indexOf(' authentication failed', q + 5)
      if (m > q + 5) {
        out.kind = 'sasl_auth_failed'
        f.saslMethod = s.slice(q + 5, m)
        const u = s.indexOf('sasl_username=', m)
        if (u >= 0) {
          let e = s.indexOf(',', u)
          if (e < 0) e = s.length
          f.saslUsername = s.slice(u + 14, e)
        }
        let r = m + 22
        if (s.charCodeAt(r) === 58) r++
        if (s.charCodeAt(r) === 32) r++
        f.reason = s.slice(r)
      }
    }
    return
  }
  if (s.startsWith('hostname ', p)) {
    // hostname H does not resolve to address IP(: reason)?
    const d = s.indexOf(' does not resolve to address ', p + 9)
    if (d > 0) {
      f.clientHost = s.slice(p + 9, d)
      const ip0 = d + 29
      // an IPv6 address has colons: the address ends at ": " or the end
      const e2 = s.indexOf(': ', ip0)
      const e = e2 >= 0 ? e2 : s.length
      f.clientIp = s.slice(ip0, e)
      f.error = 'hostname does not resolve'
    }
    return
  }
  if (s.startsWith('non-SMTP command from ', p)) {
    const a = hostAddressAt(s, p + 22)
    if (a !== null) {
      f.clientHost = a.host
      f.clientIp = a.ip
      // what the client sent instead of SMTP
      if (s.startsWith(': ', a.end)) f.reason = s.slice(a.end + 2)
    }
    f.error = 'non-SMTP command'
    return
  }
  // "… limit exceeded: N from HOST[IP] for service S" and other "from HOST[IP]" warnings
  const from = s.indexOf(' from ', p)
  if (from >= 0) {
    const b = hostAddressAt(s, from + 6)
    if (b !== null) {
      f.clientHost = b.host
      f.clientIp = b.ip
    }
  }
}

/** `client=HOST[IP](:PORT)?, sasl_method=M, sasl_username=U, sasl_sender=S, orig_client=…` */
function readClientList(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  const a = hostAddressAt(s, p + 7)
  if (a === null) {
    f.text = s.slice(p)
    return
  }
  f.clientHost = a.host
  f.clientIp = a.ip
  if (a.port !== null) f.clientPort = a.port
  let q = a.end
  while (s.startsWith(', ', q)) {
    const eq = s.indexOf('=', q + 2)
    if (eq < 0) break
    let e = s.indexOf(', ', eq)
    if (e < 0) e = s.length
    const key = s.slice(q + 2, eq)
    const value = s.slice(eq + 1, e)
    if (key === 'sasl_method') f.saslMethod = value
    else if (key === 'sasl_username') f.saslUsername = value
    else if (key === 'sasl_sender') f.saslSender = value
    q = e
  }
}

function setClient(s: string, i: number, out: MessageResult): boolean {
  const a = hostAddressAt(s, i)
  if (a === null) return false
  out.fields.clientHost = a.host
  out.fields.clientIp = a.ip
  if (a.port !== null) out.fields.clientPort = a.port
  return true
}

const POSTSCREEN_VERDICTS = new Set([
  'PASS NEW', 'PASS OLD', 'WHITELISTED', 'ALLOWLISTED', 'BLACKLISTED', 'DENYLISTED', 'WHITELIST VETO', 'ALLOWLIST VETO',
  'PREGREET', 'HANGUP', 'DNSBL', 'COMMAND TIME LIMIT', 'COMMAND COUNT LIMIT', 'COMMAND LENGTH LIMIT', 'COMMAND PIPELINING',
  'NON-SMTP COMMAND', 'BARE NEWLINE', 'DISCONNECT', 'CONNECT',
])

/** postscreen (and tlsproxy) message text from p. */
export function readPostscreen(s: string, p: number, out: MessageResult): void {
  const f = out.fields
  if (out.queueId !== null) {
    const colon = s.indexOf(': ', p)
    if (colon > p && readAccessAction(s, p, colon, out)) return
  }
  // leading upper-case words name the verdict
  let k = p
  while (k < s.length) {
    const c = s.charCodeAt(k)
    if (!((c >= 65 && c <= 90) || c === 32 || c === 45)) break
    k++
  }
  const verdict = s.slice(p, k).trimEnd()
  if (!POSTSCREEN_VERDICTS.has(verdict)) {
    if (out.severity === 'info') {
      out.kind = 'info'
    }
    f.text = s.slice(p)
    return
  }
  const lb = s.indexOf('[', k - 1)
  if (lb < 0) return
  const a = hostAddressAt(s, lb)
  if (a === null) return
  f.clientIp = a.ip
  if (a.port !== null) f.clientPort = a.port
  if (verdict === 'CONNECT') {
    out.kind = 'connect'
    if (s.startsWith(' to ', a.end)) {
      const b = hostAddressAt(s, a.end + 4)
      if (b !== null) {
        f.localIp = b.ip
        if (b.port !== null) f.localPort = b.port
      }
    }
    return
  }
  if (verdict === 'DISCONNECT') {
    out.kind = 'disconnect'
    return
  }
  out.kind = 'postscreen'
  f.postscreenAction = verdict
  if (verdict === 'DNSBL') {
    const r = s.indexOf('rank ', k)
    if (r >= 0 && r < lb) f.dnsblRank = uintAt(s, r + 5)
  } else if (s.startsWith(' after ', a.end)) {
    const q = a.end + 7
    let e = s.indexOf(':', q)
    if (e < 0) e = s.length
    f.stage = s.slice(q, e)
  }
}
