// The "Grand Totals" of pflogsumm 1.1.5 (Debian's /usr/sbin/pflogsumm), counted by the same rules.
//
// Each step below mirrors one regular expression of pflogsumm's main loop, including its quirks
// (the queue id is the first token after the first ": ", a cleanup line counts wherever the action
// word appears, a size of "0" does not stop a second from=/size= line, …). The expressions are
// replaced by forward scans that stop where Perl's backtracking would fail, so a line costs linear time.
// Strings are taken as Perl takes bytes: feed lines decoded as latin1 for byte-exact results
// (UTF-8 decoding gives the same totals unless addresses or host names contain non-ASCII bytes).

/** pflogsumm's own labels, in the order it prints them. */
export const PFLOGSUMM_LABELS = [
  'received', 'delivered', 'forwarded', 'deferred', 'deferrals', 'bounced', 'rejected', 'reject warnings', 'held',
  'discarded', 'bytes received', 'bytes delivered', 'senders', 'sending hosts/domains', 'recipients',
  'recipient hosts/domains',
] as const

export type PflogsummLabel = (typeof PFLOGSUMM_LABELS)[number]
export type PflogsummTotals = Record<PflogsummLabel, number>

export interface PflogsummOptions {
  /** pflogsumm's --syslog-name (taken literally): tags `NAME/daemon` count besides `postfix/daemon`. */
  syslogName?: string
}

type RejectType = 'reject' | 'reject_warning' | 'hold' | 'discard'

/** The commands pflogsumm's main loop tells apart (any other name is OTHER). */
const enum Cmd { Other, Cleanup, Master, Smtpd, Postscreen, Pickup }

/** What the queue id token is, when it is one of the words pflogsumm's main loop tests. */
const enum QidWord { None, Problem, Reject, RejectWarning, Hold, Discard }

/** Cmd of s[start, end) without taking the substring. */
function commandOf(s: string, start: number, end: number): Cmd {
  switch (end - start) {
    case 5: return s.startsWith('smtpd', start) ? Cmd.Smtpd : Cmd.Other
    case 6: return s.startsWith('master', start) ? Cmd.Master : s.startsWith('pickup', start) ? Cmd.Pickup : Cmd.Other
    case 7: return s.startsWith('cleanup', start) ? Cmd.Cleanup : Cmd.Other
    case 10: return s.startsWith('postscreen', start) ? Cmd.Postscreen : Cmd.Other
    default: return Cmd.Other
  }
}

/** QidWord of s[start, end) without taking the substring. */
function qidWordOf(s: string, start: number, end: number): QidWord {
  switch (end - start) {
    case 4: return s.startsWith('hold', start) ? QidWord.Hold : QidWord.None
    case 5: return s.startsWith('fatal', start) || s.startsWith('panic', start) ? QidWord.Problem : QidWord.None
    case 6: return s.startsWith('reject', start) ? QidWord.Reject : QidWord.None
    case 7: return s.startsWith('warning', start) ? QidWord.Problem : s.startsWith('discard', start) ? QidWord.Discard : QidWord.None
    case 14: return s.startsWith('reject_warning', start) ? QidWord.RejectWarning : QidWord.None
    default: return QidWord.None
  }
}

const QID_REJECT: readonly (RejectType | null)[] = [null, null, 'reject', 'reject_warning', 'hold', 'discard']

interface QidState {
  /** %msgSizes: the size string as logged */
  size: string | undefined
  /** %rcvdMsg: where the message came from (gimme_domain of the client, or 'pickup'); undefined once counted */
  whence: string | undefined
  /** %msgDfrdFlgs */
  deferred: boolean
}

/** Perl's truthiness of a string scalar (undef, '' and '0' are false). */
function perlTrue(v: string | undefined): v is string {
  return v !== undefined && v !== '' && v !== '0'
}

/** Perl's \s under the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** Perl's \w under the C locale. */
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
}

/** lc() of ASCII letters only (Perl under the C locale). */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase())
  }
  return s
}

/** `s/(@.+)/\L$1/`: lower-case from the first `@` on, when something follows it. */
function lowerFromAt(addr: string): string {
  const at = addr.indexOf('@')
  if (at < 0 || at + 1 >= addr.length) return addr
  const tail = addr.slice(at)
  const low = asciiLower(tail)
  return low === tail ? addr : addr.slice(0, at) + low
}

export class PflogsummCounter {
  private readonly prefixes: string[]
  private readonly onlyPostfix: boolean
  private readonly commas = new CommaIndex()
  private received = 0
  private delivered = 0
  private forwarded = 0
  private deferred = 0
  private deferrals = 0
  private bounced = 0
  private rejected = 0
  private warned = 0
  private held = 0
  private discarded = 0
  private bytesReceived = 0
  private bytesDelivered = 0
  private readonly senders = new Set<string>()
  private readonly sendingDomains = new Set<string>()
  private readonly recipients = new Set<string>()
  private readonly recipientDomains = new Set<string>()
  /**
   * qid -> what pflogsumm's %msgSizes, %rcvdMsg and %msgDfrdFlgs hold for it (one look-up per line).
   * Never forgotten, as in pflogsumm: its memory grows with the number of queue ids.
   */
  private readonly qids = new Map<string, QidState>()
  private cmd: Cmd = Cmd.Other
  /** the queue id token of the last matched line: rest[qidStart, qidEnd) */
  private qidStart = 0
  private qidEnd = 0

  /** lines seen, and lines pflogsumm would have read as postfix lines */
  lines = 0
  postfixLines = 0

  constructor(opts: PflogsummOptions = {}) {
    const name = opts.syslogName ?? 'postfix'
    this.prefixes = name === 'postfix' ? ['postfix'] : ['postfix', name]
    this.onlyPostfix = name === 'postfix'
  }

  /** One log line (without its newline) as pflogsumm reads it. */
  addLine(line: string): void {
    this.lines++
    let s = line
    if (s.includes(': [ID ')) s = stripSolarisId(s)
    let r = traditionalRest(s)
    if (r < 0) r = rfc3339Rest(s)
    if (r < 0) return
    this.tagged(s, r)
  }

  /** The text after timestamp and host (`postfix/smtpd[123]: …`), e.g. rebuilt from a journald record. */
  addTagged(rest: string): void {
    this.tagged(rest, 0)
  }

  /** The tagged text is line[from…]: it is cut out only when the line is postfix's. */
  private tagged(line: string, from: number): void {
    if (!this.matchCommand(line, from)) return
    let rest = line
    if (from > 0) {
      rest = line.slice(from)
      this.qidStart -= from
      this.qidEnd -= from
    }
    this.postfixLines++
    const cmd = this.cmd
    const word = qidWordOf(rest, this.qidStart, this.qidEnd)
    let sub: RejectType | null
    if (cmd === Cmd.Cleanup && (sub = cleanupAction(rest)) !== null) {
      this.countReject(sub)
    } else if (word === QidWord.Problem) {
      // problem reports only
    } else if (word !== QidWord.None) {
      this.countReject(QID_REJECT[word]!)
    } else if (cmd === Cmd.Master) {
      // master daemon messages only
    } else if (cmd === Cmd.Smtpd || cmd === Cmd.Postscreen) {
      const client = smtpdClient(rest)
      if (client !== null) {
        this.received++
        this.state(this.qidOf(rest)).whence = gimmeDomain(client)
      } else {
        const t = smtpdAction(rest)
        if (t !== null) this.countReject(t)
      }
    } else if (!this.fromSize(rest) && !this.toLine(rest)) {
      if (cmd === Cmd.Pickup && (rest.includes(': sender=') || rest.includes(': uid='))) {
        this.received++
        this.state(this.qidOf(rest)).whence = 'pickup'
      }
    }
  }

  /** Lines from a journald record: `SYSLOG_IDENTIFIER[_PID]: MESSAGE`. */
  addJournal(program: string, pid: number | null, message: string): void {
    this.lines++
    this.addTagged(pid === null ? `${program}: ${message}` : `${program}[${pid}]: ${message}`)
  }

  totals(): PflogsummTotals {
    return {
      received: this.received,
      delivered: this.delivered,
      forwarded: this.forwarded,
      deferred: this.deferred,
      deferrals: this.deferrals,
      bounced: this.bounced,
      rejected: this.rejected,
      'reject warnings': this.warned,
      held: this.held,
      discarded: this.discarded,
      'bytes received': this.bytesReceived,
      'bytes delivered': this.bytesDelivered,
      senders: this.senders.size,
      'sending hosts/domains': this.sendingDomains.size,
      recipients: this.recipients.size,
      'recipient hosts/domains': this.recipientDomains.size,
    }
  }

  private qidOf(rest: string): string {
    return rest.slice(this.qidStart, this.qidEnd)
  }

  private state(qid: string): QidState {
    let st = this.qids.get(qid)
    if (st === undefined) {
      st = { size: undefined, whence: undefined, deferred: false }
      this.qids.set(qid, st)
    }
    return st
  }

  private countReject(t: RejectType): void {
    if (t === 'reject') this.rejected++
    else if (t === 'reject_warning') this.warned++
    else if (t === 'hold') this.held++
    else this.discarded++
  }

  /**
   * m#^(?:postfix|NAME)(?:/(?:smtps|submission))?/([^\[:]*).*?: ([^:\s]+)# or
   * m#^((?:postfix)(?:-script)?)(?:\[\d+\])?: ([^:\s]+)#
   * on rest[b…]; cmd, qidStart and qidEnd are indices in rest.
   */
  private matchCommand(rest: string, b: number): boolean {
    const n = rest.length
    // the first character of every line is tested: most lines that are not postfix's stop here
    if (this.onlyPostfix && rest.charCodeAt(b) !== 112) return false
    for (let pi = 0; pi < this.prefixes.length; pi++) {
      const prefix = this.prefixes[pi]!
      if (!rest.startsWith(prefix, b)) continue
      const p = b + prefix.length
      let start: number
      if (rest.startsWith('/smtps/', p)) start = p + 7
      else if (rest.startsWith('/submission/', p)) start = p + 12
      else if (rest.charCodeAt(p) === 47) start = p + 1
      else continue
      let e = start
      while (e < n) {
        const c = rest.charCodeAt(e)
        if (c === 91 || c === 58) break
        e++
      }
      const q = firstToken(rest, e)
      if (q >= 0) {
        this.cmd = commandOf(rest, start, e)
        this.qidStart = q
        this.qidEnd = tokenEnd(rest, q)
        return true
      }
    }
    if (rest.startsWith('postfix', b)) {
      let k = rest.startsWith('-script', b + 7) ? b + 14 : b + 7
      const cmdEnd = k
      if (rest.charCodeAt(k) === 91) {
        let d = k + 1
        while (d < n && isDigit(rest.charCodeAt(d))) d++
        if (d === k + 1 || rest.charCodeAt(d) !== 93) return false
        k = d + 1
      }
      if (rest.charCodeAt(k) === 58 && rest.charCodeAt(k + 1) === 32 && isTokenChar(rest, k + 2)) {
        this.cmd = commandOf(rest, b, cmdEnd) // 'postfix' or 'postfix-script': none of the tested names
        this.qidStart = k + 2
        this.qidEnd = tokenEnd(rest, k + 2)
        return true
      }
    }
    return false
  }

  /** /from=<([^>]*)>, size=(\d+)/ and its sender bookkeeping; true when it matched. */
  private fromSize(rest: string): boolean {
    let i = rest.indexOf('from=<')
    while (i >= 0) {
      const g = rest.indexOf('>', i + 6)
      if (g < 0) return false
      if (rest.startsWith(', size=', g + 1) && isDigit(rest.charCodeAt(g + 8))) {
        let e = g + 9
        while (e < rest.length && isDigit(rest.charCodeAt(e))) e++
        const st = this.state(this.qidOf(rest))
        if (perlTrue(st.size)) return true // avoid double-counting
        let addr = rest.slice(i + 6, g)
        addr = addr === '' ? 'from=<>' : lowerFromAt(addr)
        const size = rest.slice(g + 8, e)
        st.size = size
        const whence = st.whence
        if (perlTrue(whence)) {
          const at = addr.indexOf('@')
          const dom = at >= 1 && at + 1 < addr.length ? addr.slice(at + 1) : whence === 'pickup' ? addr : whence
          this.sendingDomains.add(dom)
          this.senders.add(addr)
          this.bytesReceived += Number(size)
          st.whence = undefined
        }
        return true
      }
      i = rest.indexOf('from=<', g + 1)
    }
    return false
  }

  /**
   * /to=<([^>]*)>, (?:orig_to=<[^>]*>, )?relay=([^,]+), (?:conn_use=[^,]+, )?delay=([^,]+),
   *  (?:delays=[^,]+, )?(?:dsn=[^,]+, )?status=(\S+)(.*)$/ and its counting; true when it matched.
   */
  private toLine(rest: string): boolean {
    let i = rest.indexOf('to=<')
    if (i < 0) return false
    const commas = this.commas.reset(rest)
    while (i >= 0) {
      const g = rest.indexOf('>', i + 4)
      if (g < 0) return false
      const st = statusAfterAddress(rest, g + 1, commas)
      if (st >= 0) {
        let e = st
        while (e < rest.length && !isSpace(rest.charCodeAt(e))) e++
        this.countDelivery(i + 4, g, st, e, rest)
        return true
      }
      i = rest.indexOf('to=<', g + 1)
    }
    return false
  }

  /** The to= line's address is rest[a, g), its status rest[st, e). */
  private countDelivery(a: number, g: number, st: number, e: number, rest: string): void {
    const len = e - st
    if (len === 4 && rest.startsWith('sent', st)) {
      if (rest.includes('forwarded as ', e)) {
        this.forwarded++
        return
      }
      const addr = lowerFromAt(rest.slice(a, g))
      const at = addr.indexOf('@')
      this.recipientDomains.add(at >= 1 ? addr.slice(at + 1) : addr)
      this.recipients.add(addr)
      this.delivered++
      const size = this.qids.get(this.qidOf(rest))?.size
      if (perlTrue(size)) this.bytesDelivered += Number(size)
    } else if (len === 8 && rest.startsWith('deferred', st)) {
      this.deferrals++
      const q = this.state(this.qidOf(rest))
      if (!q.deferred) {
        q.deferred = true
        this.deferred++
      }
    } else if (len === 7 && rest.startsWith('bounced', st)) {
      this.bounced++
    }
  }
}

/** Start of the status word after `to=<…>` ended at p, or -1 (the fixed sequence of the to= regex). */
function statusAfterAddress(s: string, p: number, commas: CommaIndex): number {
  if (!s.startsWith(', ', p)) return -1
  p += 2
  if (s.startsWith('orig_to=<', p)) {
    const g = s.indexOf('>', p + 9)
    if (g < 0 || !s.startsWith(', ', g + 1)) return -1
    p = g + 3
  }
  if (!s.startsWith('relay=', p)) return -1
  p = commas.valueEnd(p + 6)
  if (p < 0) return -1
  if (s.startsWith('conn_use=', p)) {
    p = commas.valueEnd(p + 9)
    if (p < 0) return -1
  }
  if (!s.startsWith('delay=', p)) return -1
  p = commas.valueEnd(p + 6)
  if (p < 0) return -1
  if (s.startsWith('delays=', p)) {
    p = commas.valueEnd(p + 7)
    if (p < 0) return -1
  }
  if (s.startsWith('dsn=', p)) {
    p = commas.valueEnd(p + 4)
    if (p < 0) return -1
  }
  if (!s.startsWith('status=', p)) return -1
  p += 7
  return p < s.length && !isSpace(s.charCodeAt(p)) ? p : -1
}

/**
 * `[^,]+, ` from p: index after the ", ", or -1. Remembers the next comma, so that the attempts at
 * successive `to=<` of one line (left to right) scan the line once in all.
 */
class CommaIndex {
  private at = -1
  private s = ''

  /** Start over on another line. */
  reset(s: string): this {
    this.s = s
    this.at = -1
    return this
  }

  valueEnd(p: number): number {
    if (this.at < p) this.at = this.s.indexOf(',', p)
    const c = this.at
    if (c < 0) this.at = this.s.length // none left: later look-ups fail at once
    if (c <= p || this.s.charCodeAt(c + 1) !== 32) return -1
    return c + 2
  }
}

/** `.*?: ([^:\s]+)` from p: start of the first token after ": ", or -1. */
function firstToken(s: string, p: number): number {
  let j = s.indexOf(': ', p)
  while (j >= 0) {
    if (isTokenChar(s, j + 2)) return j + 2
    j = s.indexOf(': ', j + 1)
  }
  return -1
}

function isTokenChar(s: string, i: number): boolean {
  if (i >= s.length) return false
  const c = s.charCodeAt(i)
  return c !== 58 && !isSpace(c)
}

function tokenEnd(s: string, i: number): number {
  let e = i
  while (e < s.length) {
    const c = s.charCodeAt(e)
    if (c === 58 || isSpace(c)) break
    e++
  }
  return e
}

/** `^(...) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ (.+)$`: index of the rest, or -1. */
function traditionalRest(s: string): number {
  const n = s.length
  if (n < 4 || s.charCodeAt(3) !== 32) return -1
  let p = s.charCodeAt(4) === 32 ? 5 : 4
  if (!isDigit(s.charCodeAt(p))) return -1
  if (isDigit(s.charCodeAt(p + 1)) && s.charCodeAt(p + 2) === 32) p += 3
  else if (s.charCodeAt(p + 1) === 32) p += 2
  else return -1
  if (!clockAt(s, p) || s.charCodeAt(p + 8) !== 32) return -1
  return hostThenRest(s, p + 9)
}

/** `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[\+\-]\d{2}:\d{2}|Z) \S+ (.+)$`: index of the rest, or -1. */
function rfc3339Rest(s: string): number {
  if (!(digitsAt(s, 0, 4) && s.charCodeAt(4) === 45 && digitsAt(s, 5, 2) && s.charCodeAt(7) === 45 && digitsAt(s, 8, 2))) return -1
  if (s.charCodeAt(10) !== 84 || !clockAt(s, 11)) return -1
  let p = 19
  if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
    p += 2
    while (isDigit(s.charCodeAt(p))) p++
  }
  const z = s.charCodeAt(p)
  if (z === 90) p++
  else if ((z === 43 || z === 45) && digitsAt(s, p + 1, 2) && s.charCodeAt(p + 3) === 58 && digitsAt(s, p + 4, 2)) p += 6
  else return -1
  if (s.charCodeAt(p) !== 32) return -1
  return hostThenRest(s, p + 1)
}

/** `\S+ (.+)$` at p. */
function hostThenRest(s: string, p: number): number {
  let k = p
  while (k < s.length && !isSpace(s.charCodeAt(k))) k++
  if (k === p || s.charCodeAt(k) !== 32 || k + 1 >= s.length) return -1
  return k + 1
}

function digitsAt(s: string, i: number, count: number): boolean {
  for (let k = i; k < i + count; k++) if (!isDigit(s.charCodeAt(k))) return false
  return true
}

function clockAt(s: string, i: number): boolean {
  return digitsAt(s, i, 2) && s.charCodeAt(i + 2) === 58 && digitsAt(s, i + 3, 2) && s.charCodeAt(i + 5) === 58 && digitsAt(s, i + 6, 2)
}

/** `s/: \[ID \d+ [^\]]+\] /: /` (Solaris syslog message ids), first match only. */
function stripSolarisId(s: string): string {
  let i = s.indexOf(': [ID ')
  while (i >= 0) {
    let k = i + 6
    const d0 = k
    while (isDigit(s.charCodeAt(k))) k++
    if (k > d0 && s.charCodeAt(k) === 32 && s.charCodeAt(k + 1) !== 93) {
      const rb = s.indexOf(']', k + 1)
      if (rb < 0) return s
      if (s.charCodeAt(rb + 1) === 32) return s.slice(0, i) + ': ' + s.slice(rb + 2)
      i = s.indexOf(': [ID ', rb)
      continue
    }
    i = s.indexOf(': [ID ', i + 1)
  }
  return s
}

/**
 * /\/cleanup\[\d+\]: .*?\b((?:milter-)?reject|warning|hold|discard): (header|body|END-OF-MESSAGE) (.*)$/
 * -> the action, or null.
 */
function cleanupAction(rest: string): RejectType | null {
  let start = -1
  let i = rest.indexOf('/cleanup[')
  while (i >= 0) {
    let k = i + 9
    while (isDigit(rest.charCodeAt(k))) k++
    if (k > i + 9 && rest.charCodeAt(k) === 93 && rest.charCodeAt(k + 1) === 58 && rest.charCodeAt(k + 2) === 32) {
      start = k + 3
      break
    }
    i = rest.indexOf('/cleanup[', i + 1)
  }
  if (start < 0) return null
  let r = rest.indexOf(': ', start)
  while (r >= 0) {
    if (rest.startsWith('header ', r + 2) || rest.startsWith('body ', r + 2) || rest.startsWith('END-OF-MESSAGE ', r + 2)) {
      if (wordEndsAt(rest, 'reject', r, start) || wordEndsAt(rest, 'milter-reject', r, start)) return 'reject'
      if (wordEndsAt(rest, 'warning', r, start)) return 'reject_warning'
      if (wordEndsAt(rest, 'hold', r, start)) return 'hold'
      if (wordEndsAt(rest, 'discard', r, start)) return 'discard'
    }
    r = rest.indexOf(': ', r + 1)
  }
  return null
}

/** `\bWORD` ending at r, starting at or after min. */
function wordEndsAt(s: string, word: string, r: number, min: number): boolean {
  const q = r - word.length
  return q >= min && s.startsWith(word, q) && (q === 0 || !isWord(s.charCodeAt(q - 1)))
}

/** /\[\d+\]: \w+: client=(.+?)(,|$)/ -> the client text, or null. */
function smtpdClient(rest: string): string | null {
  let i = rest.indexOf(': client=')
  while (i >= 0) {
    let w = i
    while (w > 0 && isWord(rest.charCodeAt(w - 1))) w--
    if (w < i && afterBracketedDigits(rest, w) && i + 9 < rest.length) {
      const c = i + 9
      const comma = rest.indexOf(',', c + 1)
      return rest.slice(c, comma < 0 ? rest.length : comma)
    }
    i = rest.indexOf(': client=', i + 1)
  }
  return null
}

/** Is `[\d+]: ` right before w? */
function afterBracketedDigits(s: string, w: number): boolean {
  if (w < 4 || s.charCodeAt(w - 1) !== 32 || s.charCodeAt(w - 2) !== 58 || s.charCodeAt(w - 3) !== 93) return false
  let k = w - 3
  while (k > 0 && isDigit(s.charCodeAt(k - 1))) k--
  return k < w - 3 && k >= 1 && s.charCodeAt(k - 1) === 91
}

/** /\[\d+\]: \w+: (reject(?:_warning)?|hold|discard): / -> the action, or null. */
function smtpdAction(rest: string): RejectType | null {
  let b = rest.indexOf(']: ')
  while (b >= 0) {
    const w = b + 3
    if (afterBracketedDigits(rest, w)) {
      let e = w
      while (e < rest.length && isWord(rest.charCodeAt(e))) e++
      if (e > w && rest.charCodeAt(e) === 58 && rest.charCodeAt(e + 1) === 32) {
        const t = e + 2
        if (rest.startsWith('reject_warning: ', t)) return 'reject_warning'
        if (rest.startsWith('reject: ', t)) return 'reject'
        if (rest.startsWith('hold: ', t)) return 'hold'
        if (rest.startsWith('discard: ', t)) return 'discard'
      }
    }
    b = rest.indexOf(']: ', b + 1)
  }
  return null
}

/**
 * pflogsumm's gimme_domain(): the client's domain (last two labels, three for ccTLD-style 2.2/3.2
 * endings) or its IP address; undefined when the text has neither shape.
 */
export function gimmeDomain(client: string): string | undefined {
  let domain: string | undefined
  let ip: string | undefined
  const lb = client.indexOf('[')
  const v4End = lb >= 0 ? ipv4BeforeBracket(client, lb + 1) : -1
  if (v4End >= 0) {
    domain = client.slice(0, lb)
    ip = client.slice(lb + 1, v4End)
  } else {
    const sl = client.indexOf('/')
    let e = sl + 1
    if (sl >= 0) while (e < client.length && isHexDotColon(client.charCodeAt(e))) e++
    if (sl >= 0 && e > sl + 1) {
      domain = client.slice(0, sl)
      ip = client.slice(sl + 1, e)
    } else {
      // ^([^\[\(\/]*)[\[\(\/]([^\]\)]+)[\]\)]:?\d*$
      let d = 0
      while (d < client.length) {
        const c = client.charCodeAt(d)
        if (c === 91 || c === 40 || c === 47) break
        d++
      }
      if (d < client.length) {
        let k = d + 1
        while (k < client.length) {
          const c = client.charCodeAt(k)
          if (c === 93 || c === 41) break
          k++
        }
        if (k < client.length && k > d + 1) {
          let t = k + 1
          if (client.charCodeAt(t) === 58) t++
          while (t < client.length && isDigit(client.charCodeAt(t))) t++
          if (t === client.length) {
            domain = client.slice(0, d)
            ip = client.slice(d + 1, k)
          }
        }
      }
    }
  }
  if (domain === undefined || domain === '' || domain === 'unknown') return ip
  return reduceDomain(domain)
}

/** `(?:\d{1,3}\.){3}\d{1,3}\]` at i: index of the `]`, or -1. */
function ipv4BeforeBracket(s: string, i: number): number {
  let p = i
  for (let g = 0; g < 4; g++) {
    const d0 = p
    while (isDigit(s.charCodeAt(p))) p++
    const len = p - d0
    if (len < 1 || len > 3) return -1
    const want = g < 3 ? 46 : 93
    if (s.charCodeAt(p) !== want) return -1
    if (g < 3) p++
  }
  return p
}

function isHexDotColon(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46 || c === 58
}

/** `s/^(.*)\.([^\.]+)\.([^\.]{3}|[^\.]{2,3}\.[^\.]{2})$/\L$2.$3/` */
function reduceDomain(d: string): string {
  const l1 = d.lastIndexOf('.')
  if (l1 < 0) return d
  const l2 = d.lastIndexOf('.', l1 - 1)
  if (l2 < 0) return d
  if (l1 - l2 > 1 && d.length - l1 - 1 === 3) return asciiLower(d.slice(l2 + 1))
  const l3 = l2 > 0 ? d.lastIndexOf('.', l2 - 1) : -1
  if (l3 < 0) return d
  const mid = l1 - l2 - 1
  if (l2 - l3 > 1 && (mid === 2 || mid === 3) && d.length - l1 - 1 === 2) return asciiLower(d.slice(l3 + 1))
  return d
}

/** pflogsumm's adj_int_units(): `%6d%s` value and unit as it prints them. */
export function pflogsummUnits(v: number): [number, string] {
  if (v > 536870912) return [Math.trunc(v / 1048576), 'm']
  if (v > 524288) return [Math.trunc(v / 1024), 'k']
  return [Math.trunc(v), ' ']
}

/** The "Grand Totals" block exactly as pflogsumm prints it (without the per-hour and detail reports). */
export function formatPflogsummTotals(t: PflogsummTotals): string {
  const line = (v: number, label: string): string => {
    const [n, u] = pflogsummUnits(v)
    return ` ${String(n).padStart(6)}${u}  ${label}`
  }
  const total = t.delivered + t.rejected + t.discarded
  const rejPct = total ? Math.trunc((t.rejected / total) * 100) : 0
  const disPct = total ? Math.trunc((t.discarded / total) * 100) : 0
  let deferred = line(t.deferred, 'deferred')
  if (t.deferrals) {
    const [n, u] = pflogsummUnits(t.deferrals)
    deferred += `  (${n}${u} deferrals)`
  }
  return [
    'Grand Totals',
    '------------',
    'messages',
    '',
    line(t.received, 'received'),
    line(t.delivered, 'delivered'),
    line(t.forwarded, 'forwarded'),
    deferred,
    line(t.bounced, 'bounced'),
    line(t.rejected, `rejected (${rejPct}%)`),
    line(t['reject warnings'], 'reject warnings'),
    line(t.held, 'held'),
    line(t.discarded, `discarded (${disPct}%)`),
    '',
    line(t['bytes received'], 'bytes received'),
    line(t['bytes delivered'], 'bytes delivered'),
    line(t.senders, 'senders'),
    line(t['sending hosts/domains'], 'sending hosts/domains'),
    line(t.recipients, 'recipients'),
    line(t['recipient hosts/domains'], 'recipient hosts/domains'),
    '',
  ].join('\n')
}
