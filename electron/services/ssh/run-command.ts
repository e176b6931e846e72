import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'
import { GateReader, killRemoteGroup, PidLineReader, withPidReport, type CommandGate } from './remote-process'

// The remote shell first reports its PID on stderr (stripped again below). A timed-out or cancelled
// command is then killed with its whole process group over a second channel (see remote-process.ts).

/** An ExecResult whose streams are the exact bytes (for non-UTF-8 output). */
export interface ExecBytesResult {
  code: number | null
  signal?: string
  stdout: Buffer
  stderr: Buffer
}

/**
 * Runs one already-quoted command line on an open connection: stdin is written then closed (EOF, so
 * commands that read it do not wait forever), stdout/stderr are collected and decoded once at the end
 * (a UTF-8 character split across packets stays intact). A timeout or an abort stops the command on
 * the server, closes the channel and rejects with 'timeout' / 'cancelled'.
 */
export async function runCommand(client: Client, command: string | Buffer, label: string, opts: ExecOptions = {}, gate?: CommandGate): Promise<ExecResult> {
  const r = await runCommandBytes(client, command, label, opts, gate)
  return { code: r.code, ...(r.signal ? { signal: r.signal } : {}), stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') }
}

/** runCommand with the streams as bytes. */
export function runCommandBytes(client: Client, command: string | Buffer, label: string, opts: ExecOptions = {}, gate?: CommandGate): Promise<ExecBytesResult> {
  return new Promise<ExecBytesResult>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new AppError('cancelled', `${label} was cancelled before it started.`))
    let channel: ClientChannel | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const pidLine = new PidLineReader()
    let pidKnown: (pid: number | undefined) => void = () => undefined
    // Settles once the remote shell's PID is read, or once it is clear it will not come.
    const pidReady = new Promise<number | undefined>((r) => (pidKnown = r))
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let code: number | null = null
    let exitSignal: string | undefined
    // Through sudo: stderr is held back until the gate opens; then the command gets its stdin.
    const gateReader = gate
      ? new GateReader(gate, () => channel, (rest) => {
          if (rest.length) stderr.push(rest)
          if (opts.stdin !== undefined) channel?.end(opts.stdin)
          else channel?.end()
        })
      : undefined
    const pushStderr = (d: Buffer) => (gateReader && !gateReader.open ? gateReader.feed(d) : void stderr.push(d))

    const cleanup = () => {
      settled = true
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
    }
    const stopAndReject = (make: (stopped: boolean) => AppError) => {
      if (settled) return
      cleanup()
      // The command may have been started a moment ago: give its PID line a little time to arrive.
      let wait: NodeJS.Timeout | undefined
      const pidSoon = Promise.race([pidReady, new Promise<undefined>((r) => (wait = setTimeout(() => r(undefined), 3000)))]).finally(() => clearTimeout(wait))
      void pidSoon.then((p) => stopRemote(client, () => channel, p, gate?.killVia)).then((stopped) => reject(make(stopped)))
    }
    const onAbort = () => stopAndReject((stopped) => new AppError('cancelled', `${label} was cancelled${stopped ? ' and stopped' : `; it may still be running on the server${pidLine.pid ? ` (pid ${pidLine.pid})` : ''}`}.`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.timeoutMs !== undefined) {
      const ms = opts.timeoutMs
      timer = setTimeout(
        () => stopAndReject((stopped) => new AppError('timeout', `${label} did not finish within ${formatDuration(ms)}; ${stopped ? 'it was stopped' : `it may still be running on the server${pidLine.pid ? ` (pid ${pidLine.pid})` : ''}`}.`, { timeoutMs: ms })),
        ms,
      )
    }
    const failToStart = (e: Error) => {
      pidKnown(undefined)
      if (settled) return
      cleanup()
      reject(new AppError('disconnected', `Could not start ${label} on the server: ${e.message}.`))
    }

    try {
      // ssh2 sends a Buffer command as is (its typings say string only): names need not be UTF-8.
      client.exec(withPidReport(command) as string, (err, ch) => {
        if (err) return failToStart(err)
        channel = ch
        // Even if already timed out or cancelled, the command now runs: keep reading so its PID can be killed.
        ch.on('data', (d: Buffer) => stdout.push(d))
        ch.stderr.on('data', (d: Buffer) => {
          if (pidLine.done) return pushStderr(d)
          const rest = pidLine.feed(d)
          if (rest === null) return
          pushStderr(rest)
          pidKnown(pidLine.pid)
        })
        ch.on('exit', (c: number | null, sig?: string) => {
          code = typeof c === 'number' ? c : null
          if (sig) exitSignal = sig
        })
        ch.on('close', () => {
          pidKnown(pidLine.pid)
          if (settled) return
          cleanup()
          const pending = pidLine.pending()
          if (pending.length) stderr.push(pending)
          // Never unlocked: sudo refused (wrong or missing password, or no sudo rule at all).
          if (gateReader && (!gateReader.open || gateReader.refusedPassword)) return reject(gateReader.failure(label, Buffer.concat(stderr)))
          resolve({
            code,
            ...(exitSignal ? { signal: exitSignal } : {}),
            stdout: Buffer.concat(stdout),
            stderr: Buffer.concat(stderr),
          })
        })
        ch.on('error', (e: Error) => {
          pidKnown(pidLine.pid)
          if (settled) return
          cleanup()
          reject(new AppError('disconnected', `${label} lost its channel: ${e.message}.`))
        })
        if (gate) return // stdin waits for the gate to open
        if (opts.stdin !== undefined) ch.end(opts.stdin)
        else ch.end()
      })
    } catch (e) {
      failToStart(e instanceof Error ? e : new Error(String(e)))
    }
  })
}

/** Kills the remote process group (if its PID is known) and closes the channel; true if the kill worked. */
async function stopRemote(client: Client, channel: () => ClientChannel | undefined, pid: number | undefined, killVia?: CommandGate['killVia']): Promise<boolean> {
  const stopped = pid !== undefined ? await killRemoteGroup(client, pid, 'KILL', killVia, 5000) : false
  const ch = channel()
  if (ch) closeQuietly(ch)
  return stopped
}

function closeQuietly(ch: ClientChannel): void {
  try {
    ch.close()
  } catch {
    // Already closed.
  }
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}
