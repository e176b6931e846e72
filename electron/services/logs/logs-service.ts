// The live logs area: which log a server writes, following it, searching its older files, and the
// harness's way to push generated lines through the same pipeline.

import { AppError } from '../../../shared/errors'
import type { LogSourceChoice, LogSourceInfo, StreamLine } from '../../../shared/contract/logs'
import type { EmitEvent, ExecOptions, ExecResult } from '../types'
import type { StreamHandlers, StreamingExec } from '../ssh/stream-command'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { LineSplitter } from '../../../shared/logs/line-splitter'
import { toWireBatch } from '../../../shared/logs/wire-line'
import { LogFollower, sourceInfo, type FollowTransport } from './log-follower'
import { logProbeArgv, parseLogProbe, resolveLogSource, type LogSource } from './log-source'
import { filesForRange, journalSearchArgv, parseSearchList, searchArgv, searchListArgv } from './log-search'
import { summariseServerLog, type ServerLogSummary, type ServerSummaryRequest } from './server-summary'
import { syntheticLines } from './synthetic-lines'

/**
 * What the logs area needs of the SSH layer (SshConnectionManager provides it). The mail log is
 * usually readable by root (and group adm) only: everything on the server runs as root the
 * profile's way (a root login as is; a user login through `sudo -n` or `sudo -S` with the stored
 * password, which never appears in argv).
 */
export interface LogsTransport {
  execAsRoot(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  execStreamAsRoot(serverId: string, argv: string[], handlers: StreamHandlers, opts?: { signal?: AbortSignal }): Promise<StreamingExec>
  status(serverId: string): { state: string }
}

export interface LogsServiceOptions {
  transport: LogsTransport
  /** Resolves a server id or name to its profile id. */
  resolveId: (idOrName: string) => Promise<string>
  emit: EmitEvent
  harness: boolean
  /** The facts' mail log path, a hint when two files are equally fresh. */
  mailLogHint?: (serverId: string) => Promise<string | null>
  /** Tuning for tests. */
  follow?: { retryMs?: number; pollSeconds?: number; switchAfter?: number; giveUpMs?: number }
}

export interface FollowHandle {
  followId: string
  serverId: string
  source: LogSourceInfo
  follower: LogFollower
}

export interface SearchRequest {
  text: string
  /** what to search instead of the detected log (e.g. the journal) */
  source?: LogSource
  /** the user's choice of source (default 'auto'; see resolveLogSource) */
  choice?: LogSourceChoice
  since?: number
  until?: number
  maxLines?: number
  path?: string
  signal?: AbortSignal
  onLines?: (lines: StreamLine[], progress: { filesDone: number; filesTotal: number; file?: string }) => void
}

export class LogsService {
  private readonly follows = new Map<string, FollowHandle>()
  private readonly searches = new Map<string, AbortController>()
  private readonly summaries = new Map<string, AbortController>()
  private nextId = 1

  /** The follower's transport: its stream runs as root the profile's way. */
  private readonly followTransport: FollowTransport

  constructor(private readonly o: LogsServiceOptions) {
    this.followTransport = {
      execStream: (id, argv, handlers, opts) => o.transport.execStreamAsRoot(id, argv, handlers, opts),
      status: (id) => o.transport.status(id),
    }
  }

  /**
   * The log the server writes (see chooseLogSource), or the kind the user chose (see
   * resolveLogSource); `path` overrides the detection (with 'auto' or 'file').
   */
  async detectSource(idOrName: string, path?: string, choice: LogSourceChoice = 'auto'): Promise<LogSource> {
    const id = await this.o.resolveId(idOrName)
    if (path) {
      if (choice === 'journal') throw new AppError('invalid-input', `A path (${path}) was given with the journal as the source: a path names a log file. Choose the file source for it, or leave the path out.`)
      return { kind: 'file', path }
    }
    const hint = await this.o.mailLogHint?.(id).catch(() => null)
    const r = await this.o.transport.execAsRoot(id, logProbeArgv(hint ? [hint] : []), { timeoutMs: 20_000 })
    return resolveLogSource(parseLogProbe(r.stdout), choice, hint)
  }

  /**
   * detectSource, again after a moment when the connection was lost or replaced meanwhile (the
   * follower itself resumes across that; the detection before it must not fail the follow for it).
   */
  private async detectSourceRetrying(serverId: string, path?: string, choice?: LogSourceChoice): Promise<LogSource> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.detectSource(serverId, path, choice)
      } catch (e) {
        const code = (e as { code?: string }).code
        const transient = code === 'disconnected' || code === 'not-connected' || code === 'timeout'
        const state = this.o.transport.status(serverId).state
        if (!transient || attempt >= 3 || state === 'offline' || state === 'failed') throw e
        await new Promise((r) => setTimeout(r, this.o.follow?.retryMs ?? 500))
      }
    }
  }

  /** Starts following; lines arrive through onLines (default: `logs.lines` events). */
  async follow(idOrName: string, o: { lines?: number; path?: string; choice?: LogSourceChoice; source?: LogSource; onLines?: (lines: StreamLine[]) => void; onState?: (s: string, m?: string, gap?: boolean) => void } = {}): Promise<FollowHandle> {
    const serverId = await this.o.resolveId(idOrName)
    // `source` chooses it outright (e.g. the journal on a host that also writes a file); `choice` is the user's
    const source = o.source ?? (await this.detectSourceRetrying(serverId, o.path, o.choice))
    const followId = `f${this.nextId++}`
    const info = sourceInfo(source)
    const follower = new LogFollower(this.followTransport, {
      serverId,
      source,
      lines: o.lines ?? 1000,
      ...this.o.follow,
      onLines: o.onLines ?? ((lines) => this.o.emit('logs.lines', { followId, lines: toWireBatch(lines) })),
      onState: (state, m) => {
        o.onState?.(state, m.message, m.gap)
        this.o.emit('logs.state', { followId, serverId, state, source: info, ...(m.message ? { message: m.message } : {}), ...(m.gap ? { gap: true } : {}) })
        if (state === 'stopped') this.follows.delete(followId)
      },
    })
    const handle = { followId, serverId, source: info, follower }
    this.follows.set(followId, handle)
    follower.start()
    return handle
  }

  async stop(followId: string): Promise<boolean> {
    const h = this.follows.get(followId)
    if (!h) return false
    this.follows.delete(followId)
    await h.follower.stop()
    return true
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.follows.keys()].map((id) => this.stop(id)))
  }

  /** pflogsumm's Grand Totals of the server's current log (see server-summary.ts). */
  async summary(idOrName: string, r: ServerSummaryRequest & { choice?: LogSourceChoice; path?: string } = {}): Promise<ServerLogSummary> {
    const serverId = await this.o.resolveId(idOrName)
    const source = await this.detectSource(serverId, r.path, r.choice ?? 'auto')
    return summariseServerLog(this.o.transport, serverId, source, r)
  }

  /** summary() for the IPC channel: progress as `logs.summaryProgress` events, cancellable by summaryId. */
  async summaryForRenderer(idOrName: string, summaryId: string, r: { choice?: LogSourceChoice; path?: string }): Promise<Omit<ServerLogSummary, 'source'> & { source: LogSourceInfo }> {
    return cancellable(this.summaries, summaryId, async (signal) => {
      const s = await this.summary(idOrName, { ...r, signal, onProgress: (p) => this.o.emit('logs.summaryProgress', { summaryId, ...p }) })
      return { ...s, source: sourceInfo(s.source) }
    })
  }

  cancelSummary(summaryId: string): boolean {
    return cancel(this.summaries, summaryId)
  }

  /** Test harness only: generated lines (or the given ones) through a follow's pipeline. */
  inject(followId: string, count: number, lines?: string[]): number {
    if (!this.o.harness) throw new AppError('forbidden', 'Injecting log lines is only available in the test harness.')
    const h = this.follows.get(followId)
    if (!h) throw new AppError('not-found', `No log is being followed as ${followId}.`)
    if (lines?.length) {
      h.follower.inject(lines)
      return lines.length
    }
    for (let done = 0; done < count; ) {
      const n = Math.min(20_000, count - done)
      h.follower.inject(syntheticLines(n, Date.now() - (count - done) * 2, 500, done + 1))
      done += n
    }
    return count
  }

  /** Searches the log's files (or the journal) on the server; matches stream through onLines. */
  async search(idOrName: string, r: SearchRequest): Promise<{ matched: number; files: string[]; cancelled: boolean; limited: boolean }> {
    const serverId = await this.o.resolveId(idOrName)
    const source = r.source ?? (await this.detectSource(serverId, r.path, r.choice))
    const max = r.maxLines ?? 100_000
    let argv: string[]
    let files: string[] = []
    if (source.kind === 'file') {
      const list = await this.o.transport.execAsRoot(serverId, searchListArgv(source.path), { timeoutMs: 20_000, ...(r.signal ? { signal: r.signal } : {}) })
      files = filesForRange(parseSearchList(list.stdout), r.since, r.until).map((f) => f.path)
      if (files.length === 0) return { matched: 0, files, cancelled: false, limited: false }
      argv = searchArgv(r.text, files)
    } else {
      argv = journalSearchArgv(source.units, r.text, r.since, r.until)
      files = ['journal']
    }
    const parser = new MailLogParser()
    let matched = 0
    let seq = 0
    let filesDone = -1
    let file: string | undefined
    let batch: StreamLine[] = []
    let limited = false
    const running: { exec?: StreamingExec } = {}
    const flush = () => {
      if (!batch.length) return
      const b = batch
      batch = []
      r.onLines?.(b, { filesDone: Math.max(0, filesDone), filesTotal: files.length, ...(file ? { file } : {}) })
    }
    const splitter = new LineSplitter((raw, truncated) => {
      if (limited) return
      if (raw.charCodeAt(0) === 1) {
        if (raw.startsWith('\x01F ')) {
          flush()
          filesDone++
          file = raw.slice(3)
        } else if (raw === '\x01Z') filesDone = files.length
        return
      }
      const l = parser.parse(raw, truncated) as StreamLine
      if (l.time !== null && ((r.since !== undefined && l.time < r.since) || (r.until !== undefined && l.time > r.until))) return
      l.seq = ++seq
      batch.push(l)
      if (++matched >= max) {
        limited = true
        void running.exec?.stop()
      }
      if (batch.length >= 1000) flush()
    })
    const exec = await this.o.transport.execStreamAsRoot(serverId, argv, { onStdout: (d) => { splitter.push(d); flush() } }, r.signal ? { signal: r.signal } : {})
    running.exec = exec
    if (limited) void exec.stop()
    try {
      await exec.done
    } catch (e) {
      if (!r.signal?.aborted && !limited) throw e
    }
    splitter.end()
    flush()
    if (source.kind === 'file' && filesDone < files.length && !limited && !r.signal?.aborted) filesDone = files.length
    return { matched, files, cancelled: r.signal?.aborted === true, limited }
  }

  /** search() for the IPC channel: lines as `logs.searchLines` events, cancellable by searchId. */
  async searchForRenderer(idOrName: string, searchId: string, r: Omit<SearchRequest, 'signal' | 'onLines'>): Promise<{ matched: number; files: string[]; cancelled: boolean; limited: boolean }> {
    return cancellable(this.searches, searchId, (signal) =>
      this.search(idOrName, { ...r, signal, onLines: (lines, p) => this.o.emit('logs.searchLines', { searchId, lines: toWireBatch(lines), ...p }) }),
    )
  }

  cancelSearch(searchId: string): boolean {
    return cancel(this.searches, searchId)
  }
}

/** Runs work cancellable by its id (one at a time per id: a new run with the same id cancels the old one). */
async function cancellable<T>(running: Map<string, AbortController>, id: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  running.get(id)?.abort()
  const ac = new AbortController()
  running.set(id, ac)
  try {
    return await work(ac.signal)
  } finally {
    if (running.get(id) === ac) running.delete(id)
  }
}

/** Cancels the work running under id; false when none is. */
function cancel(running: Map<string, AbortController>, id: string): boolean {
  const ac = running.get(id)
  ac?.abort()
  return ac !== undefined
}
