// Follows one server's mail log: the remote loop of follow-script.ts (or journalctl -f), its bytes
// split into lines at exact offsets, each line through the engine's parser, lines handed on in batches.
// After a lost connection it starts again from the last complete line it handed on (inode + byte
// offset, or the journal cursor), so no line is lost or repeated.

import { AppError, toErrorShape } from '../../../shared/errors'
import { LineSplitter } from '../../../shared/logs/line-splitter'
import { MailLogParser } from '../../../shared/logs/parse-line'
import type { FollowState, LogSourceInfo, StreamLine } from '../../../shared/contract/logs'
import type { StreamHandlers, StreamingExec } from '../ssh/stream-command'
import { FollowFrameReader, followArgv, type FollowFrame } from './follow-script'
import { journalCursorOf, journalFollowArgv, type LogSource } from './log-source'

/** What following needs of the SSH layer (SshConnectionManager provides it). */
export interface FollowTransport {
  execStream(serverId: string, argv: string[], handlers: StreamHandlers, opts?: { signal?: AbortSignal }): Promise<StreamingExec>
  status(serverId: string): { state: string }
}

export interface FollowerOptions {
  serverId: string
  source: LogSource
  lines: number
  onLines(lines: StreamLine[]): void
  onState(state: FollowState, info: { message?: string; gap?: boolean }): void
  /** Delay between attempts while the connection is being reopened (default 500 ms). */
  retryMs?: number
  /** Give up after the connection has been gone this long (default 10 min). */
  giveUpMs?: number
  pollSeconds?: number
  switchAfter?: number
}

export function sourceInfo(s: LogSource): LogSourceInfo {
  return s.kind === 'file' ? { kind: 'file', path: s.path } : { kind: 'journal', units: s.units }
}

export class LogFollower {
  // Parsing only: the view correlates a message's lines when it opens its timeline, and summaries
  // read the file; a live correlator and pflogsumm counter here would cost 4x the parse.
  readonly parser = new MailLogParser()
  private seq = 0
  private stopped = false
  private exec: StreamingExec | undefined
  // file position: the inode, the offset of the next byte to come, the offset after the last complete line
  private ino: string | null = null
  private off = 0
  private committed = 0
  private cursor: string | null = null
  private splitter: LineSplitter | null = null
  private batch: StreamLine[] = []
  // backlog of a fresh start: bytes before `backlogUntil` are kept, and only the last `lines` lines of them shown
  private backlogUntil = -1
  private backlogStart = 0
  private backlogChunks: Buffer[] = []
  private running: Promise<void> | undefined
  /** 'following' is said once per stream: for a file, when the loop on the server has opened it */
  private announce: (() => void) | null = null
  /** lines handed on, streams started (1 + reconnects), rotations followed */
  stats = { lines: 0, streams: 0, rotations: 0, gaps: 0 }

  constructor(
    private readonly t: FollowTransport,
    private readonly o: FollowerOptions,
  ) {}

  start(): void {
    this.running ??= this.loop()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.exec?.stop()
    await this.running
  }

  /** Where a resume would start (for tests and diagnostics). */
  get position(): { ino: string | null; committed: number; cursor: string | null } {
    return { ino: this.ino, committed: this.committed, cursor: this.cursor }
  }

  /** Lines from elsewhere through the same pipeline (the e2e harness's load test). */
  inject(raw: string[]): void {
    for (const r of raw) this.line(r, false)
    this.flush()
  }

  private async loop(): Promise<void> {
    const retryMs = this.o.retryMs ?? 500
    const giveUpMs = this.o.giveUpMs ?? 600_000
    let lostSince: number | null = null
    this.o.onState('starting', {})
    while (!this.stopped) {
      let failure: unknown
      try {
        await this.runOnce()
        if (this.stopped) break
        failure = new AppError('remote-failed', 'The log follower on the server ended.')
      } catch (e) {
        failure = e
      }
      if (this.stopped) break
      const shape = toErrorShape(failure)
      const transient = shape.code === 'disconnected' || shape.code === 'not-connected' || shape.code === 'timeout'
      const state = this.t.status(this.o.serverId).state
      if (!transient && state === 'connected') {
        this.o.onState('failed', { message: shape.message })
        this.stopped = true
        break
      }
      lostSince ??= Date.now()
      if (Date.now() - lostSince > giveUpMs || state === 'offline' || state === 'failed') {
        this.o.onState('failed', { message: shape.message })
        this.stopped = true
        break
      }
      this.o.onState('resuming', { message: shape.message })
      await new Promise((r) => setTimeout(r, retryMs))
      if (this.exec === undefined && this.t.status(this.o.serverId).state === 'connected') lostSince = null
    }
    if (this.o.onState) this.o.onState('stopped', {})
  }

  private async runOnce(): Promise<void> {
    const s = this.o.source
    const resumed = this.stats.streams > 0
    let argv: string[]
    let handlers: StreamHandlers
    let stderr = ''
    if (s.kind === 'file') {
      argv = followArgv({
        path: s.path,
        lines: this.o.lines,
        ...(this.ino !== null ? { resume: { ino: this.ino, off: this.committed } } : {}),
        ...(this.o.pollSeconds !== undefined ? { pollSeconds: this.o.pollSeconds } : {}),
        ...(this.o.switchAfter !== undefined ? { switchAfter: this.o.switchAfter } : {}),
      })
      // a resumed stream starts at the last complete line: bytes of a partial line are read again
      this.splitter = this.newSplitter()
      const reader = new FollowFrameReader((f) => this.frame(f))
      handlers = { onStdout: (d) => reader.push(d), onStderr: (d) => void (stderr = (stderr + d.toString('utf8')).slice(-2000)) }
    } else {
      argv = journalFollowArgv(s.units, { lines: this.o.lines, ...(this.cursor ? { afterCursor: this.cursor } : {}) })
      this.splitter = new LineSplitter((line, truncated) => {
        const c = journalCursorOf(line)
        if (c !== null) this.cursor = c
        this.line(line, truncated)
      })
      const splitter = this.splitter
      handlers = {
        onStdout: (d) => {
          splitter.push(d)
          this.flush()
        },
        onStderr: (d) => void (stderr = (stderr + d.toString('utf8')).slice(-2000)),
      }
    }
    // A file is being followed once the loop on the server has opened it and fixed where it starts
    // (its first O frame): a line written from then on comes live. Through sudo, and on a slow
    // server, that is a while after the channel opened; a line written before would only be backlog.
    this.announce = () => {
      this.announce = null
      this.o.onState('following', resumed ? { message: 'resumed' } : {})
    }
    const exec = await this.t.execStream(this.o.serverId, argv, handlers)
    this.exec = exec
    this.stats.streams++
    if (this.stopped) {
      await exec.stop()
      return
    }
    if (s.kind !== 'file') this.announce?.()
    try {
      const end = await exec.done
      if (!this.stopped && end.code !== null && end.code !== 0) {
        throw new AppError('remote-failed', `Following the log failed on the server (exit ${end.code})${stderr.trim() ? `: ${stderr.trim().slice(0, 300)}` : '.'}`)
      }
    } finally {
      this.exec = undefined
      this.announce = null
      this.flush()
    }
  }

  private newSplitter(): LineSplitter {
    return new LineSplitter((line, truncated) => this.line(line, truncated))
  }

  private frame(f: FollowFrame): void {
    switch (f.type) {
      case 'start-size':
        this.backlogUntil = f.size
        return
      case 'open':
        if (this.ino !== null && f.ino !== this.ino) this.splitter?.end()
        this.ino = f.ino
        this.off = f.off
        this.committed = f.off
        this.splitter = this.newSplitter()
        if (this.backlogUntil >= 0) this.backlogStart = f.off
        this.announce?.()
        return
      case 'data':
        return this.data(f.bytes)
      case 'rotated':
        this.stats.rotations++
        this.splitter?.end()
        this.flush()
        return
      case 'truncated':
        this.splitter?.end()
        return
      case 'gap':
        this.stats.gaps++
        this.o.onState('following', { message: f.reason, gap: true })
        return
      case 'heartbeat':
        return
      case 'error':
        this.o.onState('failed', { message: f.reason })
        return
    }
  }

  private data(bytes: Buffer): void {
    const start = this.off
    this.off += bytes.length
    if (this.backlogUntil >= 0) {
      const keep = Math.min(bytes.length, Math.max(0, this.backlogUntil - start))
      if (keep > 0) this.backlogChunks.push(bytes.subarray(0, keep))
      if (this.off < this.backlogUntil) return
      this.flushBacklog()
      bytes = bytes.subarray(keep)
    }
    const nl = bytes.lastIndexOf(10)
    this.splitter?.push(bytes)
    if (nl >= 0) this.committed = this.off - bytes.length + nl + 1
    this.flush()
  }

  /** The fresh start's backlog: whole lines only (the first is cut when reading began mid-file), the last N of them. */
  private flushBacklog(): void {
    const all = Buffer.concat(this.backlogChunks)
    this.backlogChunks = []
    let from = 0
    if (this.backlogStart > 0) from = all.indexOf(10) + 1
    const lastNl = all.lastIndexOf(10)
    const lines: [string, boolean][] = []
    const sp = new LineSplitter((l, t) => lines.push([l, t]))
    if (lastNl >= from) sp.push(all.subarray(from, lastNl + 1))
    for (const [l, t] of lines.slice(-this.o.lines)) this.line(l, t)
    this.committed = this.backlogStart + lastNl + 1
    // a partial last line of the backlog is read on with the live bytes
    this.splitter = this.newSplitter()
    if (lastNl + 1 < all.length) this.splitter.push(all.subarray(lastNl + 1))
    this.backlogUntil = -1
    this.flush()
  }

  private line(raw: string, truncated: boolean): void {
    const l = this.parser.parse(raw, truncated) as StreamLine
    l.seq = ++this.seq
    this.batch.push(l)
    this.stats.lines++
    if (this.batch.length >= 2000) this.flush()
  }

  private flush(): void {
    if (this.batch.length === 0) return
    const b = this.batch
    this.batch = []
    this.o.onLines(b)
  }
}
