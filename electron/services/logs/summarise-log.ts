// pflogsumm's Grand Totals of a log file or stream (what `postdesk logs summary` prints): the bytes
// are handed to the counter in chunks, as read; it splits and counts the lines itself.

import { open } from 'node:fs/promises'
import { PflogsummCounter, type PflogsummOptions, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'

export interface LogSummary {
  totals: PflogsummTotals
  /** lines read; lines pflogsumm takes as postfix lines; lines cut because they were over the size limit */
  lines: number
  postfixLines: number
  truncatedLines: number
}

const CHUNK_BYTES = 1 << 20

/** What a counter counted so far (lines: those over its length limit included). */
export function summaryOf(counter: PflogsummCounter): LogSummary {
  return { totals: counter.totals(), lines: counter.lines + counter.truncatedLines, postfixLines: counter.postfixLines, truncatedLines: counter.truncatedLines }
}

function summary(counter: PflogsummCounter): LogSummary {
  counter.end()
  return summaryOf(counter)
}

export async function summariseLogStream(input: AsyncIterable<Uint8Array | string>, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const counter = new PflogsummCounter(opts)
  for await (const chunk of input) counter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
  return summary(counter)
}

/** The file read in 1 MiB chunks into two buffers in turn: the next read runs while the last chunk is counted. */
export async function summariseLogFile(path: string, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const counter = new PflogsummCounter(opts)
  let cur = Buffer.allocUnsafe(CHUNK_BYTES)
  let spare = Buffer.allocUnsafe(CHUNK_BYTES)
  const fh = await open(path, 'r')
  try {
    let reading = fh.read(cur, 0, CHUNK_BYTES, null)
    for (;;) {
      const { bytesRead } = await reading
      if (bytesRead === 0) break
      const full = cur
      reading = fh.read(spare, 0, CHUNK_BYTES, null)
      counter.push(full, 0, bytesRead)
      cur = spare
      spare = full
    }
  } finally {
    await fh.close()
  }
  return summary(counter)
}
