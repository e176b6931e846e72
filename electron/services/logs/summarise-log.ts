// pflogsumm's Grand Totals of a log file or stream (what `postdesk logs summary` prints).

import { PflogsummCounter, type PflogsummOptions, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { latin1Slice, readByteLines, readFileByteLines, type ReadLinesStats } from './log-reader'

export interface LogSummary {
  totals: PflogsummTotals
  /** lines read; lines pflogsumm takes as postfix lines; lines cut because they were over the size limit */
  lines: number
  postfixLines: number
  truncatedLines: number
}

/** Lines longer than this are not counted (pflogsumm would read them; no real log line comes close). */
const MAX_LINE_BYTES = 64 << 20

function summary(counter: PflogsummCounter, stats: ReadLinesStats): LogSummary {
  return { totals: counter.totals(), lines: stats.lines, postfixLines: counter.postfixLines, truncatedLines: stats.truncatedLines }
}

/** The counter reads each line's bytes in place, as Perl reads them: no string is made of a line. */
function counterFor(opts: PflogsummOptions): { counter: PflogsummCounter; sink: (b: Uint8Array, s: number, e: number, truncated: boolean) => void } {
  const counter = new PflogsummCounter({ decode: latin1Slice, ...opts })
  return { counter, sink: (b, s, e, truncated) => { if (!truncated) counter.addBytes(b, s, e) } }
}

export async function summariseLogStream(input: AsyncIterable<Uint8Array | string>, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const { counter, sink } = counterFor(opts)
  return summary(counter, await readByteLines(input, sink, { maxLineBytes: MAX_LINE_BYTES }))
}

export async function summariseLogFile(path: string, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const { counter, sink } = counterFor(opts)
  return summary(counter, await readFileByteLines(path, sink, { maxLineBytes: MAX_LINE_BYTES }))
}
