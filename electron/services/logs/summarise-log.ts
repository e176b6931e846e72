// pflogsumm's Grand Totals of a log file or stream (what `postdesk logs summary` prints).

import { PflogsummCounter, type PflogsummOptions, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { readFileLines, readLines, type ReadLinesStats } from './log-reader'

export interface LogSummary {
  totals: PflogsummTotals
  /** lines read; lines pflogsumm takes as postfix lines; lines cut because they were over the size limit */
  lines: number
  postfixLines: number
  truncatedLines: number
}

/** Bytes are read as Latin-1 (one char per byte, as Perl reads them), so the totals match pflogsumm's exactly. */
const READ = { encoding: 'latin1', maxLineBytes: 64 << 20 } as const

function summary(counter: PflogsummCounter, stats: ReadLinesStats): LogSummary {
  return { totals: counter.totals(), lines: stats.lines, postfixLines: counter.postfixLines, truncatedLines: stats.truncatedLines }
}

export async function summariseLogStream(input: AsyncIterable<Uint8Array | string>, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const counter = new PflogsummCounter(opts)
  const stats = await readLines(input, (line, truncated) => { if (!truncated) counter.addLine(line) }, READ)
  return summary(counter, stats)
}

export async function summariseLogFile(path: string, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const counter = new PflogsummCounter(opts)
  const stats = await readFileLines(path, (line, truncated) => { if (!truncated) counter.addLine(line) }, READ)
  return summary(counter, stats)
}
