// Dovecot messages: `service(args)<id>: Level: text` after a `dovecot` tag (or in Dovecot's own log),
// and PAM's `pam_unix(dovecot:auth): authentication failure; … rhost=IP user=U` lines.

import type { MessageResult } from './postfix-reject'
import type { Severity } from './types'

const LEVELS: ReadonlyArray<[string, Severity]> = [
  ['Info: ', 'info'], ['Warning: ', 'warning'], ['Error: ', 'error'], ['Fatal: ', 'fatal'], ['Panic: ', 'panic'], ['Debug: ', 'info'],
]

const AUTH_FAILURES = ['unknown user', 'Password mismatch', 'password mismatch', 'invalid credentials', 'Authentication failure', 'authentication failure', 'User not known']

export function isDovecotProgram(program: string): boolean {
  return program === 'dovecot' || program.startsWith('dovecot') || program === 'auth'
}

/** Parse a Dovecot message (the text after the `dovecot:` tag) into out. */
export function readDovecot(program: string, s: string, out: MessageResult): void {
  const f = out.fields
  let p = 0
  let service = ''
  let args: string | null = null
  if (program === 'dovecot') {
    if (s.startsWith('dovecot: ', p)) p += 9
    let k = p
    while (k < s.length) {
      const c = s.charCodeAt(k)
      if (c === 32 || c === 58 || c === 40 || c === 60) break
      k++
    }
    let q = k
    if (s.charCodeAt(q) === 40 /* ( */) {
      const close = s.indexOf(')', q)
      if (close > 0) {
        args = s.slice(q + 1, close)
        q = close + 1
      }
    }
    while (s.charCodeAt(q) === 60 /* < */) {
      const g = s.indexOf('>', q)
      if (g < 0) break
      if (f.session === undefined && q > k) f.session = s.slice(q + 1, g)
      q = g + 1
    }
    if (k > p && s.charCodeAt(q) === 58 && s.charCodeAt(q + 1) === 32) {
      service = s.slice(p, k)
      p = q + 2
    }
  } else {
    service = program === 'auth' || program === 'dovecot-auth' ? 'auth' : program
  }
  if (service !== '') f.service = service
  for (const [prefix, sev] of LEVELS) {
    if (s.startsWith(prefix, p)) {
      out.severity = sev
      p += prefix.length
      break
    }
  }
  if (service.endsWith('-login')) readLogin(s, p, service.slice(0, -6), out)
  else if (service === 'auth' || service === 'auth-worker') readAuth(s, p, args, out)
  else if (service === 'imap' || service === 'pop3' || service === 'managesieve' || service === 'submission') {
    f.protocol = service
    if (args !== null) f.user = args
    f.text = s.slice(p)
    if (s.includes('Logged out', p) || s.startsWith('Disconnected', p) || s.startsWith('Connection closed', p)) out.kind = 'logout'
  } else if (service === 'lmtp' || service === 'lda') readLocalDelivery(s, p, args, out)
  else f.text = s.slice(p)
  if (out.kind === 'info' && out.severity !== 'info') out.kind = out.severity
}

/** `Login: user=<u>, method=PLAIN, rip=…, lip=…, mpid=…, TLS, session=<…>` and the failures. */
function readLogin(s: string, p: number, protocol: string, out: MessageResult): void {
  const f = out.fields
  f.protocol = protocol
  let kv = s.indexOf(': user=<', p)
  if (kv < 0) kv = s.indexOf(': method=', p)
  if (kv < 0) kv = s.indexOf(': rip=', p)
  const status = s.slice(p, kv < 0 ? s.length : kv)
  f.reason = status
  if (kv >= 0) readLoginList(s, kv + 2, out)
  if (status === 'Login') out.kind = 'login'
  else if (
    status.includes('auth failed') || status.includes('tried to use disabled') || status.includes('tried to use disallowed') ||
    status.includes('(auth_failed)')
  ) {
    out.kind = 'login_failed'
    const af = status.indexOf('auth failed, ')
    if (af >= 0) {
      let v = 0
      let k = af + 13
      while (k < status.length && status.charCodeAt(k) >= 48 && status.charCodeAt(k) <= 57) v = v * 10 + status.charCodeAt(k++) - 48
      if (k > af + 13) f.authAttempts = v
    }
  } else if (status.startsWith('Disconnected') || status.startsWith('Aborted login') || status.startsWith('Login aborted') || status.startsWith('Client has quit') || status.startsWith('Remote closed')) {
    out.kind = 'disconnect'
  }
}

function readLoginList(s: string, i: number, out: MessageResult): void {
  const f = out.fields
  const n = s.length
  let p = i
  // next '=' and next ', ' after p, found once and reused while p has not passed them (linear)
  let eq = -2
  let comma = -2
  while (p < n) {
    if (eq !== -1 && eq < p) eq = s.indexOf('=', p)
    if (comma !== -1 && comma < p) comma = s.indexOf(', ', p)
    let end: number
    if (eq >= 0 && (comma < 0 || eq < comma)) {
      const key = s.slice(p, eq)
      if (s.charCodeAt(eq + 1) === 60 /* < */) {
        let g = s.indexOf('>', eq + 2)
        while (g >= 0 && g + 1 < n && s.charCodeAt(g + 1) !== 44) g = s.indexOf('>', g + 1)
        if (g < 0) g = n
        setLoginField(out, key, s.slice(eq + 2, g))
        end = g + 1
      } else {
        end = comma < 0 ? n : comma
        setLoginField(out, key, s.slice(eq + 1, end))
      }
    } else {
      end = comma < 0 ? n : comma
      const token = s.slice(p, end)
      if (token === 'TLS' || token.startsWith('TLS:') || token.startsWith('TLS handshaking')) f.tls = token
      else if (token === 'secured') f.tls = f.tls ?? 'secured'
    }
    if (end >= n) break
    p = s.startsWith(', ', end) ? end + 2 : end + 1
  }
}

function setLoginField(out: MessageResult, key: string, v: string): void {
  const f = out.fields
  if (key === 'user') {
    if (v !== '') f.user = v
  } else if (key === 'method') f.method = v
  else if (key === 'rip') f.clientIp = v
  else if (key === 'lip') f.localIp = v
  else if (key === 'session') f.session = v
}

/** auth / auth-worker: `pam(user,ip): pam_authenticate() failed: …`, `sql(user,ip,<s>): unknown user`, PAM. */
function readAuth(s: string, p: number, prefixArgs: string | null, out: MessageResult): void {
  const f = out.fields
  // "conn unix:auth-worker (pid=…,uid=…): auth-worker<55>: "
  if (s.startsWith('conn ', p)) {
    const w = s.indexOf('>: ', p)
    if (w > 0) p = w + 3
  }
  if (s.startsWith('pam_unix(', p)) {
    f.passdb = 'pam'
    const semi = s.indexOf('; ', p)
    const what = s.slice(s.indexOf(': ', p) + 2, semi < 0 ? s.length : semi)
    f.reason = what
    if (semi >= 0) {
      const rhost = tokenValue(s, ' rhost=', semi)
      if (rhost !== '') f.clientIp = rhost
      const user = tokenValue(s, ' user=', semi)
      if (user !== '') f.user = user
    }
    if (what.includes('authentication failure')) out.kind = 'auth_failed'
    return
  }
  // driver(user,ip,…): message   or   (2.4, args in the prefix) driver: message
  let k = p
  while (k < s.length) {
    const c = s.charCodeAt(k)
    if (!((c >= 97 && c <= 122) || c === 45 || (c >= 48 && c <= 57))) break
    k++
  }
  let msgStart = -1
  let args = prefixArgs
  if (k > p && s.charCodeAt(k) === 40) {
    const close = s.indexOf('):', k)
    if (close > 0) {
      args = s.slice(k + 1, close)
      f.passdb = s.slice(p, k)
      msgStart = close + 2
    }
  } else if (k > p && s.charCodeAt(k) === 58 && prefixArgs !== null) {
    f.passdb = s.slice(p, k)
    msgStart = k + 1
  }
  if (msgStart < 0) {
    f.text = s.slice(p)
    return
  }
  if (s.charCodeAt(msgStart) === 32) msgStart++
  if (args !== null) {
    const parts = args.split(',')
    if (parts[0] !== undefined && parts[0] !== '') f.user = parts[0]
    if (parts[1] !== undefined && parts[1] !== '') f.clientIp = parts[1]
  }
  const msg = s.slice(msgStart)
  const pf = 'pam_authenticate() failed: '
  if (msg.startsWith(pf)) {
    f.reason = msg.slice(pf.length)
    out.kind = 'auth_failed'
    return
  }
  f.reason = msg
  for (const a of AUTH_FAILURES) {
    if (msg.includes(a)) {
      out.kind = 'auth_failed'
      break
    }
  }
}

/** The value of a ` key=` token (space separated) after i; '' if absent. */
function tokenValue(s: string, key: string, i: number): string {
  const k = s.indexOf(key, i)
  if (k < 0) return ''
  let e = s.indexOf(' ', k + key.length)
  if (e < 0) e = s.length
  return s.slice(k + key.length, e)
}

/** lmtp/lda: `msgid=<…>: saved mail to INBOX`, `sieve: msgid=<…>: stored mail into mailbox 'x'`. */
function readLocalDelivery(s: string, p: number, args: string | null, out: MessageResult): void {
  const f = out.fields
  f.protocol = 'lmtp'
  if (args !== null && !/^\d+$/.test(args)) f.user = args
  f.text = s.slice(p)
  // the LMTP session around the deliveries: `lmtp(PID): Connect from local`, `Disconnect from local: Logged out …`
  if (s.startsWith('Connect from ', p)) {
    out.kind = 'connect'
    return
  }
  if (s.startsWith('Disconnect from ', p)) {
    out.kind = 'disconnect'
    return
  }
  const m = s.indexOf('msgid=', p)
  if (m < 0) return
  let e: number
  if (s.charCodeAt(m + 6) === 60) {
    e = s.indexOf('>: ', m)
    if (e < 0) return
    f.messageId = s.slice(m + 7, e)
    e += 3
  } else {
    e = s.indexOf(': ', m)
    if (e < 0) return
    f.messageId = s.slice(m + 6, e)
    e += 2
  }
  const saved = s.startsWith('saved mail to ', e) ? e + 14 : s.startsWith('stored mail into mailbox ', e) ? e + 25 : -1
  if (saved > 0) {
    out.kind = 'mailbox_delivery'
    let box = s.slice(saved)
    if (box.length >= 2 && box.charCodeAt(0) === 39 && box.charCodeAt(box.length - 1) === 39) box = box.slice(1, -1)
    f.mailbox = box
  }
}
