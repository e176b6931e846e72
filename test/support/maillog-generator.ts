// A deterministic generator of realistic Postfix + Dovecot mail logs (same seed, same bytes).
// Flows interleave in time like a real server's: inbound mail through postscreen and smtpd to
// Dovecot LMTP, authenticated submission relayed out (sent, deferred then sent, bounced with a
// notification, expired), local pickup and forwards, NOQUEUE rejects of several kinds, reject
// warnings, header-check actions, postscreen verdicts, SASL and IMAP/POP3 brute force, logins, noise.

export interface GeneratorOptions {
  seed?: number
  /** stamp style: classic syslog, RFC 3339, or switching between both every few thousand lines */
  stamps?: 'syslog' | 'rfc3339' | 'mixed'
  /** first stamp (ms since epoch, UTC); default 2025-12-28 23:00 so the log crosses New Year */
  start?: number
  host?: string
}

interface Pending {
  t: number
  seq: number
  text: string
}

const LOCAL_DOMAINS = ['example.jp', 'example.org', 'mail.example.net']
const USERS = ['info', 'admin', 'sales', 'taro', 'hanako', 'support', 'noreply', 'jiro', 'ops', 'billing']
const REMOTE = ['gmail.com', 'yahoo.co.jp', 'outlook.com', 'icloud.com', 'docomo.ne.jp', 'ezweb.ne.jp', 'example.com', 'lists.debian.org', 'news.example.co.uk', 'shop.example.de']
const RBLS = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const B52 = '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz'

export class MaillogGenerator {
  private state: number
  private readonly heap: Pending[] = []
  private seq = 0
  private now: number
  private readonly host: string
  private readonly stamps: 'syslog' | 'rfc3339' | 'mixed'
  private emitted = 0
  private pid = 2000
  private readonly qids = new Set<string>()

  constructor(opts: GeneratorOptions = {}) {
    this.state = (opts.seed ?? 20251228) >>> 0 || 1
    this.now = opts.start ?? Date.UTC(2025, 11, 28, 23, 0, 0)
    this.host = opts.host ?? 'mx1'
    this.stamps = opts.stamps ?? 'mixed'
  }

  /** The next `count` lines, joined with LF and ending with one. */
  lines(count: number): string {
    const out: string[] = []
    while (out.length < count) {
      while (this.heap.length === 0 || this.heap[0]!.t > this.now) {
        this.startFlow()
        this.now += this.int(50, 4000)
      }
      const e = this.pop()
      out.push(this.stamp(e.t) + ' ' + this.host + ' ' + e.text)
      this.emitted++
    }
    return out.join('\n') + '\n'
  }

  // --- randomness (mulberry32) ---
  private rand(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1))
  }
  private pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.rand() * a.length)]!
  }
  private chance(p: number): boolean {
    return this.rand() < p
  }

  // --- time order ---
  private at(t: number, text: string): void {
    const h = this.heap
    h.push({ t, seq: this.seq++, text })
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (less(h[p]!, h[i]!)) break
      ;[h[p], h[i]] = [h[i]!, h[p]!]
      i = p
    }
  }
  private pop(): Pending {
    const h = this.heap
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && less(h[l]!, h[m]!)) m = l
        if (r < h.length && less(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[m], h[i]] = [h[i]!, h[m]!]
        i = m
      }
    }
    return top
  }

  private stamp(t: number): string {
    const d = new Date(t)
    const useIso = this.stamps === 'rfc3339' || (this.stamps === 'mixed' && Math.floor(this.emitted / 5000) % 2 === 1)
    const hh = pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds())
    if (useIso) {
      const us = String((t % 1000) * 1000 + (this.seq % 1000)).padStart(6, '0')
      return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${hh}.${us}+00:00`
    }
    return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hh}`
  }

  // --- names ---
  private ip(): string {
    return `${this.int(1, 223)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`
  }
  private client(): { host: string; ip: string } {
    const ip = this.ip()
    const host = this.chance(0.3) ? 'unknown' : `${this.pick(['mail', 'smtp', 'mx', 'out'])}${this.int(1, 40)}.${this.pick(REMOTE)}`
    return { host, ip }
  }
  private local(): string {
    return `${this.pick(USERS)}@${this.pick(LOCAL_DOMAINS)}`
  }
  private remote(): string {
    return `${this.pick(['user', 'news', 'k.tanaka', 'Mary.Smith', 'bounce-' + this.int(1, 99999)])}${this.int(1, 300)}@${this.chance(0.1) ? this.pick(REMOTE).toUpperCase() : this.pick(REMOTE)}`
  }
  private queueId(): string {
    let q: string
    do {
      if (this.chance(0.25)) {
        q = ''
        for (let i = 0; i < 10; i++) q += B52[this.int(0, 51)]
        q += 'z'
        for (let i = 0; i < 4; i++) q += B52[this.int(0, 50)]
      } else {
        q = this.int(0x10000000, 0xfffffffff).toString(16).toUpperCase()
      }
    } while (this.qids.has(q))
    this.qids.add(q)
    return q
  }
  private nextPid(): number {
    this.pid = this.pid >= 65000 ? 2000 : this.pid + this.int(1, 7)
    return this.pid
  }
  private msgid(): string {
    return `<${this.int(1e8, 9e8).toString(36)}.${this.int(1, 1e6)}@${this.pick([...LOCAL_DOMAINS, ...REMOTE])}>`
  }

  // --- flows ---
  private startFlow(): void {
    const r = this.rand()
    if (r < 0.3) this.inbound()
    else if (r < 0.42) this.submission()
    else if (r < 0.55) this.noqueueReject()
    else if (r < 0.6) this.postscreenReject()
    else if (r < 0.68) this.saslFailure()
    else if (r < 0.8) this.dovecotSession()
    else if (r < 0.84) this.pickup()
    else if (r < 0.87) this.contentAction()
    else this.noise()
  }

  private smtpdLines(t: number, tag: string, pid: number, c: { host: string; ip: string }, body: (t: number) => number, commands: string): void {
    this.at(t, `${tag}[${pid}]: connect from ${c.host}[${c.ip}]`)
    if (this.chance(0.4)) this.at(t + 80, `${tag}[${pid}]: Anonymous TLS connection established from ${c.host}[${c.ip}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)`)
    const end = body(t + 100)
    this.at(end + 20, `${tag}[${pid}]: disconnect from ${c.host}[${c.ip}] ${commands}`)
  }

  private inbound(): void {
    const t = this.now
    const c = this.client()
    const port = this.int(1024, 65535)
    const ps = this.nextPid()
    this.at(t, `postfix/postscreen[${ps}]: CONNECT from [${c.ip}]:${port} to [203.0.113.25]:25`)
    this.at(t + 5, `postfix/postscreen[${ps}]: ${this.chance(0.7) ? 'PASS OLD' : 'PASS NEW'} [${c.ip}]:${port}`)
    const pid = this.nextPid()
    const rcpts = this.chance(0.8) ? 1 : this.int(2, 4)
    const unknown = this.chance(0.1)
    this.smtpdLines(t + 10, 'postfix/smtpd', pid, c, (t1) => {
      const q = this.queueId()
      const from = this.chance(0.05) ? '' : this.remote()
      const size = this.int(800, 400000)
      this.at(t1, `postfix/smtpd[${pid}]: ${q}: client=${c.host}[${c.ip}]`)
      if (unknown) {
        const bad = `nobody${this.int(1, 99)}@${this.pick(LOCAL_DOMAINS)}`
        this.at(t1 + 5, `postfix/smtpd[${pid}]: ${q}: reject: RCPT from ${c.host}[${c.ip}]: 550 5.1.1 <${bad}>: Recipient address rejected: User unknown in virtual mailbox table; from=<${from}> to=<${bad}> proto=ESMTP helo=<${c.host}>`)
      }
      this.at(t1 + 30, `postfix/cleanup[${this.nextPid()}]: ${q}: message-id=${this.msgid()}`)
      this.at(t1 + 60, `postfix/qmgr[1234]: ${q}: from=<${from}>, size=${size}, nrcpt=${rcpts} (queue active)`)
      let tt = t1 + 200
      for (let i = 0; i < rcpts; i++) {
        const to = this.local()
        tt += this.int(20, 900)
        const lm = this.nextPid()
        this.at(tt, `postfix/lmtp[${lm}]: ${q}: to=<${to}>, relay=mail.example.jp[private/dovecot-lmtp], delay=${(this.int(10, 900) / 100).toFixed(2)}, delays=0.1/0.01/0.02/0.3, dsn=2.0.0, status=sent (250 2.0.0 <${to}> ${this.int(1e9, 9e9).toString(36)} Saved)`)
        this.at(tt - 5, `dovecot: lmtp(${to})<${lm}><${this.int(1e9, 9e9).toString(36)}>: msgid=${this.msgid()}: saved mail to INBOX`)
      }
      this.at(tt + 10, `postfix/qmgr[1234]: ${q}: removed`)
      return t1 + 120
    }, `ehlo=1 mail=1 rcpt=${rcpts}${unknown ? `/${rcpts + 1}` : ''} data=1 quit=1 commands=${4 + rcpts}${unknown ? `/${5 + rcpts}` : ''}`)
  }

  private submission(): void {
    const t = this.now
    const c = { host: `p${this.int(1, 250)}-home.example.ne.jp`, ip: `198.51.100.${this.int(1, 254)}` }
    const pid = this.nextPid()
    const user = this.local()
    this.smtpdLines(t, 'postfix/submission/smtpd', pid, c, (t1) => {
      const q = this.queueId()
      this.at(t1, `postfix/submission/smtpd[${pid}]: ${q}: client=${c.host}[${c.ip}], sasl_method=PLAIN, sasl_username=${user}`)
      this.at(t1 + 20, `postfix/cleanup[${this.nextPid()}]: ${q}: message-id=${this.msgid()}`)
      const size = this.int(600, 2_000_000)
      this.at(t1 + 40, `postfix/qmgr[1234]: ${q}: from=<${user}>, size=${size}, nrcpt=1 (queue active)`)
      const to = this.remote()
      const mx = `mx${this.int(1, 5)}.${to.slice(to.indexOf('@') + 1).toLowerCase()}`
      const mxip = this.ip()
      const smtp = `postfix/smtp[${this.nextPid()}]: ${q}: to=<${to}>, relay=${mx}[${mxip}]:25`
      const r = this.rand()
      let tt = t1 + this.int(300, 3000)
      if (r < 0.8) {
        this.at(tt, `${smtp}, delay=1.2, delays=0.05/0.01/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK  ${this.int(1e9, 9e9)} - gsmtp)`)
      } else if (r < 0.9) {
        this.at(tt, `${smtp}, delay=30, delays=0.05/0/30/0, dsn=4.4.1, status=deferred (connect to ${mx}[${mxip}]:25: Connection timed out)`)
        tt += this.int(300_000, 1_800_000)
        this.at(tt, `postfix/qmgr[1234]: ${q}: from=<${user}>, size=${size}, nrcpt=1 (queue active)`)
        this.at(tt + 900, `${smtp}, delay=${Math.round((tt - t1) / 1000)}, delays=${Math.round((tt - t1) / 1000)}/0.01/0.3/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${this.int(1e6, 9e6)})`)
        tt += 900
      } else if (r < 0.96) {
        this.at(tt, `${smtp}, delay=2.1, delays=0.05/0.01/1/1, dsn=5.1.1, status=bounced (host ${mx}[${mxip}] said: 550 5.1.1 <${to}>: Recipient address rejected: User unknown (in reply to RCPT TO command))`)
        this.notification(tt + 30, q, user)
      } else {
        this.at(tt, `${smtp}, delay=60, delays=0.05/0/60/0, dsn=4.4.2, status=deferred (lost connection with ${mx}[${mxip}] while receiving the initial server greeting)`)
        tt += 5 * 86_400_000
        this.at(tt, `postfix/qmgr[1234]: ${q}: from=<${user}>, status=expired, returned to sender`)
        this.notification(tt + 20, q, user)
      }
      this.at(tt + 50, `postfix/qmgr[1234]: ${q}: removed`)
      return t1 + 100
    }, 'ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8')
  }

  private notification(t: number, q: string, to: string): void {
    const n = this.queueId()
    this.at(t, `postfix/cleanup[${this.nextPid()}]: ${n}: message-id=<${n}.${this.int(1, 9e6)}@mx1.example.jp>`)
    this.at(t + 10, `postfix/bounce[${this.nextPid()}]: ${q}: sender non-delivery notification: ${n}`)
    this.at(t + 20, `postfix/qmgr[1234]: ${n}: from=<>, size=${this.int(2000, 9000)}, nrcpt=1 (queue active)`)
    this.at(t + 200, `postfix/lmtp[${this.nextPid()}]: ${n}: to=<${to}>, relay=mail.example.jp[private/dovecot-lmtp], delay=0.2, delays=0.01/0.01/0.05/0.1, dsn=2.0.0, status=sent (250 2.0.0 <${to}> x Saved)`)
    this.at(t + 220, `postfix/qmgr[1234]: ${n}: removed`)
  }

  private noqueueReject(): void {
    const t = this.now
    const c = this.client()
    const pid = this.nextPid()
    const from = this.remote()
    const rcpt = this.chance(0.5) ? this.local() : this.remote()
    const helo = this.chance(0.2) ? `WIN-${this.int(1e6, 9e6).toString(36).toUpperCase()}` : c.host
    const kinds = [
      `554 5.7.1 Service unavailable; Client host [${c.ip}] blocked using ${this.pick(RBLS)}; https://www.spamhaus.org/query/ip/${c.ip}`,
      `550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
      `454 4.7.1 <${rcpt}>: Relay access denied`,
      `504 5.5.2 <${helo}>: Helo command rejected: need fully-qualified hostname`,
      `450 4.1.8 <${from}>: Sender address rejected: Domain not found`,
      `450 4.7.25 Client host rejected: cannot find your hostname, [${c.ip}]`,
    ]
    const action = this.chance(0.08) ? 'reject_warning' : this.chance(0.03) ? 'hold' : this.chance(0.03) ? 'discard' : 'reject'
    this.smtpdLines(t, 'postfix/smtpd', pid, c, (t1) => {
      const n = this.int(1, 3)
      for (let i = 0; i < n; i++) {
        this.at(t1 + i * 300, `postfix/smtpd[${pid}]: NOQUEUE: ${action}: RCPT from ${c.host}[${c.ip}]: ${this.pick(kinds)}; from=<${from}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`)
      }
      return t1 + n * 300
    }, `ehlo=1 mail=1 rcpt=0/${this.int(1, 3)} quit=1 commands=3/4`)
  }

  private postscreenReject(): void {
    const t = this.now
    const ip = this.ip()
    const port = this.int(1024, 65535)
    const ps = this.nextPid()
    this.at(t, `postfix/postscreen[${ps}]: CONNECT from [${ip}]:${port} to [203.0.113.25]:25`)
    const r = this.rand()
    if (r < 0.4) {
      this.at(t + 40, `postfix/dnsblog[${this.nextPid()}]: addr ${ip} listed by domain zen.spamhaus.org as 127.0.0.${this.int(2, 11)}`)
      this.at(t + 60, `postfix/postscreen[${ps}]: DNSBL rank ${this.int(1, 6)} for [${ip}]:${port}`)
      this.at(t + 900, `postfix/postscreen[${ps}]: NOQUEUE: reject: RCPT from [${ip}]:${port}: 550 5.7.1 Service unavailable; client [${ip}] blocked using zen.spamhaus.org; from=<${this.remote()}>, to=<${this.local()}>, proto=ESMTP, helo=<${this.client().host}>`)
    } else if (r < 0.7) {
      this.at(t + 300, `postfix/postscreen[${ps}]: PREGREET ${this.int(11, 40)} after 0.${this.int(10, 99)} from [${ip}]:${port}: EHLO ylmf-pc\\r\\n`)
    } else {
      this.at(t + 500, `postfix/postscreen[${ps}]: HANGUP after ${this.int(1, 9)}.${this.int(1, 9)} from [${ip}]:${port} in tests after SMTP handshake`)
    }
    this.at(t + 1000, `postfix/postscreen[${ps}]: DISCONNECT [${ip}]:${port}`)
  }

  private saslFailure(): void {
    const t = this.now
    const c = { host: 'unknown', ip: this.ip() }
    const pid = this.nextPid()
    const tag = this.chance(0.5) ? 'postfix/submission/smtpd' : 'postfix/smtpd'
    this.smtpdLines(t, tag, pid, c, (t1) => {
      this.at(t1 + 1500, `${tag}[${pid}]: warning: ${c.host}[${c.ip}]: SASL ${this.pick(['LOGIN', 'PLAIN'])} authentication failed: ${this.pick(['UGFzc3dvcmQ6', 'authentication failure', ''])}`)
      this.at(t1 + 1600, `${tag}[${pid}]: lost connection after AUTH from ${c.host}[${c.ip}]`)
      return t1 + 1600
    }, 'ehlo=1 auth=0/1 commands=1/2')
  }

  private dovecotSession(): void {
    const t = this.now
    const user = this.local()
    const proto = this.chance(0.7) ? 'imap' : 'pop3'
    const ip = this.chance(0.5) ? `198.51.100.${this.int(1, 254)}` : this.ip()
    const session = this.int(1e12, 9e12).toString(36)
    if (this.chance(0.6)) {
      const mpid = this.nextPid()
      this.at(t, `dovecot: ${proto}-login: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=203.0.113.25, mpid=${mpid}, TLS, session=<${session}>`)
      this.at(t + this.int(1000, 600_000), `dovecot: ${proto}(${user})<${mpid}><${session}>: Disconnected: Logged out in=${this.int(10, 999)} out=${this.int(100, 99999)}`)
    } else {
      const guess = this.chance(0.5) ? user : `${this.pick(['test', 'admin', 'root', 'guest'])}@${this.pick(LOCAL_DOMAINS)}`
      const n = this.int(1, 3)
      for (let i = 0; i < n; i++) {
        this.at(t + i * 2000, `dovecot: auth-worker(${this.nextPid()}): sql(${guess},${ip},<${session}>): ${guess === user ? 'Password mismatch' : 'unknown user'}`)
      }
      this.at(t + n * 2000 + 10, `dovecot: ${proto}-login: Disconnected (auth failed, ${n} attempts in ${n * 2} secs): user=<${guess}>, method=PLAIN, rip=${ip}, lip=203.0.113.25, TLS, session=<${session}>`)
    }
  }

  private pickup(): void {
    const t = this.now
    const q = this.queueId()
    const fwd = this.chance(0.3)
    this.at(t, `postfix/pickup[${this.nextPid()}]: ${q}: uid=${this.pick([0, 33, 1000])} from=<${this.pick(['root', 'www-data', 'logwatch'])}>`)
    this.at(t + 10, `postfix/cleanup[${this.nextPid()}]: ${q}: message-id=<${t}.${q}@mx1.example.jp>`)
    const size = this.int(400, 20000)
    this.at(t + 20, `postfix/qmgr[1234]: ${q}: from=<root@mx1.example.jp>, size=${size}, nrcpt=1 (queue active)`)
    if (fwd) {
      const q2 = this.queueId()
      this.at(t + 40, `postfix/cleanup[${this.nextPid()}]: ${q2}: message-id=<${t}.${q}@mx1.example.jp>`)
      this.at(t + 50, `postfix/qmgr[1234]: ${q2}: from=<root@mx1.example.jp>, size=${size + 150}, nrcpt=1 (queue active)`)
      this.at(t + 60, `postfix/local[${this.nextPid()}]: ${q}: to=<root@mx1.example.jp>, orig_to=<root>, relay=local, delay=0.05, delays=0.01/0.01/0/0.03, dsn=2.0.0, status=sent (forwarded as ${q2})`)
      const to = this.remote()
      this.at(t + 900, `postfix/smtp[${this.nextPid()}]: ${q2}: to=<${to}>, orig_to=<root@mx1.example.jp>, relay=mx.${to.slice(to.indexOf('@') + 1)}[${this.ip()}]:25, delay=0.9, delays=0.01/0.01/0.3/0.5, dsn=2.0.0, status=sent (250 ok)`)
      this.at(t + 950, `postfix/qmgr[1234]: ${q2}: removed`)
    } else {
      this.at(t + 60, `postfix/local[${this.nextPid()}]: ${q}: to=<root@mx1.example.jp>, relay=local, delay=0.05, delays=0.01/0.01/0/0.03, dsn=2.0.0, status=sent (delivered to mailbox)`)
    }
    this.at(t + 100, `postfix/qmgr[1234]: ${q}: removed`)
  }

  private contentAction(): void {
    const t = this.now
    const c = this.client()
    const pid = this.nextPid()
    const q = this.queueId()
    const from = this.remote()
    const to = this.local()
    const action = this.pick(['reject', 'warning', 'hold', 'discard', 'milter-reject'])
    this.smtpdLines(t, 'postfix/smtpd', pid, c, (t1) => {
      this.at(t1, `postfix/smtpd[${pid}]: ${q}: client=${c.host}[${c.ip}]`)
      const cl = `postfix/cleanup[${this.nextPid()}]: ${q}`
      this.at(t1 + 10, `${cl}: message-id=${this.msgid()}`)
      if (action === 'milter-reject') {
        this.at(t1 + 30, `${cl}: milter-reject: END-OF-MESSAGE from ${c.host}[${c.ip}]: 5.7.1 Blocked by SpamAssassin; from=<${from}> to=<${to}> proto=ESMTP helo=<${c.host}>`)
      } else {
        this.at(t1 + 30, `${cl}: ${action}: header Subject: =?UTF-8?B?44GK55+l44KJ44Gb?= cheap pills from ${c.host}[${c.ip}]; from=<${from}> to=<${to}> proto=ESMTP helo=<${c.host}>: ${action === 'warning' ? 'spammy subject' : 'Message content rejected'}`)
      }
      if (action === 'warning' || action === 'hold') {
        this.at(t1 + 40, `postfix/qmgr[1234]: ${q}: from=<${from}>, size=${this.int(900, 40000)}, nrcpt=1 (queue active)`)
        if (action === 'warning') {
          this.at(t1 + 300, `postfix/lmtp[${this.nextPid()}]: ${q}: to=<${to}>, relay=mail.example.jp[private/dovecot-lmtp], delay=0.4, delays=0.1/0.01/0.02/0.3, dsn=2.0.0, status=sent (250 2.0.0 <${to}> y Saved)`)
          this.at(t1 + 320, `postfix/qmgr[1234]: ${q}: removed`)
        }
      }
      return t1 + 60
    }, 'ehlo=1 mail=1 rcpt=1 data=0/1 quit=1 commands=3/4')
  }

  private noise(): void {
    const t = this.now
    const r = this.rand()
    if (r < 0.2) this.at(t, `CRON[${this.nextPid()}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`)
    else if (r < 0.35) this.at(t, `kernel: [${this.int(1e5, 9e6)}.${this.int(100000, 999999)}] [UFW BLOCK] IN=eth0 OUT= SRC=${this.ip()} DST=203.0.113.25 LEN=40 PROTO=TCP SPT=${this.int(1024, 65535)} DPT=${this.pick([23, 445, 3389, 8080])}`)
    else if (r < 0.5) this.at(t, `postfix/smtpd[${this.nextPid()}]: warning: hostname ${this.client().host} does not resolve to address ${this.ip()}: Name or service not known`)
    else if (r < 0.6) this.at(t, `postfix/anvil[${this.nextPid()}]: statistics: max connection rate ${this.int(1, 20)}/60s for (smtp:${this.ip()}) at ${MONTHS[new Date(t).getUTCMonth()]} ${pad2(new Date(t).getUTCDate())} ${pad2(new Date(t).getUTCHours())}:00:00`)
    else if (r < 0.7) this.at(t, `policyd-spf[${this.nextPid()}]: prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=${this.ip()}; helo=${this.client().host}; envelope-from=${this.remote()}; receiver=<UNKNOWN>`)
    else if (r < 0.8) this.at(t, `opendkim[${this.nextPid()}]: ${this.int(1e8, 9e8).toString(16).toUpperCase()}: DKIM verification successful`)
    else if (r < 0.9) this.at(t, `postfix/smtp[${this.nextPid()}]: connect to mx.${this.pick(REMOTE)}[${this.ip()}]:25: Connection refused`)
    else this.at(t, `systemd[1]: Started ${this.pick(['Daily apt upgrade and clean activities', 'Rotate log files', 'Clean php session files'])}.`)
  }
}

function less(a: Pending, b: Pending): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq)
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/** `count` lines of a deterministic realistic log. */
export function generateMaillog(count: number, opts: GeneratorOptions = {}): string {
  return new MaillogGenerator(opts).lines(count)
}
