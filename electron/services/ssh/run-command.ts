import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'

// The remote shell first reports its PID on stderr (stripped again below). A timed-out or cancelled
// command is then killed with its whole process group (sshd makes each session a new session/group)
// over a second channel: SSH "signal" requests are refused by OpenSSH for root logins ("session
// signalling requires privilege separation") and unknown to old servers such as CentOS 6's.
const PID_PREFIX = 'postdesk-pid:'
const withPidReport = (command: string) => `printf '${PID_PREFIX}%s\\n' "$$" >&2; ${command}`

/**
 * Runs one already-quoted command line on an open connection: stdin is written then closed (EOF, so
 * commands that read it do not wait forever), stdout/stderr are collected and decoded once at the end
 * (a UTF-8 character split across packets stays intact). A timeout or an abort stops the command on
 * the server, closes the channel and rejects with 'timeout' / 'cancelled'.
 */
export function runCommand(client: Client, command: string, label: string, opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new AppError('cancelled', `${label} was cancelled before it started.`))
    let channel: ClientChannel | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined
    let pid: number | undefined
    let pidKnown: (pid: number | undefined) => void = () => undefined
    // Settles once the remote shell's PID is read, or once it is clear it will not come.
    const pidReady = new Promise<number | undefined>((r) => (pidKnown = r))
    let header: Buffer | null = Buffer.alloc(0) // stderr until the PID line has been read; then null
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let code: number | null = null
    let exitSignal: string | undefined

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
      void pidSoon.then((p) => stopRemote(client, () => channel, p)).then((stopped) => reject(make(stopped)))
    }
    const onAbort = () => stopAndReject((stopped) => new AppError('cancelled', `${label} was cancelled${stopped ? ' and stopped' : `; it may still be running on the server${pid ? ` (pid ${pid})` : ''}`}.`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.timeoutMs !== undefined) {
      const ms = opts.timeoutMs
      timer = setTimeout(
        () => stopAndReject((stopped) => new AppError('timeout', `${label} did not finish within ${formatDuration(ms)}; ${stopped ? 'it was stopped' : `it may still be running on the server${pid ? ` (pid ${pid})` : ''}`}.`, { timeoutMs: ms })),
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
      client.exec(withPidReport(command), (err, ch) => {
        if (err) return failToStart(err)
        channel = ch
        // Even if already timed out or cancelled, the command now runs: keep reading so its PID can be killed.
        ch.on('data', (d: Buffer) => stdout.push(d))
        ch.stderr.on('data', (d: Buffer) => {
          if (header === null) return void stderr.push(d)
          header = Buffer.concat([header, d])
          const nl = header.indexOf(10)
          if (nl === -1 && header.length < 64) return
          const first = header.subarray(0, nl === -1 ? header.length : nl).toString('latin1')
          const m = first.startsWith(PID_PREFIX) ? /^\d+$/.exec(first.slice(PID_PREFIX.length)) : null
          if (m) {
            pid = Number(m[0])
            stderr.push(header.subarray(nl + 1))
          } else stderr.push(header) // not a POSIX login shell's output: leave stderr as it is
          header = null
          pidKnown(pid)
        })
        ch.on('exit', (c: number | null, sig?: string) => {
          code = typeof c === 'number' ? c : null
          if (sig) exitSignal = sig
        })
        ch.on('close', () => {
          pidKnown(pid)
          if (settled) return
          cleanup()
          if (header?.length) stderr.push(header)
          resolve({
            code,
            ...(exitSignal ? { signal: exitSignal } : {}),
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
          })
        })
        ch.on('error', (e: Error) => {
          pidKnown(pid)
          if (settled) return
          cleanup()
          reject(new AppError('disconnected', `${label} lost its channel: ${e.message}.`))
        })
        if (opts.stdin !== undefined) ch.end(opts.stdin)
        else ch.end()
      })
    } catch (e) {
      failToStart(e instanceof Error ? e : new Error(String(e)))
    }
  })
}

/** Kills the remote process group (if its PID is known) and closes the channel; true if the kill worked. */
async function stopRemote(client: Client, channel: () => ClientChannel | undefined, pid: number | undefined): Promise<boolean> {
  let stopped = false
  if (pid !== undefined) {
    stopped = await new Promise<boolean>((resolve) => {
      const giveUp = setTimeout(() => resolve(false), 5000)
      try {
        client.exec(`kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid}`, (err, k) => {
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
