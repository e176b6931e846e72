import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'

// A command whose output is delivered as it arrives (log following, log search), for as long as it
// runs. Like runCommand, the remote shell first reports its PID on stderr, so that stop() can kill its
// whole process group over a second channel (SSH "signal" requests are refused for root logins and
// unknown to old servers); closing the channel alone would leave a polling loop running until its
// next write.
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
export function streamCommand(client: Client, command: string, label: string, h: StreamHandlers, opts: { signal?: AbortSignal } = {}): Promise<StreamingExec> {
  return new Promise<StreamingExec>((resolveStart, rejectStart) => {
    if (opts.signal?.aborted) return rejectStart(new AppError('cancelled', `${label} was cancelled before it started.`))
    try {
      client.exec(PID_REPORT + command, (err, ch) => {
        if (err) return rejectStart(new AppError('disconnected', `Could not start ${label} on the server: ${err.message}.`))
        resolveStart(attach(client, ch, label, h, opts.signal))
      })
    } catch (e) {
      rejectStart(new AppError('disconnected', `Could not start ${label} on the server: ${e instanceof Error ? e.message : String(e)}.`))
    }
  })
}

function attach(client: Client, ch: ClientChannel, label: string, h: StreamHandlers, signal: AbortSignal | undefined): StreamingExec {
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
  ch.stderr.on('data', (d: Buffer) => {
    if (header === null) return void h.onStderr?.(d)
    header = Buffer.concat([header, d])
    const nl = header.indexOf(10)
    if (nl === -1 && header.length < 64) return
    const first = header.subarray(0, nl === -1 ? header.length : nl).toString('latin1')
    const m = first.startsWith(PID_PREFIX) ? /^\d+$/.exec(first.slice(PID_PREFIX.length)) : null
    const rest = m ? header.subarray(nl + 1) : header
    header = null
    if (m) pid = Number(m[0])
    if (rest.length) h.onStderr?.(rest)
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
    else resolveDone({ code, ...(exitSignal ? { signal: exitSignal } : {}) })
  })
  ch.end()
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (closed) return
      if (pid !== undefined) await killGroup(client, pid)
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

function killGroup(client: Client, pid: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const giveUp = setTimeout(() => resolve(false), 3000)
    try {
      client.exec(`kill -TERM -- -${pid} 2>/dev/null || kill -TERM ${pid}`, (err, k) => {
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
        k.end()
      })
    } catch {
      clearTimeout(giveUp)
      resolve(false)
    }
  })
}
