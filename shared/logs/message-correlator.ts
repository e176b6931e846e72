// Queue id -> message timeline, fed one parsed line at a time, with bounded memory: a finished
// message (removed, rejected, discarded) moves to a bounded set of recent ones, open messages beyond
// the limit are evicted in the order they were opened, and open messages silent for longer than the
// age limit are swept out every few thousand lines.

import type { LineKind, LogLine } from './types'

export interface RecipientState {
  to: string
  origTo: string | null
  relay: string | null
  delay: number | null
  delays: string | null
  dsn: string | null
  /** sent, deferred, bounced, expired, rejected, or the status word Postfix wrote */
  status: string
  statusText: string | null
  time: number | null
  attempts: number
}

/** One line of the message's history (the line itself stays with the caller: find it by queue id). */
export interface TimelineEvent {
  time: number | null
  kind: LineKind
  program: string | null
}

export interface MessageTimeline {
  queueId: string
  firstTime: number | null
  lastTime: number | null
  clientHost: string | null
  clientIp: string | null
  saslMethod: string | null
  saslUsername: string | null
  messageId: string | null
  from: string | null
  size: number | null
  nrcpt: number | null
  recipients: RecipientState[]
  /**
   * The message's history, three slots per line (time, kind, program), flat: one array per message
   * instead of an object per line, the time as ms after firstTime (a small integer, not a heap number;
   * null when the line had none). Read it with timelineEvents().
   */
  events: (number | string | null)[]
  /** the time events[] counts from */
  eventsFrom: number
  /** events not kept because the message had more than the per-message limit */
  droppedEvents: number
  removed: boolean
  expired: boolean
  rejected: boolean
  held: boolean
  discarded: boolean
  /** queue id of the copy a later hop (content filter, forward) queued */
  nextQueueId: string | null
  /** queue id of the bounce/delay notification Postfix sent about this message */
  notificationQueueId: string | null
}

export interface CorrelatorOptions {
  /** open messages kept at most (default 50,000) */
  maxOpen?: number
  /** finished messages kept for look-up (default 10,000) */
  maxFinished?: number
  /** an open message silent for longer than this is evicted (default 6 days: past Postfix's 5-day queue lifetime) */
  maxOpenAgeMs?: number
  /** events kept per message (default 200) */
  maxEvents?: number
  /** recipients kept per message (default 10,000) */
  maxRecipients?: number
  onFinished?: (m: MessageTimeline) => void
  onEvicted?: (m: MessageTimeline) => void
}

const FINAL = new Set(['sent', 'bounced', 'expired', 'rejected'])

export class MessageCorrelator {
  private readonly open = new Map<string, MessageTimeline>()
  private readonly finished = new Map<string, MessageTimeline>()
  /** finished timelines in the order they finished (a ring of maxFinished slots) */
  private readonly finishedRing: Array<MessageTimeline | undefined>
  private ringNext = 0
  /** open timelines in the order they were opened (stale entries skipped when evicting) */
  private openOrder: MessageTimeline[] = []
  private openHead = 0
  private readonly maxOpen: number
  private readonly maxFinished: number
  private readonly maxAge: number
  private readonly maxEvents: number
  private readonly maxRecipients: number
  private latest = -Infinity
  private pushes = 0
  evicted = 0

  constructor(private readonly opts: CorrelatorOptions = {}) {
    this.maxOpen = opts.maxOpen ?? 50_000
    this.maxFinished = opts.maxFinished ?? 10_000
    this.maxAge = opts.maxOpenAgeMs ?? 6 * 86_400_000
    this.maxEvents = opts.maxEvents ?? 200
    this.maxRecipients = opts.maxRecipients ?? 10_000
    this.finishedRing = new Array<MessageTimeline | undefined>(this.maxFinished)
  }

  /** Add a parsed line; returns the timeline it touched (or null for lines without a queue id). */
  push(line: LogLine): MessageTimeline | null {
    const qid = line.queueId
    if (qid === null || qid === 'NOQUEUE') return null
    if (line.time !== null && line.time > this.latest) this.latest = line.time
    let m = this.open.get(qid)
    if (m === undefined) {
      const done = this.finished.get(qid)
      // a late line about a finished message (a DSN, a postsuper) still belongs to it, unless a new one starts
      if (done !== undefined && line.kind !== 'received' && line.kind !== 'message_id') {
        this.apply(done, line)
        return done
      }
      m = newTimeline(own(qid), line.time)
      this.open.set(qid, m)
      this.openOrder.push(m)
      if (this.open.size > this.maxOpen) this.evictOldest()
    }
    this.apply(m, line)
    if ((m.removed || m.rejected || m.discarded) && this.open.get(qid) === m) this.finish(m)
    if ((++this.pushes & 4095) === 0) this.evictStale()
    return m
  }

  get(queueId: string): MessageTimeline | undefined {
    return this.open.get(queueId) ?? this.finished.get(queueId)
  }

  get openCount(): number {
    return this.open.size
  }

  get finishedCount(): number {
    return this.finished.size
  }

  /** All timelines kept, open ones first. */
  *timelines(): IterableIterator<MessageTimeline> {
    yield* this.open.values()
    yield* this.finished.values()
  }

  private apply(m: MessageTimeline, line: LogLine): void {
    const f = line.fields
    if (line.time !== null) {
      if (m.firstTime === null || line.time < m.firstTime) m.firstTime = line.time
      if (m.lastTime === null || line.time > m.lastTime) m.lastTime = line.time
    }
    if (m.events.length < this.maxEvents * 3) m.events.push(line.time === null ? null : line.time - m.eventsFrom, line.kind, line.program)
    else m.droppedEvents++
    switch (line.kind) {
      case 'received':
        if (f.clientHost !== undefined) m.clientHost = own(f.clientHost)
        if (f.clientIp !== undefined) m.clientIp = own(f.clientIp)
        if (f.saslMethod !== undefined) m.saslMethod = own(f.saslMethod)
        if (f.saslUsername !== undefined) m.saslUsername = own(f.saslUsername)
        if (f.from !== undefined && m.from === null) m.from = own(f.from)
        break
      case 'message_id':
        if (f.messageId !== undefined) m.messageId = own(f.messageId)
        break
      case 'queued':
        if (f.from !== undefined) m.from = own(f.from)
        if (f.size !== undefined) m.size = f.size
        if (f.nrcpt !== undefined) m.nrcpt = f.nrcpt
        break
      case 'delivered': case 'deferred': case 'bounced': case 'probe':
        if (f.to !== undefined) this.recipient(m, line)
        if (f.forwardedAs !== undefined) m.nextQueueId = own(f.forwardedAs)
        else if (f.queuedAs !== undefined) m.nextQueueId = own(f.queuedAs)
        break
      case 'expired':
        m.expired = true
        if (f.from !== undefined && m.from === null) m.from = own(f.from)
        for (const r of m.recipients) if (!FINAL.has(r.status)) r.status = 'expired'
        break
      case 'removed':
        m.removed = true
        break
      case 'rejected':
        if (f.to !== undefined && f.stage === 'RCPT') this.recipient(m, line, 'rejected')
        else m.rejected = true
        break
      case 'held':
        m.held = true
        break
      case 'discarded':
        m.discarded = true
        break
      case 'notification':
        if (f.notificationQueueId !== undefined) m.notificationQueueId = own(f.notificationQueueId)
        break
      default:
        if (f.clientIp !== undefined && m.clientIp === null && line.kind === 'filtered') m.clientIp = own(f.clientIp)
    }
  }

  private recipient(m: MessageTimeline, line: LogLine, status?: string): void {
    const f = line.fields
    const to = f.to ?? ''
    let r = m.recipients.find((x) => x.to === to && (f.origTo === undefined || x.origTo === f.origTo))
    if (r === undefined) {
      if (m.recipients.length >= this.maxRecipients) return
      r = { to: own(to), origTo: f.origTo !== undefined ? own(f.origTo) : null, relay: null, delay: null, delays: null, dsn: null, status: '', statusText: null, time: null, attempts: 0 }
      m.recipients.push(r)
    }
    r.attempts++
    r.status = own(status ?? f.status ?? '')
    const text = f.statusText ?? f.reason
    r.statusText = text !== undefined ? own(text) : null
    if (f.relay !== undefined) r.relay = own(f.relay)
    r.delay = f.delay ?? r.delay
    if (f.delays !== undefined) r.delays = own(f.delays)
    const dsn = f.dsn ?? f.replyDsn
    if (dsn !== undefined) r.dsn = own(dsn)
    r.time = line.time
  }

  private finish(m: MessageTimeline): void {
    this.open.delete(m.queueId)
    // kept a while for look-ups: without the slack of arrays that grew line by line
    m.events = m.events.slice()
    if (this.maxFinished > 0 && this.finished.get(m.queueId) !== m) {
      const old = this.finishedRing[this.ringNext]
      if (old !== undefined && this.finished.get(old.queueId) === old) this.finished.delete(old.queueId)
      this.finishedRing[this.ringNext] = m
      this.ringNext = (this.ringNext + 1) % this.maxFinished
      this.finished.set(m.queueId, m)
    }
    this.opts.onFinished?.(m)
  }

  /** Over the limit: drop the open message that was opened first. */
  private evictOldest(): void {
    while (this.openHead < this.openOrder.length) {
      const m = this.openOrder[this.openHead++]!
      if (this.open.get(m.queueId) === m) {
        this.open.delete(m.queueId)
        this.evicted++
        this.opts.onEvicted?.(m)
        break
      }
    }
    this.compactOrder()
  }

  private compactOrder(): void {
    if (this.openHead > 1024 && this.openHead * 2 > this.openOrder.length) {
      this.openOrder = this.openOrder.slice(this.openHead).filter((m) => this.open.get(m.queueId) === m)
      this.openHead = 0
    }
  }

  /** Drop open messages not seen for longer than the age limit. */
  private evictStale(): void {
    const cutoff = this.latest - this.maxAge
    for (const m of this.open.values()) {
      if (m.lastTime === null || m.lastTime >= cutoff) continue
      this.open.delete(m.queueId)
      this.evicted++
      this.opts.onEvicted?.(m)
    }
    // the order list holds every opened message until it is compacted
    if (this.openOrder.length - this.openHead > 2 * this.open.size + 4096) {
      this.openOrder = this.openOrder.slice(this.openHead).filter((m) => this.open.get(m.queueId) === m)
      this.openHead = 0
    }
  }
}

/**
 * A copy of s that does not keep its line alive. The parser's fields are substrings of the line, and
 * a substring (of 13 chars or more) holds on to the whole line: a kept timeline would keep every line
 * it took a field from. Array#join builds a new flat string (shorter ones are copies already).
 */
function own(s: string): string {
  return s.length < 13 ? s : [s.slice(0, 1), s.slice(1)].join('')
}

/** A timeline's history as events. */
export function timelineEvents(m: MessageTimeline): TimelineEvent[] {
  const out: TimelineEvent[] = []
  for (let i = 0; i + 2 < m.events.length; i += 3) {
    const dt = m.events[i] as number | null
    out.push({ time: dt === null ? null : m.eventsFrom + dt, kind: m.events[i + 1] as LineKind, program: m.events[i + 2] as string | null })
  }
  return out
}

function newTimeline(queueId: string, time: number | null): MessageTimeline {
  return {
    queueId, firstTime: time, lastTime: time, clientHost: null, clientIp: null, saslMethod: null, saslUsername: null,
    messageId: null, from: null, size: null, nrcpt: null, recipients: [], events: [], eventsFrom: time ?? 0, droppedEvents: 0, removed: false,
    expired: false, rejected: false, held: false, discarded: false, nextQueueId: null, notificationQueueId: null,
  }
}
