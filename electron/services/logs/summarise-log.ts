// pflogsumm's Grand Totals of a log file or stream (what `postdesk logs summary` prints).
//
// A large file is counted in two parts at once (2 cores: the calling thread counts the first half, a
// worker thread the second); the worker's counter records every use of per-queue-id state, which the
// first half's counter replays in order when the parts are merged, so the totals are exactly those
// of one pass.

import { existsSync } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { PflogsummCounter, type PflogsummOptions, type PflogsummTail, type PflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { siblingEntry, WorkerPool } from '../mail/passwords/worker-pool'
import { latin1Slice, readByteLines, readFileByteLines, type ReadLinesStats } from './log-reader'

export interface LogSummary {
  totals: PflogsummTotals
  /** lines read; lines pflogsumm takes as postfix lines; lines cut because they were over the size limit */
  lines: number
  postfixLines: number
  truncatedLines: number
  /** parts the file was counted in (1, or 2 for a large file: its second half in a worker thread when one starts) */
  parts: number
}

export interface SummariseFileOptions extends PflogsummOptions {
  /**
   * Count the file in two parts from the first line boundary at or after this byte offset (default: the
   * middle, for files of at least SPLIT_MIN_BYTES on a machine with more than one core; 0 or past the end: one part).
   */
  splitAt?: number
}

/** Below this size a file is counted in one part: a worker's start costs more than it saves. */
export const SPLIT_MIN_BYTES = 8 << 20

/** Lines longer than this are not counted (pflogsumm would read them; no real log line comes close). */
const MAX_LINE_BYTES = 64 << 20

function summary(counter: PflogsummCounter, stats: ReadLinesStats, parts = 1): LogSummary {
  return { totals: counter.totals(), lines: stats.lines, postfixLines: counter.postfixLines, truncatedLines: stats.truncatedLines, parts }
}

/** The counter reads each line's bytes in place, as Perl reads them: no string is made of a line. */
function counterFor(opts: PflogsummOptions): { counter: PflogsummCounter; sink: (b: Uint8Array, s: number, e: number, truncated: boolean) => void } {
  const counter = new PflogsummCounter({ decode: latin1Slice, syslogName: opts.syslogName, tail: opts.tail })
  return { counter, sink: (b, s, e, truncated) => { if (!truncated) counter.addBytes(b, s, e) } }
}

export async function summariseLogStream(input: AsyncIterable<Uint8Array | string>, opts: PflogsummOptions = {}): Promise<LogSummary> {
  const { counter, sink } = counterFor(opts)
  return summary(counter, await readByteLines(input, sink, { maxLineBytes: MAX_LINE_BYTES }))
}

export async function summariseLogFile(path: string, opts: SummariseFileOptions = {}): Promise<LogSummary> {
  const size = (await stat(path)).size
  // a second part pays only with a second core to run it (on a busy one it costs about a third more time)
  const at = opts.splitAt ?? (size >= SPLIT_MIN_BYTES && availableParallelism() > 1 ? Math.floor(size / 2) : 0)
  const split = at > 0 && at < size ? await lineStartFrom(path, at, size) : size
  // no worker where none can start (e.g. a bundle without its worker file): one part
  const pool = split < size ? startPool() : undefined
  if (pool === undefined) {
    const { counter, sink } = counterFor(opts)
    return summary(counter, await readFileByteLines(path, sink, { maxLineBytes: MAX_LINE_BYTES }))
  }
  let closing = false
  try {
    const req: TailRequest = { path, start: split, end: size, syslogName: opts.syslogName }
    // a worker that cannot start or dies: its part is counted here after all (a read error comes again from there)
    const tail = pool.run(req).catch((e: unknown) => {
      if (closing) throw e
      return countTail(req)
    })
    // awaited below, unless reading the head fails first
    tail.catch(() => undefined)
    const { counter, sink } = counterFor(opts)
    const head = await readFileByteLines(path, sink, { maxLineBytes: MAX_LINE_BYTES, end: split })
    const t = await tail
    counter.mergeTail(t.tail)
    return summary(counter, { lines: head.lines + t.stats.lines, truncatedLines: head.truncatedLines + t.stats.truncatedLines, droppedBytes: head.droppedBytes + t.stats.droppedBytes }, 2)
  } finally {
    closing = true
    void pool.close()
  }
}

function startPool(): WorkerPool<TailRequest, TailResult> | undefined {
  try {
    return new WorkerPool<TailRequest, TailResult>({ entry: logSummaryWorkerEntry(), size: 1 })
  } catch {
    return undefined
  }
}

/** The offset of the first line that starts at or after `from` (the byte after an LF), or `size`. */
async function lineStartFrom(path: string, from: number, size: number): Promise<number> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 16)
    // a line starts at `from` when the byte before it is an LF
    for (let pos = from - 1; pos < size; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos)
      if (bytesRead === 0) break
      const nl = buf.subarray(0, bytesRead).indexOf(10)
      if (nl >= 0) return pos + nl + 1
      pos += bytesRead
    }
    return size
  } finally {
    await fh.close()
  }
}

export interface TailRequest {
  path: string
  start: number
  end: number
  syslogName?: string
}

export interface TailResult {
  tail: PflogsummTail
  stats: ReadLinesStats
}

/** The worker's part: bytes [start, end) of the file (start is a line's start), counted as a tail. */
export async function countTail(req: TailRequest): Promise<TailResult> {
  const { counter, sink } = counterFor({ syslogName: req.syslogName, tail: true })
  const stats = await readFileByteLines(req.path, sink, { maxLineBytes: MAX_LINE_BYTES, start: req.start, end: req.end })
  return { tail: counter.exportTail(), stats }
}

/** log-summary-worker beside this module as built (electron-vite, the bench), else its TypeScript source. */
export const logSummaryWorkerEntry = (): URL => siblingEntry(import.meta.url, 'log-summary-worker', existsSync)
