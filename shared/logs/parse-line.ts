// One log line in, one LogLine out: header, then the program's own message grammar.
// Never throws; anything it cannot read comes back as kind 'unparsed' with the raw text.

import { isDovecotProgram, readDovecot } from './dovecot-message'
import { readJournalRecord } from './journal-record'
import { HeaderParser, type HeaderOptions, type LineHeader } from './line-header'
import { levelAt, postfixDaemonOf, readPostfix } from './postfix-message'
import type { MessageResult } from './postfix-reject'
import type { LogLine } from './types'

export type ParserOptions = HeaderOptions

/** Parses lines of one stream; keeps the little state a stream needs (the year reference, a stamp cache). */
export class MailLogParser {
  private readonly header: HeaderParser
  private readonly h: LineHeader = { format: 'none', time: null, host: null, program: null, pid: null, msgStart: 0 }

  constructor(opts: ParserOptions = {}) {
    this.header = new HeaderParser(opts)
  }

  /** Parse one line (without its newline). `truncated` marks a line the reader had to cut. */
  parse(raw: string, truncated = false): LogLine {
    let s = raw
    if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1)
    if (s.charCodeAt(0) === 123 /* { */) {
      const j = readJournalRecord(raw, s, truncated)
      if (j !== null) {
        if (j.program !== null) readMessage(j.program, j.message, j)
        return j
      }
    }
    const h = this.h
    this.header.parse(s, h)
    const line: LogLine = {
      raw,
      format: h.format,
      time: h.time,
      host: h.host,
      program: h.program,
      pid: h.pid,
      queueId: null,
      kind: 'info',
      severity: 'info',
      message: h.msgStart === 0 ? s : s.slice(h.msgStart),
      fields: {},
      truncated,
    }
    if (h.program === null) {
      if (h.format === 'none') line.kind = 'unparsed'
      return line
    }
    if (!truncated) readMessage(h.program, line.message, line)
    return line
  }
}

/** Fill queueId/kind/severity/fields of out from a program's message text. */
export function readMessage(program: string, message: string, out: MessageResult): void {
  try {
    const daemon = postfixDaemonOf(program)
    if (daemon !== null) readPostfix(daemon, message, out)
    else if (isDovecotProgram(program)) readDovecot(program, message, out)
    else {
      const level = levelAt(message, 0) ?? capitalisedLevel(message)
      if (level !== null) {
        out.severity = level
        out.kind = level === 'info' ? 'info' : level
      }
    }
  } catch {
    // a grammar bug must never stop the stream: keep the line, unclassified
    out.kind = 'unparsed'
    out.fields = {}
  }
}

function capitalisedLevel(m: string): LogLine['severity'] | null {
  if (m.startsWith('Warning: ') || m.startsWith('WARNING: ')) return 'warning'
  if (m.startsWith('Error: ') || m.startsWith('ERROR: ')) return 'error'
  if (m.startsWith('Fatal: ')) return 'fatal'
  if (m.startsWith('Panic: ')) return 'panic'
  return null
}

/** The fields of one program's message without a log header (e.g. `postfix/smtpd`, `connect from …`). */
export function parseMessage(program: string, message: string): MessageResult {
  const out: MessageResult = { queueId: null, kind: 'info', severity: 'info', fields: {} }
  readMessage(program, message, out)
  return out
}

/** Parse a single line with default options (a fresh parser: prefer MailLogParser for streams). */
export function parseLine(raw: string, opts: ParserOptions = {}): LogLine {
  return new MailLogParser(opts).parse(raw)
}
