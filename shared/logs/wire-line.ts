// Parsed lines on their way to the renderer (IPC events), sent once. A batch goes column by column:
// no property name per line, host and program names once per batch, and a line's message (but for
// journald records, the tail of its raw text) as its offset in raw instead of a second copy of the
// text; the renderer cuts it out again (a slice, no copy). Platform-free.

import type { LogFields, LogLine, LineKind, Severity, TimestampFormat } from './types'

/** One parsed line and its place in the stream (what the renderer keeps). */
export type StreamLine = LogLine & { seq: number }

/** A batch of StreamLines as sent (build with toWireBatch, read with fromWireBatch). */
export interface WireBatch {
  seq: number[]
  raw: string[]
  /** where the message starts in raw (it ends before a trailing CR, else at the end); -1: see `messages` */
  msgAt: number[]
  /** the messages that are not a part of raw (journald records), by line index */
  messages: Record<number, string>
  time: (number | null)[]
  /** indices into `names` (-1: null) */
  host: number[]
  program: number[]
  names: string[]
  pid: (number | null)[]
  queueId: (string | null)[]
  kind: LineKind[]
  severity: Severity[]
  format: TimestampFormat[]
  fields: LogFields[]
  /** indices of the lines the reader had to cut */
  truncated: number[]
}

/** Where the message ends in raw: before one trailing CR (the parser drops it), else at the end. */
function messageEnd(raw: string): number {
  return raw.charCodeAt(raw.length - 1) === 13 ? raw.length - 1 : raw.length
}

export function toWireBatch(lines: readonly StreamLine[]): WireBatch {
  const b: WireBatch = { seq: [], raw: [], msgAt: [], messages: {}, time: [], host: [], program: [], names: [], pid: [], queueId: [], kind: [], severity: [], format: [], fields: [], truncated: [] }
  const names = new Map<string, number>()
  const name = (s: string | null): number => {
    if (s === null) return -1
    let i = names.get(s)
    if (i === undefined) {
      i = b.names.push(s) - 1
      names.set(s, i)
    }
    return i
  }
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    const { raw, message } = l
    const at = messageEnd(raw) - message.length
    b.seq.push(l.seq)
    b.raw.push(raw)
    if (at >= 0 && raw.startsWith(message, at)) b.msgAt.push(at)
    else {
      b.msgAt.push(-1)
      b.messages[i] = message
    }
    b.time.push(l.time)
    b.host.push(name(l.host))
    b.program.push(name(l.program))
    b.pid.push(l.pid)
    b.queueId.push(l.queueId)
    b.kind.push(l.kind)
    b.severity.push(l.severity)
    b.format.push(l.format)
    b.fields.push(l.fields)
    if (l.truncated) b.truncated.push(i)
  }
  return b
}

/** The lines as the parser made them. */
export function fromWireBatch(b: WireBatch): StreamLine[] {
  const out: StreamLine[] = []
  const truncated = new Set(b.truncated)
  for (let i = 0; i < b.raw.length; i++) {
    const raw = b.raw[i]!
    const at = b.msgAt[i]!
    const h = b.host[i]!
    const p = b.program[i]!
    out.push({
      raw,
      format: b.format[i]!,
      time: b.time[i]!,
      host: h < 0 ? null : b.names[h]!,
      program: p < 0 ? null : b.names[p]!,
      pid: b.pid[i]!,
      queueId: b.queueId[i]!,
      kind: b.kind[i]!,
      severity: b.severity[i]!,
      message: at < 0 ? (b.messages[i] ?? '') : raw.slice(at, messageEnd(raw)),
      fields: b.fields[i]!,
      truncated: truncated.has(i),
      seq: b.seq[i]!,
    })
  }
  return out
}
