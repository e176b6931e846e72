import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'
import { GateReader, killRemoteGroup, PidLineReader, withPidReport, type CommandGate } from './remote-process'

// A command whose output is delivered as it arrives (log following, log search), for as long as it
// runs. Like runCommand, the remote shell first reports its PID on stderr, so that stop() can kill its
// whole process group over a second channel (SSH "signal" requests are refused for root logins and
// unknown to old servers); closing the channel alone would leave a polling loop running until its
// next write.
//
// Through sudo (a CommandGate, see root-command.ts), stderr is read for sudo's prompt (the stored
// password is written to stdin, once: never in argv) and for the READY marker that says the command
// itself runs; a command sudo never let start ends `done` with sudo's refusal. It is stopped through
// sudo too: the command belongs to root. (The PID line, the gate and the kill: remote-process.ts.)

export interface StreamHandlers {
  /** Called with each stdout chunk as it arrives (never after done settles). */
  onStdout(chunk: Buffer): void
  /** stderr chunks (without the PID line). */
  onStderr?(chunk: Buffer): void
}

export interface StreamEnd {
  code: number | null
  signal?: string
}

export interface StreamingExec {
  /** The remote shell's PID once it has reported it. */
  readonly pid: number | undefined
  /** Settles when the channel closes: resolves with the exit status, rejects with 'disconnected' when the connection broke. */
  readonly done: Promise<StreamEnd>
  /** Stops the command (kills its process group on the server) and closes the channel. */
  stop(): Promise<void>
}

/** Starts an already-quoted command line on an open connection; resolves once the channel is open. */
export function streamCommand(client: Client, command: string | Buffer, label: string, h: StreamHandlers, opts: { signal?: AbortSignal } = {}, gate?: CommandGate): Promise<StreamingExec> {
  return new Promise<StreamingExec>((resolveStart, rejectStart) => {
    if (opts.signal?.aborted) return rejectStart(new AppError('cancelled', `${label} was cancelled before it started.`))
    try {
      // ssh2 sends a Buffer command as is (its typings say string only)
      client.exec(withPidReport(command) as string, (err, ch) => {
        if (err) return rejectStart(new AppError('disconnected', `Could not start ${label} on the server: ${err.message}.`))
        resolveStart(attach(client, ch, label, h, opts.signal, gate))
      })
    } catch (e) {
      rejectStart(new AppError('disconnected', `Could not start ${label} on the server: ${e instanceof Error ? e.message : String(e)}.`))
    }
  })
}

function attach(client: Client, ch: ClientChannel, label: string, h: StreamHandlers, signal: AbortSignal | undefined, gate: CommandGate | undefined): StreamingExec {
  const pidLine = new PidLineReader()
  let closed = false
  let stopping: Promise<void> | undefined
  let code: number | null = null
  let exitSignal: string | undefined
  let resolveDone: (e: StreamEnd) => void = () => undefined
  let rejectDone: (e: Error) => void = () => undefined
  const done = new Promise<StreamEnd>((res, rej) => {
    resolveDone = res
    rejectDone = rej
  })
  // A caller that only stops the stream need not handle its end.
  done.catch(() => undefined)
  ch.on('data', (d: Buffer) => {
    if (!closed) h.onStdout(d)
  })
  // through sudo: stderr held back until READY; stdin stays open for the password until then
  const gateReader = gate
    ? new GateReader(gate, () => ch, (rest) => {
        ch.end()
        if (rest.length) h.onStderr?.(rest)
      })
    : undefined
  const stderrOut = (d: Buffer) => (gateReader && !gateReader.open ? gateReader.feed(d) : void (d.length && h.onStderr?.(d)))
  ch.stderr.on('data', (d: Buffer) => {
    const rest = pidLine.feed(d)
    if (rest !== null) stderrOut(rest)
  })
  ch.on('exit', (c: number | null, sig?: string) => {
    code = typeof c === 'number' ? c : null
    if (sig) exitSignal = sig
  })
  let lostReason: string | undefined
  ch.on('error', (e: Error) => (lostReason = e.message))
  const onClientClose = () => (lostReason ??= 'the connection closed')
  client.once('close', onClientClose)
  ch.on('close', () => {
    closed = true
    client.removeListener('close', onClientClose)
    signal?.removeEventListener('abort', onAbort)
    if (lostReason !== undefined && code === null && stopping === undefined) rejectDone(new AppError('disconnected', `${label} lost its channel: ${lostReason}.`))
    // sudo never let the command start (wrong or missing password, no sudo rule)
    else if (gateReader && (!gateReader.open || gateReader.refusedPassword) && stopping === undefined) rejectDone(gateReader.failure(label))
    else resolveDone({ code, ...(exitSignal ? { signal: exitSignal } : {}) })
  })
  if (!gate) ch.end() // through sudo, stdin stays open for the password until READY
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (closed) return
      if (pidLine.pid !== undefined) await killRemoteGroup(client, pidLine.pid, 'TERM', gate?.killVia, 3000)
      try {
        ch.close()
      } catch {
        // already closed
      }
      await Promise.race([done.then(() => undefined, () => undefined), new Promise((r) => setTimeout(r, 2000))])
    })()
    return stopping
  }
  const onAbort = () => void stop()
  signal?.addEventListener('abort', onAbort, { once: true })
  return {
    get pid() {
      return pidLine.pid
    },
    done,
    stop,
  }
}
