// The "Grand Totals" of pflogsumm 1.1.5 (Debian's /usr/sbin/pflogsumm), counted by the same rules.
//
// Each step below mirrors one regular expression of pflogsumm's main loop, including its quirks
// (the queue id is the first token after the first ": ", a cleanup line counts wherever the action
// word appears, a size of "0" does not stop a second from=/size= line, …). The expressions are
// replaced by forward scans that stop where Perl's backtracking would fail, so a line costs linear time.
//
// The counter reads bytes, as Perl does: addBytes() takes a line in place inside a larger buffer (a
// read chunk) and scans it without making a string of it; only what the totals keep is decoded (a
// queue id for the map, a client, a sender or recipient address), byte for byte (latin1), so the
// totals are pflogsumm's exactly whatever the encoding. addLine() takes a string (ASCII as is, other
// text as UTF-8 bytes), e.g. a line rebuilt from a journald record.

import { decodeLatin1 } from './line-splitter'

/** pflogsumm's own labels, in the order it prints them. */
export const PFLOGSUMM_LABELS = [
  'received', 'delivered', 'forwarded', 'deferred', 'deferrals', 'bounced', 'rejected', 'reject warnings', 'held',
  'discarded', 'bytes received', 'bytes delivered', 'senders', 'sending hosts/domains', 'recipients',
  'recipient hosts/domains',
] as const

export type PflogsummLabel = (typeof PFLOGSUMM_LABELS)[number]
export type PflogsummTotals = Record<PflogsummLabel, number>

/** Bytes [start, end) as a string of one char per byte (latin1). */
export type ByteDecoder = (bytes: Uint8Array, start: number, end: number) => string

export interface PflogsummOptions {
  /** pflogsumm's --syslog-name (taken literally): tags `NAME/daemon` count besides `postfix/daemon`. */
  syslogName?: string
  /** Latin-1 decoder for the few slices kept (Node: Buffer's latin1Slice; default: a portable one). */
  decode?: ByteDecoder
  /**
   * Count a later part of a log, whose lines start after a line boundary: what pflogsumm keeps per
   * queue id from the lines before is unknown here, so every use of it is recorded in order
   * (exportTail) and replayed by the counter of the lines before (mergeTail).
   */
  tail?: boolean
}

/** What a tail counter (PflogsummOptions.tail) hands to the counter of the lines before it. */
export interface PflogsummTail {
  /** the additive counts, in TAIL_COUNTS order */
  counts: number[]
  senders: string[]
  sendingDomains: string[]
  recipients: string[]
  recipientDomains: string[]
  /** the queue ids seen, by their local id: bytes keys[keyOff[i], keyOff[i] + keyLen[i]) */
  keys: Uint8Array
  keyOff: Int32Array
  keyLen: Int32Array
  /** the queue id events in order: pairs (QidEvent, local id); strs and nums hold their values in order */
  ops: Int32Array
  strs: (string | undefined)[]
  nums: Float64Array
}

/** A queue id event of a tail counter: pflogsumm's per-qid bookkeeping, replayed by mergeTail. */
const enum QidEvent { Whence, FromSize, FromSizeZero, Sent, Deferred }

type RejectType = 'reject' | 'reject_warning' | 'hold' | 'discard'

/** The commands pflogsumm's main loop tells apart (any other name is OTHER). */
const enum Cmd { Other, Cleanup, Master, Smtpd, Postscreen, Pickup }

/** What the queue id token is, when it is one of the words pflogsumm's main loop tests. */
const enum QidWord { None, Problem, Reject, RejectWarning, Hold, Discard }

function ascii(s: string): Uint8Array {
  const a = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i)
  return a
}

const W = {
  postfix: ascii('postfix'),
  script: ascii('-script'),
  smtps: ascii('/smtps/'),
  submission: ascii('/submission/'),
  smtpd: ascii('smtpd'),
  master: ascii('master'),
  pickup: ascii('pickup'),
  cleanup: ascii('cleanup'),
  postscreen: ascii('postscreen'),
  hold: ascii('hold'),
  fatal: ascii('fatal'),
  panic: ascii('panic'),
  reject: ascii('reject'),
  warning: ascii('warning'),
  discard: ascii('discard'),
  rejectWarning: ascii('reject_warning'),
  milterReject: ascii('milter-reject'),
  solarisId: ascii(': [ID '),
  from: ascii('from=<'),
  commaSize: ascii(', size='),
  to: ascii('to=<'),
  origTo: ascii('orig_to=<'),
  relay: ascii('relay='),
  connUse: ascii('conn_use='),
  delay: ascii('delay='),
  delays: ascii('delays='),
  dsn: ascii('dsn='),
  status: ascii('status='),
  sent: ascii('sent'),
  deferred: ascii('deferred'),
  bounced: ascii('bounced'),
  forwardedAs: ascii('forwarded as '),
  cleanupBracket: ascii('/cleanup['),
  header: ascii('header '),
  body: ascii('body '),
  eom: ascii('END-OF-MESSAGE '),
  client: ascii(': client='),
  bracketColon: ascii(']: '),
  rejectWarningColon: ascii('reject_warning: '),
  rejectColon: ascii('reject: '),
  holdColon: ascii('hold: '),
  discardColon: ascii('discard: '),
  sender: ascii(': sender='),
  uid: ascii(': uid='),
}

/**
 * The words looked for anywhere in a line. One pass over the line (scanLine) notes where each first
 * occurs; the rare second look-up (when the first occurrence did not match) scans on from there.
 */
const enum N { SolarisId, Client, From, To, RejectWarning, Reject, Hold, Discard, Header, Body, Eom, Sender, Uid }
const NEEDLES: readonly Uint8Array[] = [
  W.solarisId, W.client, W.from, W.to,
  ascii(': reject_warning: '), ascii(': reject: '), ascii(': hold: '), ascii(': discard: '),
  ascii(': header '), ascii(': body '), ascii(': END-OF-MESSAGE '), W.sender, W.uid,
]
/** The bytes at which scanLine stops: space, colon, `=` and `<`. */
const TRIGGER = new Uint8Array(256)
for (const c of [32, 58, 61, 60]) TRIGGER[c] = 1
const SMTPD_ACTIONS: readonly [N, RejectType][] = [[N.RejectWarning, 'reject_warning'], [N.Reject, 'reject'], [N.Hold, 'hold'], [N.Discard, 'discard']]
const CLEANUP_STAGES: readonly N[] = [N.Header, N.Body, N.Eom]

/** b[i] inside the line (i < e), or -1 past its end. */
function at(b: Uint8Array, e: number, i: number): number {
  return i < e ? b[i]! : -1
}

/** Does b[i, e) start with w? (The first byte is compared before the length: most calls fail there.) */
function has(b: Uint8Array, e: number, i: number, w: Uint8Array): boolean {
  const n = w.length
  if (i < 0 || i + n > e) return false
  for (let k = 0; k < n; k++) if (b[i + k] !== w[k]) return false
  return true
}

/** First index >= from of w inside b[.., e), or -1. */
function find(b: Uint8Array, e: number, from: number, w: Uint8Array): number {
  const n = w.length
  const w0 = w[0]!
  const last = e - n
  for (let i = from; i <= last; i++) {
    if (b[i] !== w0) continue
    let k = 1
    while (k < n && b[i + k] === w[k]) k++
    if (k === n) return i
  }
  return -1
}

/** First index >= from of byte c inside b[.., e), or -1. */
function findByte(b: Uint8Array, e: number, from: number, c: number): number {
  for (let i = from; i < e; i++) if (b[i] === c) return i
  return -1
}

/** First index >= from of the two bytes c0 c1 inside b[.., e), or -1. */
function find2(b: Uint8Array, e: number, from: number, c0: number, c1: number): number {
  const last = e - 1
  for (let i = from; i < last; i++) if (b[i] === c0 && b[i + 1] === c1) return i
  return -1
}

/** Cmd of b[start, end). */
function commandOf(b: Uint8Array, start: number, end: number): Cmd {
  switch (end - start) {
    case 5: return has(b, end, start, W.smtpd) ? Cmd.Smtpd : Cmd.Other
    case 6: return has(b, end, start, W.master) ? Cmd.Master : has(b, end, start, W.pickup) ? Cmd.Pickup : Cmd.Other
    case 7: return has(b, end, start, W.cleanup) ? Cmd.Cleanup : Cmd.Other
    case 10: return has(b, end, start, W.postscreen) ? Cmd.Postscreen : Cmd.Other
    default: return Cmd.Other
  }
}

/** QidWord of b[start, end). */
function qidWordOf(b: Uint8Array, start: number, end: number): QidWord {
  switch (end - start) {
    case 4: return has(b, end, start, W.hold) ? QidWord.Hold : QidWord.None
    case 5: return has(b, end, start, W.fatal) || has(b, end, start, W.panic) ? QidWord.Problem : QidWord.None
    case 6: return has(b, end, start, W.reject) ? QidWord.Reject : QidWord.None
    case 7: return has(b, end, start, W.warning) ? QidWord.Problem : has(b, end, start, W.discard) ? QidWord.Discard : QidWord.None
    case 14: return has(b, end, start, W.rejectWarning) ? QidWord.RejectWarning : QidWord.None
    default: return QidWord.None
  }
}

const QID_REJECT: readonly (RejectType | null)[] = [null, null, 'reject', 'reject_warning', 'hold', 'discard']

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

/** The value of a run of ASCII digits b[s, e), as Perl's numeric conversion of that string gives it. */
function digitsValue(b: Uint8Array, s: number, e: number, decode: ByteDecoder): number {
  if (e - s > 15) return Number(decode(b, s, e))
  let v = 0
  for (let i = s; i < e; i++) v = v * 10 + (b[i]! - 48)
  return v
}

const utf8 = new TextEncoder()

export class PflogsummCounter {
  private readonly prefixes: Uint8Array[]
  private readonly onlyPostfix: boolean
  private readonly decode: ByteDecoder
  /** per needle: its first occurrence in the current line at or after the tagged text, or -1 */
  private readonly first = new Int32Array(NEEDLES.length)
  private readonly commas = new CommaIndex()
  private scratch = new Uint8Array(1024)
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
  private readonly qids = new QidTable()
  /** a tail counter's queue id events (null: applied at once) */
  private readonly log: QidEventLog | null
  private cmd: Cmd = Cmd.Other
  /** the queue id token of the last matched line: b[qidStart, qidEnd) */
  private qidStart = 0
  private qidEnd = 0
  /** the client text of the last smtpdClient() match: b[clientStart, clientEnd) */
  private clientStart = 0
  private clientEnd = 0

  /** lines seen, and lines pflogsumm would have read as postfix lines */
  lines = 0
  postfixLines = 0

  constructor(opts: PflogsummOptions = {}) {
    const name = opts.syslogName ?? 'postfix'
    this.prefixes = name === 'postfix' ? [W.postfix] : [W.postfix, utf8.encode(name)]
    this.onlyPostfix = name === 'postfix'
    this.decode = opts.decode ?? decodeLatin1
    this.log = opts.tail === true ? new QidEventLog() : null
  }

  /** One log line, bytes [start, end) of b (without its newline), as pflogsumm reads it. */
  addBytes(b: Uint8Array, start: number, end: number): void {
    this.lines++
    this.line(b, start, end, false)
  }

  /**
   * pflogsumm first strips a Solaris message id (`s/: \[ID \d+ [^\]]+\] /: /`, once), then reads
   * the header. With a header, ": [ID " can start no earlier than the host's last byte (r - 2), so
   * the line's one scan from there finds it; a line is read again from a stripped copy when it has one.
   */
  private line(b: Uint8Array, start: number, end: number, stripped: boolean): void {
    let r = traditionalRest(b, start, end)
    if (r < 0) r = rfc3339Rest(b, start, end)
    if (r < 0) {
      if (!stripped && find(b, end, start, W.solarisId) >= 0) this.strip(b, start, end)
      return
    }
    if (this.onlyPostfix && b[r] !== 112) {
      // not postfix's: unless a stripped id starts right before the text, nothing after it can change that
      if (!stripped && has(b, end, r - 2, W.solarisId)) this.strip(b, start, end)
      return
    }
    this.scanLine(b, r, end)
    if (!stripped && this.first[N.SolarisId]! >= 0) {
      this.strip(b, start, end)
      return
    }
    this.tagged(b, r, end)
  }

  private strip(b: Uint8Array, start: number, end: number): void {
    const c = stripSolarisId(b, start, end)
    if (c !== null) this.line(c, 0, c.length, true)
    else this.line(b, start, end, true)
  }

  /**
   * Notes the first occurrence of each needle in b[r, e) (": [ID " from r - 2): one pass, stopping
   * only at ": " and at "<".
   */
  private scanLine(b: Uint8Array, r: number, e: number): void {
    const first = this.first
    for (let k = 0; k < first.length; k++) first[k] = -1
    const from = r >= 2 ? r - 2 : r
    // Every needle holds ": " or "=<": two bytes, one of them at an odd distance from `from`. So only
    // every other byte is looked at, and only one of ": =<" makes the loop stop there.
    for (let k = from + 1; k < e; k += 2) {
      if (TRIGGER[b[k]!] === 0) continue
      const c = b[k]!
      if (c === 32) {
        if (b[k - 1] === 58) this.colonAt(b, r, e, k - 1)
      } else if (c === 58) {
        if (k + 1 < e && b[k + 1] === 32) this.colonAt(b, r, e, k)
      } else if (c === 61) {
        if (k + 1 < e && b[k + 1] === 60) this.ltAt(b, r, k + 1)
      } else if (b[k - 1] === 61) this.ltAt(b, r, k)
    }
    // the first byte: a pair starting at `from` is seen from `from + 1`; one ending there is outside
  }

  /** ": " at i: which needle, if any, starts there. */
  private colonAt(b: Uint8Array, r: number, e: number, i: number): void {
    let k: N
    switch (b[i + 2]) {
      case 91: k = N.SolarisId; break
      case 99: k = N.Client; break
      case 114: k = b[i + 8] === 95 ? N.RejectWarning : N.Reject; break
      case 104: k = b[i + 3] === 111 ? N.Hold : N.Header; break
      case 100: k = N.Discard; break
      case 98: k = N.Body; break
      case 69: k = N.Eom; break
      case 115: k = N.Sender; break
      case 117: k = N.Uid; break
      default: return
    }
    if (this.first[k]! < 0 && (i >= r || k === N.SolarisId) && has(b, e, i, NEEDLES[k]!)) this.first[k] = i
  }

  /** "=<" ends at i: from=< or to=<? */
  private ltAt(b: Uint8Array, r: number, i: number): void {
    if (b[i - 2] === 109) {
      if (this.first[N.From]! < 0 && i - 5 >= r && b[i - 5] === 102 && b[i - 4] === 114 && b[i - 3] === 111) this.first[N.From] = i - 5
    } else if (b[i - 2] === 111 && this.first[N.To]! < 0 && i - 3 >= r && b[i - 3] === 116) this.first[N.To] = i - 3
  }

  /** One log line (without its newline) as a string. */
  addLine(line: string): void {
    const n = this.encode(line)
    this.addBytes(this.scratch, 0, n)
  }

  /** The text after timestamp and host (`postfix/smtpd[123]: …`), e.g. rebuilt from a journald record. */
  addTagged(rest: string): void {
    const n = this.encode(rest)
    this.scanLine(this.scratch, 0, n)
    this.tagged(this.scratch, 0, n)
  }

  /** Lines from a journald record: `SYSLOG_IDENTIFIER[_PID]: MESSAGE`. */
  addJournal(program: string, pid: number | null, message: string): void {
    this.lines++
    this.addTagged(pid === null ? `${program}: ${message}` : `${program}[${pid}]: ${message}`)
  }

  /** s into this.scratch (ASCII as is, anything else as UTF-8, so one text always gives the same bytes); its length. */
  private encode(s: string): number {
    const n = s.length
    if (this.scratch.length < n * 3) this.scratch = new Uint8Array(Math.max(n * 3, this.scratch.length * 2))
    const out = this.scratch
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c > 127) return utf8.encodeInto(s, out).written
      out[i] = c
    }
    return n
  }

  /** First index >= from (from >= the tagged text's start) of NEEDLES[k] inside the line b[.., e), or -1. */
  private search(k: N, b: Uint8Array, e: number, from: number): number {
    const p = this.first[k]!
    if (p < 0 || p >= from) return p
    return find(b, e, from, NEEDLES[k]!)
  }

  /** The tagged text is b[r, e). */
  private tagged(b: Uint8Array, r: number, e: number): void {
    if (!this.matchCommand(b, r, e)) return
    this.postfixLines++
    const cmd = this.cmd
    const word = qidWordOf(b, this.qidStart, this.qidEnd)
    let sub: RejectType | null
    if (cmd === Cmd.Cleanup && (sub = this.cleanupAction(b, r, e)) !== null) {
      this.countReject(sub)
    } else if (word === QidWord.Problem) {
      // problem reports only
    } else if (word !== QidWord.None) {
      this.countReject(QID_REJECT[word]!)
    } else if (cmd === Cmd.Master) {
      // master daemon messages only
    } else if (cmd === Cmd.Smtpd || cmd === Cmd.Postscreen) {
      if (this.smtpdClient(b, r, e)) {
        this.received++
        this.setWhence(this.qidOf(b), gimmeDomain(this.decode(b, this.clientStart, this.clientEnd)))
      } else {
        const t = this.smtpdAction(b, r, e)
        if (t !== null) this.countReject(t)
      }
    } else if (!this.fromSize(b, r, e) && !this.toLine(b, r, e)) {
      if (cmd === Cmd.Pickup && (this.first[N.Sender]! >= 0 || this.first[N.Uid]! >= 0)) {
        this.received++
        this.setWhence(this.qidOf(b), 'pickup')
      }
    }
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

  /** The state id of the queue id token b[qidStart, qidEnd) (created when `create`), or -1. */
  private qidOf(b: Uint8Array, create = true): number {
    return this.qids.id(b, this.qidStart, this.qidEnd, create)
  }

  private setWhence(id: number, whence: string | undefined): void {
    if (this.log !== null) this.log.add(QidEvent.Whence, id, whence, 0)
    else this.qids.whence[id] = whence
  }

  /** A from=<addr>, size= line of queue id `id` (zero: the size string is "0"). */
  private applyFromSize(id: number, addr: string, size: number, zero: boolean): void {
    const q = this.qids
    if ((q.flags[id]! & SIZE_TRUE) !== 0) return // avoid double-counting
    q.size[id] = size
    if (zero) q.flags[id]! &= ~SIZE_TRUE
    else q.flags[id]! |= SIZE_TRUE
    const whence = q.whence[id]
    if (perlTrue(whence)) {
      const at = addr.indexOf('@')
      const dom = at >= 1 && at + 1 < addr.length ? addr.slice(at + 1) : whence === 'pickup' ? addr : whence
      this.sendingDomains.add(dom)
      this.senders.add(addr)
      this.bytesReceived += size
      q.whence[id] = undefined
    }
  }

  /** A status=sent line of queue id `id` (-1: a queue id never seen). */
  private applySent(id: number): void {
    if (id >= 0 && (this.qids.flags[id]! & SIZE_TRUE) !== 0) this.bytesDelivered += this.qids.size[id]!
  }

  private applyDeferred(id: number): void {
    if ((this.qids.flags[id]! & DEFERRED) === 0) {
      this.qids.flags[id]! |= DEFERRED
      this.deferred++
    }
  }

  /** A tail counter's part (PflogsummOptions.tail), for the counter of the lines just before it. */
  exportTail(): PflogsummTail {
    if (this.log === null) throw new Error('exportTail: not a tail counter')
    const q = this.qids
    return {
      counts: [this.received, this.delivered, this.forwarded, this.deferred, this.deferrals, this.bounced, this.rejected, this.warned, this.held, this.discarded, this.bytesReceived, this.bytesDelivered, this.lines, this.postfixLines],
      senders: [...this.senders],
      sendingDomains: [...this.sendingDomains],
      recipients: [...this.recipients],
      recipientDomains: [...this.recipientDomains],
      ...q.keysOut(),
      ...this.log.out(),
    }
  }

  /**
   * Counts the lines of `tail` (exported by a tail counter over the lines right after this counter's)
   * as if this counter had read them: its counts are added, its sets joined, and its queue id events
   * replayed in order against this counter's per-qid state.
   */
  mergeTail(tail: PflogsummTail): void {
    if (this.log !== null) throw new Error('mergeTail: a tail counter cannot take another part')
    const c = tail.counts
    this.received += c[0]!
    this.delivered += c[1]!
    this.forwarded += c[2]!
    this.deferred += c[3]!
    this.deferrals += c[4]!
    this.bounced += c[5]!
    this.rejected += c[6]!
    this.warned += c[7]!
    this.held += c[8]!
    this.discarded += c[9]!
    this.bytesReceived += c[10]!
    this.bytesDelivered += c[11]!
    this.lines += c[12]!
    this.postfixLines += c[13]!
    for (const v of tail.senders) this.senders.add(v)
    for (const v of tail.sendingDomains) this.sendingDomains.add(v)
    for (const v of tail.recipients) this.recipients.add(v)
    for (const v of tail.recipientDomains) this.recipientDomains.add(v)
    const local = new Int32Array(tail.keyLen.length).fill(-1)
    const { ops, strs, nums, keys, keyOff, keyLen } = tail
    let si = 0
    let ni = 0
    for (let i = 0; i < ops.length; i += 2) {
      const ev = ops[i]! as QidEvent
      const l = ops[i + 1]!
      let id = local[l]!
      if (id < 0) {
        // a status=sent line looks a queue id up without creating it
        id = this.qids.id(keys, keyOff[l]!, keyOff[l]! + keyLen[l]!, ev !== QidEvent.Sent)
        local[l] = id
      }
      switch (ev) {
        case QidEvent.Whence:
          this.qids.whence[id] = strs[si++]
          break
        case QidEvent.FromSize:
        case QidEvent.FromSizeZero:
          this.applyFromSize(id, strs[si++]!, nums[ni++]!, ev === QidEvent.FromSizeZero)
          break
        case QidEvent.Sent:
          this.applySent(id)
          break
        case QidEvent.Deferred:
          this.applyDeferred(id)
          break
      }
    }
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
   * on b[r, e); sets cmd, qidStart and qidEnd.
   */
  private matchCommand(b: Uint8Array, r: number, e: number): boolean {
    // the first byte of every line is tested: most lines that are not postfix's stop here
    if (this.onlyPostfix && at(b, e, r) !== 112) return false
    for (let pi = 0; pi < this.prefixes.length; pi++) {
      const prefix = this.prefixes[pi]!
      if (!has(b, e, r, prefix)) continue
      const p = r + prefix.length
      if (at(b, e, p) !== 47) continue
      let start = p + 1
      // `/smtps/` and `/submission/` are looked at only when an `s` follows the slash
      if (b[start] === 115) {
        if (has(b, e, p, W.smtps)) start = p + 7
        else if (has(b, e, p, W.submission)) start = p + 12
      }
      let k = start
      while (k < e) {
        const c = b[k]!
        if (c === 91 || c === 58) break
        k++
      }
      const q = firstToken(b, e, k)
      if (q >= 0) {
        this.cmd = commandOf(b, start, k)
        this.qidStart = q
        this.qidEnd = tokenEnd(b, e, q)
        return true
      }
    }
    if (has(b, e, r, W.postfix)) {
      let k = has(b, e, r + 7, W.script) ? r + 14 : r + 7
      const cmdEnd = k
      if (at(b, e, k) === 91) {
        let d = k + 1
        while (d < e && isDigit(b[d]!)) d++
        if (d === k + 1 || at(b, e, d) !== 93) return false
        k = d + 1
      }
      if (at(b, e, k) === 58 && at(b, e, k + 1) === 32 && isTokenByte(b, e, k + 2)) {
        this.cmd = commandOf(b, r, cmdEnd) // 'postfix' or 'postfix-script': none of the tested names
        this.qidStart = k + 2
        this.qidEnd = tokenEnd(b, e, k + 2)
        return true
      }
    }
    return false
  }

  /** /\[\d+\]: \w+: client=(.+?)(,|$)/ -> sets clientStart/clientEnd; true when it matched. */
  private smtpdClient(b: Uint8Array, r: number, e: number): boolean {
    let i = this.search(N.Client, b, e, r)
    while (i >= 0) {
      let w = i
      while (w > r && isWord(b[w - 1]!)) w--
      if (w < i && afterBracketedDigits(b, r, w) && i + 9 < e) {
        const c = i + 9
        const comma = findByte(b, e, c + 1, 44)
        this.clientStart = c
        this.clientEnd = comma < 0 ? e : comma
        return true
      }
      i = this.search(N.Client, b, e, i + 1)
    }
    return false
  }

  /** /from=<([^>]*)>, size=(\d+)/ and its sender bookkeeping; true when it matched. */
  private fromSize(b: Uint8Array, r: number, e: number): boolean {
    let i = this.search(N.From, b, e, r)
    while (i >= 0) {
      const g = findByte(b, e, i + 6, 62)
      if (g < 0) return false
      if (has(b, e, g + 1, W.commaSize) && isDigit(at(b, e, g + 8))) {
        let k = g + 9
        while (k < e && isDigit(b[k]!)) k++
        const id = this.qidOf(b)
        if (this.log === null && (this.qids.flags[id]! & SIZE_TRUE) !== 0) return true // avoid double-counting
        let addr = this.decode(b, i + 6, g)
        addr = addr === '' ? 'from=<>' : lowerFromAt(addr)
        const size = digitsValue(b, g + 8, k, this.decode)
        const zero = k === g + 9 && b[g + 8] === 48
        if (this.log !== null) this.log.add(zero ? QidEvent.FromSizeZero : QidEvent.FromSize, id, addr, size)
        else this.applyFromSize(id, addr, size, zero)
        return true
      }
      i = this.search(N.From, b, e, g + 1)
    }
    return false
  }

  /**
   * /to=<([^>]*)>, (?:orig_to=<[^>]*>, )?relay=([^,]+), (?:conn_use=[^,]+, )?delay=([^,]+),
   *  (?:delays=[^,]+, )?(?:dsn=[^,]+, )?status=(\S+)(.*)$/ and its counting; true when it matched.
   */
  private toLine(b: Uint8Array, r: number, e: number): boolean {
    let i = this.search(N.To, b, e, r)
    if (i < 0) return false
    const commas = this.commas.reset(b, e)
    while (i >= 0) {
      const g = findByte(b, e, i + 4, 62)
      if (g < 0) return false
      const st = statusAfterAddress(b, e, g + 1, commas)
      if (st >= 0) {
        let k = st
        while (k < e && !isSpace(b[k]!)) k++
        this.countDelivery(b, e, i + 4, g, st, k)
        return true
      }
      i = this.search(N.To, b, e, g + 1)
    }
    return false
  }

  /** The to= line's address is b[a, g), its status b[st, se); the line ends at e. */
  private countDelivery(b: Uint8Array, e: number, a: number, g: number, st: number, se: number): void {
    const len = se - st
    if (len === 4 && has(b, se, st, W.sent)) {
      if (find(b, e, se, W.forwardedAs) >= 0) {
        this.forwarded++
        return
      }
      const addr = lowerFromAt(this.decode(b, a, g))
      const at = addr.indexOf('@')
      this.recipientDomains.add(at >= 1 ? addr.slice(at + 1) : addr)
      this.recipients.add(addr)
      this.delivered++
      if (this.log !== null) this.log.add(QidEvent.Sent, this.qidOf(b), undefined, 0)
      else this.applySent(this.qidOf(b, false))
    } else if (len === 8 && has(b, se, st, W.deferred)) {
      this.deferrals++
      if (this.log !== null) this.log.add(QidEvent.Deferred, this.qidOf(b), undefined, 0)
      else this.applyDeferred(this.qidOf(b))
    } else if (len === 7 && has(b, se, st, W.bounced)) {
      this.bounced++
    }
  }

  /**
   * /\/cleanup\[\d+\]: .*?\b((?:milter-)?reject|warning|hold|discard): (header|body|END-OF-MESSAGE) (.*)$/
   * on b[r, e) -> the action, or null. The leftmost ": STAGE " after the tag whose word before is an action wins.
   */
  private cleanupAction(b: Uint8Array, r: number, e: number): RejectType | null {
    let start = -1
    let i = find(b, e, r, W.cleanupBracket)
    while (i >= 0) {
      let k = i + 9
      while (isDigit(at(b, e, k))) k++
      if (k > i + 9 && at(b, e, k) === 93 && at(b, e, k + 1) === 58 && at(b, e, k + 2) === 32) {
        start = k + 3
        break
      }
      i = find(b, e, i + 1, W.cleanupBracket)
    }
    if (start < 0) return null
    let best = -1
    let action: RejectType | null = null
    for (const k of CLEANUP_STAGES) {
      let c = this.search(k, b, e, start)
      while (c >= 0 && (best < 0 || c < best)) {
        const t = cleanupWordBefore(b, c, start, r)
        if (t !== null) {
          best = c
          action = t
          break
        }
        c = this.search(k, b, e, c + 1)
      }
    }
    return action
  }

  /** /\[\d+\]: \w+: (reject(?:_warning)?|hold|discard): / on b[r, e) -> the action, or null (the leftmost match wins). */
  private smtpdAction(b: Uint8Array, r: number, e: number): RejectType | null {
    let best = -1
    let action: RejectType | null = null
    for (const [k, type] of SMTPD_ACTIONS) {
      let c = this.search(k, b, e, r)
      while (c >= 0 && (best < 0 || c < best)) {
        // `\w+` right before the ": ACTION: ", and `[\d+]: ` right before that
        let w = c
        while (w > r && isWord(b[w - 1]!)) w--
        if (w < c && afterBracketedDigits(b, r, w)) {
          best = c
          action = type
          break
        }
        c = this.search(k, b, e, c + 1)
      }
    }
    return action
  }
}

/** The action word ending at c (where ": STAGE " starts), as cleanupAction's regex reads it, or null. */
function cleanupWordBefore(b: Uint8Array, c: number, start: number, r: number): RejectType | null {
  if (wordEndsAt(b, W.reject, c, start, r) || wordEndsAt(b, W.milterReject, c, start, r)) return 'reject'
  if (wordEndsAt(b, W.warning, c, start, r)) return 'reject_warning'
  if (wordEndsAt(b, W.hold, c, start, r)) return 'hold'
  if (wordEndsAt(b, W.discard, c, start, r)) return 'discard'
  return null
}

/** A tail counter's queue id events, in order (see PflogsummTail). */
class QidEventLog {
  private ops = new Int32Array(1 << 12)
  private n = 0
  private readonly strs: (string | undefined)[] = []
  private nums = new Float64Array(1 << 10)
  private m = 0

  /** str: the whence or sender address (Whence, FromSize*); num: the size (FromSize*) */
  add(ev: QidEvent, id: number, str: string | undefined, num: number): void {
    if (this.n + 2 > this.ops.length) this.ops = grown(this.ops, new Int32Array(this.ops.length * 2))
    this.ops[this.n++] = ev
    this.ops[this.n++] = id
    if (ev === QidEvent.Whence || ev === QidEvent.FromSize || ev === QidEvent.FromSizeZero) this.strs.push(str)
    if (ev === QidEvent.FromSize || ev === QidEvent.FromSizeZero) {
      if (this.m === this.nums.length) this.nums = grown(this.nums, new Float64Array(this.nums.length * 2))
      this.nums[this.m++] = num
    }
  }

  out(): { ops: Int32Array; strs: (string | undefined)[]; nums: Float64Array } {
    return { ops: this.ops.slice(0, this.n), strs: this.strs, nums: this.nums.slice(0, this.m) }
  }
}

/** QidTable flags: the size string is Perl-true (not "0"); the message was deferred. */
const SIZE_TRUE = 1
const DEFERRED = 2

/**
 * Queue id -> a dense state id, and the states in parallel arrays (%msgSizes, %rcvdMsg, %msgDfrdFlgs).
 * Keyed by the token's bytes themselves (kept in one arena) in an open-addressing table: no string
 * is made or hashed per line, and nothing is allocated per queue id but its bytes.
 */
class QidTable {
  private slots = new Int32Array(1 << 16) // state id + 1; 0: empty
  private mask = (1 << 16) - 1
  private arena = new Uint8Array(1 << 20)
  private arenaUsed = 0
  private keyOff = new Int32Array(1 << 14)
  private keyLen = new Int32Array(1 << 14)
  private keyHash = new Int32Array(1 << 14)
  count = 0
  size = new Float64Array(1 << 14)
  flags = new Uint8Array(1 << 14)
  readonly whence: (string | undefined)[] = []

  /** The id of b[s, e) (created when `create`), or -1. */
  id(b: Uint8Array, s: number, e: number, create: boolean): number {
    let h = 0x811c9dc5
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
    h ^= h >>> 15
    const n = e - s
    const arena = this.arena
    let slot = h & this.mask
    for (;;) {
      const v = this.slots[slot]!
      if (v === 0) break
      const id = v - 1
      if (this.keyHash[id] === h && this.keyLen[id] === n) {
        const o = this.keyOff[id]!
        let k = 0
        while (k < n && arena[o + k] === b[s + k]) k++
        if (k === n) return id
      }
      slot = (slot + 1) & this.mask
    }
    if (!create) return -1
    const id = this.newId(b, s, e, h)
    this.slots[slot] = id + 1
    if (this.count * 2 > this.mask) this.grow()
    return id
  }

  private newId(b: Uint8Array, s: number, e: number, h: number): number {
    const id = this.count++
    if (id >= this.size.length) {
      const cap = this.size.length * 2
      this.size = grown(this.size, new Float64Array(cap))
      this.flags = grown(this.flags, new Uint8Array(cap))
      this.keyOff = grown(this.keyOff, new Int32Array(cap))
      this.keyLen = grown(this.keyLen, new Int32Array(cap))
      this.keyHash = grown(this.keyHash, new Int32Array(cap))
    }
    const n = e - s
    if (this.arenaUsed + n > this.arena.length) this.arena = grown(this.arena, new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + n)))
    this.arena.set(b.subarray(s, e), this.arenaUsed)
    this.keyOff[id] = this.arenaUsed
    this.keyLen[id] = n
    this.keyHash[id] = h
    this.arenaUsed += n
    this.size[id] = -1
    this.flags[id] = 0
    this.whence.push(undefined)
    return id
  }

  /** The keys by id (for PflogsummTail). */
  keysOut(): { keys: Uint8Array; keyOff: Int32Array; keyLen: Int32Array } {
    return { keys: this.arena.slice(0, this.arenaUsed), keyOff: this.keyOff.slice(0, this.count), keyLen: this.keyLen.slice(0, this.count) }
  }

  private grow(): void {
    const cap = this.slots.length * 2
    this.slots = new Int32Array(cap)
    this.mask = cap - 1
    for (let id = 0; id < this.count; id++) {
      let slot = this.keyHash[id]! & this.mask
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask
      this.slots[slot] = id + 1
    }
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from)
  return to
}

/** Start of the status word after `to=<…>` ended at p, or -1 (the fixed sequence of the to= regex). */
function statusAfterAddress(b: Uint8Array, e: number, p: number, commas: CommaIndex): number {
  if (at(b, e, p) !== 44 || at(b, e, p + 1) !== 32) return -1
  p += 2
  if (has(b, e, p, W.origTo)) {
    const g = findByte(b, e, p + 9, 62)
    if (g < 0 || at(b, e, g + 1) !== 44 || at(b, e, g + 2) !== 32) return -1
    p = g + 3
  }
  if (!has(b, e, p, W.relay)) return -1
  p = commas.valueEnd(p + 6)
  if (p < 0) return -1
  if (has(b, e, p, W.connUse)) {
    p = commas.valueEnd(p + 9)
    if (p < 0) return -1
  }
  if (!has(b, e, p, W.delay)) return -1
  p = commas.valueEnd(p + 6)
  if (p < 0) return -1
  if (has(b, e, p, W.delays)) {
    p = commas.valueEnd(p + 7)
    if (p < 0) return -1
  }
  if (has(b, e, p, W.dsn)) {
    p = commas.valueEnd(p + 4)
    if (p < 0) return -1
  }
  if (!has(b, e, p, W.status)) return -1
  p += 7
  return p < e && !isSpace(b[p]!) ? p : -1
}

/**
 * `[^,]+, ` from p: index after the ", ", or -1. Remembers the next comma, so that the attempts at
 * successive `to=<` of one line (left to right) scan the line once in all.
 */
class CommaIndex {
  private at = -1
  private b: Uint8Array = new Uint8Array(0)
  private e = 0

  /** Start over on another line. */
  reset(b: Uint8Array, e: number): this {
    this.b = b
    this.e = e
    this.at = -1
    return this
  }

  valueEnd(p: number): number {
    if (this.at < p) this.at = findByte(this.b, this.e, p, 44)
    const c = this.at
    if (c < 0) this.at = this.e // none left: later look-ups fail at once
    if (c <= p || at(this.b, this.e, c + 1) !== 32) return -1
    return c + 2
  }
}

/** `.*?: ([^:\s]+)` from p: start of the first token after ": ", or -1. */
function firstToken(b: Uint8Array, e: number, p: number): number {
  let j = find2(b, e, p, 58, 32)
  while (j >= 0) {
    if (isTokenByte(b, e, j + 2)) return j + 2
    j = find2(b, e, j + 1, 58, 32)
  }
  return -1
}

function isTokenByte(b: Uint8Array, e: number, i: number): boolean {
  if (i >= e) return false
  const c = b[i]!
  return c !== 58 && !isSpace(c)
}

function tokenEnd(b: Uint8Array, e: number, i: number): number {
  let k = i
  while (k < e) {
    const c = b[k]!
    if (c === 58 || isSpace(c)) break
    k++
  }
  return k
}

/** `^(...) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ (.+)$` on b[s, e): index of the rest, or -1. */
function traditionalRest(b: Uint8Array, s: number, e: number): number {
  if (e - s < 4 || b[s + 3] !== 32) return -1
  let p = at(b, e, s + 4) === 32 ? s + 5 : s + 4
  if (!isDigit(at(b, e, p))) return -1
  if (isDigit(at(b, e, p + 1)) && at(b, e, p + 2) === 32) p += 3
  else if (at(b, e, p + 1) === 32) p += 2
  else return -1
  if (!clockAt(b, e, p) || at(b, e, p + 8) !== 32) return -1
  return hostThenRest(b, e, p + 9)
}

/** `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[\+\-]\d{2}:\d{2}|Z) \S+ (.+)$` on b[s, e): index of the rest, or -1. */
function rfc3339Rest(b: Uint8Array, s: number, e: number): number {
  if (!(digitsAt(b, e, s, 4) && at(b, e, s + 4) === 45 && digitsAt(b, e, s + 5, 2) && at(b, e, s + 7) === 45 && digitsAt(b, e, s + 8, 2))) return -1
  if (at(b, e, s + 10) !== 84 || !clockAt(b, e, s + 11)) return -1
  let p = s + 19
  if (at(b, e, p) === 46 && isDigit(at(b, e, p + 1))) {
    p += 2
    while (isDigit(at(b, e, p))) p++
  }
  const z = at(b, e, p)
  if (z === 90) p++
  else if ((z === 43 || z === 45) && digitsAt(b, e, p + 1, 2) && at(b, e, p + 3) === 58 && digitsAt(b, e, p + 4, 2)) p += 6
  else return -1
  if (at(b, e, p) !== 32) return -1
  return hostThenRest(b, e, p + 1)
}

/** `\S+ (.+)$` at p. */
function hostThenRest(b: Uint8Array, e: number, p: number): number {
  let k = p
  while (k < e && !isSpace(b[k]!)) k++
  if (k === p || at(b, e, k) !== 32 || k + 1 >= e) return -1
  return k + 1
}

function digitsAt(b: Uint8Array, e: number, i: number, count: number): boolean {
  if (i + count > e) return false
  for (let k = i; k < i + count; k++) if (!isDigit(b[k]!)) return false
  return true
}

function clockAt(b: Uint8Array, e: number, i: number): boolean {
  return digitsAt(b, e, i, 2) && at(b, e, i + 2) === 58 && digitsAt(b, e, i + 3, 2) && at(b, e, i + 5) === 58 && digitsAt(b, e, i + 6, 2)
}

/** `s/: \[ID \d+ [^\]]+\] /: /` (Solaris syslog message ids), first match only, on b[s, e): a stripped copy, or null. */
function stripSolarisId(b: Uint8Array, s: number, e: number): Uint8Array | null {
  let i = find(b, e, s, W.solarisId)
  while (i >= 0) {
    let k = i + 6
    const d0 = k
    while (isDigit(at(b, e, k))) k++
    if (k > d0 && at(b, e, k) === 32 && at(b, e, k + 1) !== 93) {
      const rb = findByte(b, e, k + 1, 93)
      if (rb < 0) return null
      if (at(b, e, rb + 1) === 32) {
        const out = new Uint8Array(i + 2 - s + e - (rb + 2))
        out.set(b.subarray(s, i + 2), 0)
        out.set(b.subarray(rb + 2, e), i + 2 - s)
        return out
      }
      i = find(b, e, rb, W.solarisId)
      continue
    }
    i = find(b, e, i + 1, W.solarisId)
  }
  return null
}

/** `\bWORD` ending at c, starting at or after min (the text starts at r). */
function wordEndsAt(b: Uint8Array, word: Uint8Array, c: number, min: number, r: number): boolean {
  const q = c - word.length
  return q >= min && has(b, c, q, word) && (q === r || !isWord(b[q - 1]!))
}

/** Is `[\d+]: ` right before w (the text starts at r)? */
function afterBracketedDigits(b: Uint8Array, r: number, w: number): boolean {
  if (w - r < 4 || b[w - 1] !== 32 || b[w - 2] !== 58 || b[w - 3] !== 93) return false
  let k = w - 3
  while (k > r && isDigit(b[k - 1]!)) k--
  return k < w - 3 && k >= r + 1 && b[k - 1] === 91
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
