// One `journalctl -o json` object (a line of its output) as a LogLine shell; the message is parsed
// by the caller with the program's grammar.

import type { LogLine } from './types'

const decoder = typeof TextDecoder === 'undefined' ? null : new TextDecoder('utf-8', { fatal: false })

/** A journald field value: a string, an array of bytes (non-UTF-8 or binary data), null (too large). */
export function journalText(v: unknown): string | null {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (Array.isArray(v)) {
    const bytes = new Uint8Array(v.length)
    for (let i = 0; i < v.length; i++) {
      const b = v[i]
      bytes[i] = typeof b === 'number' ? b & 255 : 63
    }
    if (decoder !== null) return decoder.decode(bytes)
    let out = ''
    for (const b of bytes) out += String.fromCharCode(b)
    return out
  }
  return null
}

/** The LogLine of a journald JSON object, or null when the text is not one. */
export function readJournalRecord(raw: string, s: string, truncated: boolean): LogLine | null {
  let o: unknown
  try {
    o = JSON.parse(s)
  } catch {
    return null
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null
  const r = o as Record<string, unknown>
  if (!('MESSAGE' in r) && !('__REALTIME_TIMESTAMP' in r)) return null
  const usec = journalText(r.__REALTIME_TIMESTAMP)
  const time = usec !== null && /^\d+$/.test(usec) ? Number(usec) / 1000 : null
  const pidText = journalText(r._PID) ?? journalText(r.SYSLOG_PID)
  const pid = pidText !== null && /^\d+$/.test(pidText) ? Number(pidText) : null
  const program = journalText(r.SYSLOG_IDENTIFIER) ?? journalText(r._COMM)
  return {
    raw,
    format: 'journal',
    time,
    host: journalText(r._HOSTNAME),
    program,
    pid,
    queueId: null,
    kind: 'info',
    severity: 'info',
    message: journalText(r.MESSAGE) ?? '',
    fields: {},
    truncated,
  }
}
