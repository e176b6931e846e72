// The whole engine over one log: every line parsed, queue ids correlated into timelines, pflogsumm's
// totals counted. The live follower will push lines the same way as they arrive.

import { MessageCorrelator, type CorrelatorOptions } from '../../../shared/logs/message-correlator'
import { MailLogParser, type ParserOptions } from '../../../shared/logs/parse-line'
import { PflogsummCounter, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import type { LineKind, LogLine } from '../../../shared/logs/types'
import { readFileLines, type ReadLinesOptions } from './log-reader'

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
    this.lines++
    const line = this.parser.parse(raw, truncated)
    this.kinds.set(line.kind, (this.kinds.get(line.kind) ?? 0) + 1)
    if (truncated) this.truncatedLines++
    else {
      this.correlator.push(line)
      if (line.format === 'journal') {
        if (line.program !== null) this.counter.addJournal(line.program, line.pid, line.message)
      } else this.counter.addLine(raw)
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

export async function analyseLogFile(path: string, opts: AnalyseOptions = {}): Promise<LogAnalysis> {
  const a = new LogAnalyser(opts)
  await readFileLines(path, (line, truncated) => a.push(line, truncated), opts.read)
  return a.result()
}
