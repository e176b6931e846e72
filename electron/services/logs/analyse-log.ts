// The whole engine over one log: every line parsed, queue ids correlated into timelines, pflogsumm's
// totals counted. The live follower will push lines the same way as they arrive.

import { MessageCorrelator, type CorrelatorOptions } from '../../../shared/logs/message-correlator'
import { MailLogParser, type ParserOptions } from '../../../shared/logs/parse-line'
import { PflogsummCounter, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import type { LineKind, LogLine } from '../../../shared/logs/types'
import { latin1Slice, readFileByteLines, utf8Slice, type ReadLinesOptions } from './log-reader'

export interface LogAnalysis {
  lines: number
  truncatedLines: number
  kinds: Partial<Record<LineKind, number>>
  totals: PflogsummTotals
  openMessages: number
  finishedMessages: number
  evictedMessages: number
}

export interface AnalyseOptions {
  parser?: ParserOptions
  correlator?: CorrelatorOptions
  read?: ReadLinesOptions
  onLine?: (line: LogLine) => void
}

/** A push-based pipeline: feed raw lines, read the state at any time. */
export class LogAnalyser {
  readonly parser: MailLogParser
  readonly correlator: MessageCorrelator
  readonly counter = new PflogsummCounter()
  private readonly kinds = new Map<LineKind, number>()
  lines = 0
  truncatedLines = 0

  constructor(private readonly opts: AnalyseOptions = {}) {
    this.parser = new MailLogParser(opts.parser)
    this.correlator = new MessageCorrelator(opts.correlator)
  }

  push(raw: string, truncated = false): LogLine {
    return this.pushLine(raw, truncated, null, 0, 0)
  }

  /** A line as bytes [start, end) of b: the counter reads the bytes in place, the parser their text. */
  pushBytes(b: Uint8Array, start: number, end: number, truncated: boolean, decode: (b: Uint8Array, s: number, e: number) => string): LogLine {
    return this.pushLine(decode(b, start, end), truncated, b, start, end)
  }

  private pushLine(raw: string, truncated: boolean, b: Uint8Array | null, start: number, end: number): LogLine {
    this.lines++
    const line = this.parser.parse(raw, truncated)
    this.kinds.set(line.kind, (this.kinds.get(line.kind) ?? 0) + 1)
    if (truncated) this.truncatedLines++
    else {
      this.correlator.push(line)
      if (line.format === 'journal') {
        if (line.program !== null) this.counter.addJournal(line.program, line.pid, line.message)
      } else if (b !== null) this.counter.addBytes(b, start, end)
      else this.counter.addLine(raw)
    }
    this.opts.onLine?.(line)
    return line
  }

  result(): LogAnalysis {
    return {
      lines: this.lines,
      truncatedLines: this.truncatedLines,
      kinds: Object.fromEntries(this.kinds),
      totals: this.counter.totals(),
      openMessages: this.correlator.openCount,
      finishedMessages: this.correlator.finishedCount,
      evictedMessages: this.correlator.evicted,
    }
  }
}

/**
 * The file's lines read in place out of two reused buffers (no chunk allocated per read): the
 * counter takes each line's bytes, the parser a string decoded from them.
 */
export async function analyseLogFile(path: string, opts: AnalyseOptions = {}): Promise<LogAnalysis> {
  const a = new LogAnalyser(opts)
  const decode = opts.read?.encoding === 'latin1' ? latin1Slice : utf8Slice
  await readFileByteLines(path, (b, s, e, truncated) => void a.pushBytes(b, s, e, truncated, decode), { ...(opts.read?.maxLineBytes ? { maxLineBytes: opts.read.maxLineBytes } : {}) })
  return a.result()
}
