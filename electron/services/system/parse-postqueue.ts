import { QueueName, type QueueCounts, type QueueMessage } from '../../../shared/domain/system'

/**
 * `postqueue -j` (Postfix >= 3.1): one JSON object per line. Lines that are not objects are skipped
 * (a warning from postqueue on stderr never reaches here, but be lenient with stray text).
 */
export function parseQueueJson(text: string): QueueMessage[] {
  const out: QueueMessage[] = []
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (!t.startsWith('{')) continue
    let o: Record<string, unknown>
    try {
      o = JSON.parse(t) as Record<string, unknown>
    } catch {
      continue
    }
    const queue = QueueName.safeParse(o['queue_name'])
    const recipients = Array.isArray(o['recipients']) ? (o['recipients'] as Record<string, unknown>[]) : []
    out.push({
      id: String(o['queue_id'] ?? ''),
      queue: queue.success ? queue.data : 'corrupt',
      arrival: new Date(Number(o['arrival_time'] ?? 0) * 1000).toISOString(),
      size: Number(o['message_size'] ?? 0),
      sender: String(o['sender'] ?? ''),
      recipients: recipients.map((r) => ({ address: String(r['address'] ?? ''), reason: typeof r['delay_reason'] === 'string' && r['delay_reason'] ? r['delay_reason'] : null })),
    })
  }
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
// ID + status (* active, ! hold, # corrupt in some versions), size, "Sat Nov 28 08:40:07", sender (may be empty).
const HEAD = /^([0-9A-Za-z]{5,20})([*!#]?)\s+(\d+)\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s*(.*)$/

export interface TextQueueOptions {
  /** The server's current time (for the year, which postqueue -p does not print). */
  now: Date
  /** The server's offset from UTC in minutes (`date +%z`), since the times are its local time. */
  utcOffsetMinutes: number
}

/**
 * The text of `postqueue -p` / `mailq`, in the layouts Postfix has printed: 2.x (reasons at column 0,
 * "-Queue ID- --Size--"), 3.x (reasons indented), long queue ids, reasons wrapped over lines.
 * A message without a status mark is deferred (postqueue -p does not show incoming/maildrop apart).
 */
export function parseQueueText(text: string, o: TextQueueOptions): QueueMessage[] {
  const out: QueueMessage[] = []
  let cur: QueueMessage | null = null
  let reason: string | null = null
  let openReason: string | null = null // a "(…" reason still waiting for its ")"
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (openReason !== null) {
      openReason += ' ' + line.trim()
      if (line.trimEnd().endsWith(')')) {
        reason = openReason.slice(1, -1)
        openReason = null
      }
      continue
    }
    if (!line.trim()) {
      cur = null
      reason = null
      continue
    }
    if (line.startsWith('-Queue ID-') || line.startsWith('-- ') || /^Mail queue is empty/.test(line)) continue
    const h = HEAD.exec(line)
    if (h) {
      const [, id, mark, size, mon, day, hh, mm, ss, sender] = h as unknown as string[]
      cur = {
        id: id!,
        queue: mark === '*' ? 'active' : mark === '!' ? 'hold' : mark === '#' ? 'corrupt' : 'deferred',
        arrival: arrivalOf(MONTHS.indexOf(mon!), Number(day), Number(hh), Number(mm), Number(ss), o),
        size: Number(size),
        sender: (sender ?? '').trim(),
        recipients: [],
      }
      reason = null
      out.push(cur)
      continue
    }
    if (!cur) continue
    const t = line.trim()
    if (t.startsWith('(')) {
      if (t.endsWith(')')) reason = t.slice(1, -1)
      else openReason = t
      continue
    }
    cur.recipients.push({ address: t, reason })
  }
  return out
}

function arrivalOf(month: number, day: number, h: number, m: number, s: number, o: TextQueueOptions): string {
  const nowLocal = new Date(o.now.getTime() + o.utcOffsetMinutes * 60_000)
  let year = nowLocal.getUTCFullYear()
  const at = (y: number) => Date.UTC(y, month, day, h, m, s) - o.utcOffsetMinutes * 60_000
  // No year in the output: the latest date that is not (more than a day) in the future.
  if (at(year) > o.now.getTime() + 86_400_000) year -= 1
  return new Date(at(year)).toISOString()
}

export function countQueue(messages: readonly QueueMessage[]): QueueCounts {
  const c: QueueCounts = { total: messages.length, active: 0, deferred: 0, hold: 0, other: 0 }
  for (const m of messages) {
    if (m.queue === 'active' || m.queue === 'deferred' || m.queue === 'hold') c[m.queue]++
    else c.other++
  }
  return c
}

/** Whether `postqueue -j` exists: Postfix 3.1 or later. */
export function hasQueueJson(postfixVersion: string | null | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(postfixVersion ?? '')
  if (!m) return false
  const major = Number(m[1])
  return major > 3 || (major === 3 && Number(m[2]) >= 1)
}
