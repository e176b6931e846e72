// pflogsumm's Grand Totals of a server's current mail log: the log is streamed over SSH (as root, the
// profile's way) straight into the counter, so nothing is copied to disk and memory stays flat however
// large the log; progress is reported as it goes, and a cancel stops the reader on the server.

import { AppError } from '../../../shared/errors'
import { PflogsummCounter } from '../../../shared/logs/pflogsumm-counter'
import type { StreamingExec } from '../ssh/stream-command'
import type { LogSource } from './log-source'
import type { LogsTransport } from './logs-service'
import { summaryOf, type LogSummary } from './summarise-log'

/** progress at most this often */
const PROGRESS_MS = 200

export interface SummaryProgress {
  bytes: number
  /** the file's size when the summary started (a journal: null) */
  totalBytes: number | null
  lines: number
}

export interface ServerSummaryRequest {
  syslogName?: string
  signal?: AbortSignal
  onProgress?: (p: SummaryProgress) => void
}

export interface ServerLogSummary extends LogSummary {
  bytes: number
  seconds: number
  source: LogSource
  /** stopped by the signal: the totals are those of the lines read until then */
  cancelled: boolean
}

/** What reads the whole current log: the file, or the journal's units as syslog lines. */
function currentLogArgv(source: LogSource): string[] {
  return source.kind === 'file' ? ['cat', '--', source.path] : ['journalctl', '--no-pager', '-o', 'short', ...source.units.flatMap((u) => ['-u', u])]
}

export async function summariseServerLog(transport: LogsTransport, serverId: string, source: LogSource, r: ServerSummaryRequest = {}): Promise<ServerLogSummary> {
  const signal = r.signal
  const t0 = performance.now()
  let totalBytes: number | null = null
  if (source.kind === 'file') {
    // the size for a progress bar only: a log that cannot be stat'ed is still read (cat says why not)
    const st = await transport.execAsRoot(serverId, ['stat', '-L', '-c', '%s', '--', source.path], { timeoutMs: 20_000, ...(signal ? { signal } : {}) })
    const n = Number(st.stdout.trim())
    if (st.code === 0 && Number.isSafeInteger(n)) totalBytes = n
  }
  const counter = new PflogsummCounter(r.syslogName ? { syslogName: r.syslogName } : {})
  let bytes = 0
  let last = 0
  const progress = (): void => r.onProgress?.({ bytes, totalBytes, lines: counter.lines + counter.truncatedLines })
  const stderr: Buffer[] = []
  let exec: StreamingExec
  try {
    exec = await transport.execStreamAsRoot(
      serverId,
      currentLogArgv(source),
      {
        onStdout: (d) => {
          counter.push(d)
          bytes += d.length
          const now = performance.now()
          if (now - last >= PROGRESS_MS) {
            last = now
            progress()
          }
        },
        onStderr: (d) => void (stderr.length < 16 && stderr.push(d)),
      },
      signal ? { signal } : {},
    )
  } catch (e) {
    if (signal?.aborted) return done(true)
    throw e
  }
  try {
    const end = await exec.done
    if (end.code !== 0 && !signal?.aborted) {
      const why = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0]
      throw new AppError('remote-failed', `Reading ${source.kind === 'file' ? source.path : 'the journal'} failed on the server (exit ${end.code ?? end.signal ?? '?'})${why ? `: ${why}` : ''}.`)
    }
  } catch (e) {
    if (!signal?.aborted) throw e
  }
  return done(signal?.aborted === true)

  function done(cancelled: boolean): ServerLogSummary {
    // a line cut by a cancel is not counted
    if (!cancelled) counter.end()
    progress()
    return {
      ...summaryOf(counter),
      bytes,
      seconds: (performance.now() - t0) / 1000,
      source,
      cancelled,
    }
  }
}
