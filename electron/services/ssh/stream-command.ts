import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'
import { sudoFailure, type CommandGate } from './run-command'

// A command whose output is delivered as it arrives (log following, log search), for as long as it
// runs. Like runCommand, the remote shell first reports its PID on stderr, so that stop() can kill its
// whole process group over a second channel (SSH "signal" requests are refused for root logins and
// unknown to old servers); closing the channel alone would leave a polling loop running until its
// next write.
//
// Through sudo (a CommandGate, see root-command.ts), stderr is read for sudo's prompt (the stored
// password is written to stdin, once: never in argv) and for the READY marker that says the command
// itself runs; a command sudo never let start ends `done` with sudo's refusal. It is stopped through
// sudo too: the command belongs to root.
const PID_PREFIX = 'postdesk-pid:'
const PID_REPORT = `printf '${PID_PREFIX}%s\\n' "$$" >&2; `

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
      const line = typeof command === 'string' ? PID_REPORT + command : Buffer.concat([Buffer.from(PID_REPORT), command])
      client.exec(line as string, (err, ch) => {
        if (err) return rejectStart(new AppError('disconnected', `Could not start ${label} on the server: ${err.message}.`))
        resolveStart(attach(client, ch, label, h, opts.signal, gate))
      })
    } catch (e) {
      rejectStart(new AppError('disconnected', `Could not start ${label} on the server: ${e instanceof Error ? e.message : String(e)}.`))
    }
  })
}

function attach(client: Client, ch: ClientChannel, label: string, h: StreamHandlers, signal: AbortSignal | undefined, gate: CommandGate | undefined): StreamingExec {
  let pid: number | undefined
  let header: Buffer | null = Buffer.alloc(0)
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
  // the gate's state: stderr held back until READY; how often sudo prompted
  let gateBuf: Buffer | null = gate ? Buffer.alloc(0) : null
  let prompts = 0
  let gateRefused = false
  const stderrOut = (d: Buffer) => {
    if (gateBuf === null || !gate) return void (d.length && h.onStderr?.(d))
    gateBuf = Buffer.concat([gateBuf, d])
    for (;;) {
      const p = gateBuf.indexOf(gate.prompt)
      const r = gateBuf.indexOf(gate.ready)
      if (r !== -1 && (p === -1 || r < p)) {
        // unlocked: what came before READY is sudo's chatter ("Sorry, try again."), dropped
        const rest = gateBuf.subarray(r + gate.ready.length)
        gateBuf = null
        ch.end()
        if (rest.length) h.onStderr?.(rest)
        return
      }
      if (p === -1) return
      gateBuf = gateBuf.subarray(p + gate.prompt.length)
      prompts++
      if (prompts === 1 && gate.password !== undefined) ch.write(gate.password + '\n')
      else {
        // no password, or it was refused: EOF makes sudo give up
        gateRefused = true
        ch.end()
      }
    }
  }
  ch.stderr.on('data', (d: Buffer) => {
    if (header === null) return stderrOut(d)
    header = Buffer.concat([header, d])
    const nl = header.indexOf(10)
    if (nl === -1 && header.length < 64) return
    const first = header.subarray(0, nl === -1 ? header.length : nl).toString('latin1')
    const m = first.startsWith(PID_PREFIX) ? /^\d+$/.exec(first.slice(PID_PREFIX.length)) : null
    const rest = m ? header.subarray(nl + 1) : header
    header = null
    if (m) pid = Number(m[0])
    stderrOut(rest)
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
    else if (gate && (gateRefused || gateBuf !== null) && stopping === undefined) {
      // sudo never let the command start (wrong or missing password, no sudo rule)
      const said = (gateBuf ?? Buffer.alloc(0)).toString('utf8')
      rejectDone(gateRefused || /password is required|incorrect password|no password was provided|a terminal is required/i.test(said) ? gate.refused(gate.password !== undefined) : sudoFailure(said, label))
    } else resolveDone({ code, ...(exitSignal ? { signal: exitSignal } : {}) })
  })
  if (!gate) ch.end() // through sudo, stdin stays open for the password until READY
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (closed) return
      if (pid !== undefined) await killGroup(client, pid, gate?.killVia)
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
      return pid
    },
    done,
    stop,
  }
}

function killGroup(client: Client, pid: number, killVia?: CommandGate['killVia']): Promise<boolean> {
  // `kill -TERM -PGID`, not `-- -PGID`: dash (Debian's sh, a user's login shell) has no `--` in its kill
  const plain = `kill -TERM -${pid} 2>/dev/null || kill -TERM ${pid}`
  // a command run through sudo belongs to root: a kill as the login user would not reach it
  const via = killVia ? killVia(plain) : { command: plain }
  return new Promise<boolean>((resolve) => {
    const giveUp = setTimeout(() => resolve(false), 3000)
    try {
      client.exec(via.command, (err, k) => {
        if (err) {
          clearTimeout(giveUp)
          return resolve(false)
        }
        k.on('exit', (c: number | null) => {
          clearTimeout(giveUp)
          resolve(c === 0)
        })
        k.resume()
        k.stderr.resume()
        if (via.stdin !== undefined) k.end(via.stdin)
        else k.end()
      })
    } catch {
      clearTimeout(giveUp)
      resolve(false)
    }
  })
}
