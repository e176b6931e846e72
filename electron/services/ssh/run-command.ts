import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'

// The remote shell first reports its PID on stderr (stripped again below). A timed-out or cancelled
// command is then killed with its whole process group (sshd makes each session a new session/group)
// over a second channel: SSH "signal" requests are refused by OpenSSH for root logins ("session
// signalling requires privilege separation") and unknown to old servers such as CentOS 6's.
const PID_PREFIX = 'postdesk-pid:'
const PID_REPORT = `printf '${PID_PREFIX}%s\\n' "$$" >&2; `
const withPidReport = (command: string | Buffer): string | Buffer => (typeof command === 'string' ? PID_REPORT + command : Buffer.concat([Buffer.from(PID_REPORT), command]))

/** An ExecResult whose streams are the exact bytes (for non-UTF-8 output). */
export interface ExecBytesResult {
  code: number | null
  signal?: string
  stdout: Buffer
  stderr: Buffer
}

/**
 * A command that must be unlocked on stderr before it gets its stdin: `sudo -S -p PROMPT -- sh -c
 * 'printf READY >&2; exec "$@"'`. When PROMPT appears the password is written (once: a second prompt
 * means it was refused); when READY appears, the command itself runs and gets `opts.stdin`. Neither
 * marker nor the password ever reaches the caller's stderr.
 */
export interface CommandGate {
  prompt: string
  ready: string
  password?: string
  /** Wraps the kill command used to stop a timed-out command (e.g. through sudo, as it runs as root). */
  killVia?: (killCommand: string) => { command: string; stdin?: string }
  /** The error when sudo asked for a password we do not have or refused the one we gave. */
  refused: (hadPassword: boolean) => AppError
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
    let pid: number | undefined
    let pidKnown: (pid: number | undefined) => void = () => undefined
    // Settles once the remote shell's PID is read, or once it is clear it will not come.
    const pidReady = new Promise<number | undefined>((r) => (pidKnown = r))
    let header: Buffer | null = Buffer.alloc(0) // stderr until the PID line has been read; then null
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let code: number | null = null
    let exitSignal: string | undefined
    // The gate's state: stderr held back until READY; how often the prompt was seen.
    let gateBuf: Buffer | null = gate ? Buffer.alloc(0) : null
    let prompts = 0
    let gateRefused = false
    const pushStderr = (d: Buffer) => {
      if (gateBuf === null || !gate) return void stderr.push(d)
      gateBuf = Buffer.concat([gateBuf, d])
      for (;;) {
        const p = gateBuf.indexOf(gate.prompt)
        const r = gateBuf.indexOf(gate.ready)
        if (r !== -1 && (p === -1 || r < p)) {
          // Unlocked: what came before READY is sudo's chatter ("Sorry, try again."), dropped.
          const rest = gateBuf.subarray(r + gate.ready.length)
          gateBuf = null
          if (rest.length) stderr.push(rest)
          const ch = channel
          if (ch) {
            if (opts.stdin !== undefined) ch.end(opts.stdin)
            else ch.end()
          }
          return
        }
        if (p === -1) return
        gateBuf = gateBuf.subarray(p + gate.prompt.length)
        prompts++
        const ch = channel
        if (!ch) return
        if (prompts === 1 && gate.password !== undefined) ch.write(gate.password + '\n')
        else {
          // No password, or it was refused: EOF makes sudo give up ("no password was provided").
          gateRefused = true
          ch.end()
        }
      }
    }

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
      // ssh2 sends a Buffer command as is (its typings say string only): names need not be UTF-8.
      client.exec(withPidReport(command) as string, (err, ch) => {
        if (err) return failToStart(err)
        channel = ch
        // Even if already timed out or cancelled, the command now runs: keep reading so its PID can be killed.
        ch.on('data', (d: Buffer) => stdout.push(d))
        ch.stderr.on('data', (d: Buffer) => {
          if (header === null) return pushStderr(d)
          header = Buffer.concat([header, d])
          const nl = header.indexOf(10)
          if (nl === -1 && header.length < 64) return
          const first = header.subarray(0, nl === -1 ? header.length : nl).toString('latin1')
          const m = first.startsWith(PID_PREFIX) ? /^\d+$/.exec(first.slice(PID_PREFIX.length)) : null
          const h = header
          header = null
          if (m) {
            pid = Number(m[0])
            pushStderr(h.subarray(nl + 1))
          } else pushStderr(h) // not a POSIX login shell's output: leave stderr as it is
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
          if (gate && (gateRefused || gateBuf !== null)) {
            // Never unlocked: sudo refused (wrong or missing password, or no sudo rule at all).
            const said = Buffer.concat([...stderr, gateBuf ?? Buffer.alloc(0)]).toString('utf8')
            if (gateRefused || /password is required|incorrect password|no password was provided|a terminal is required/i.test(said)) return reject(gate.refused(gate.password !== undefined))
            return reject(sudoFailure(said, label))
          }
          resolve({
            code,
            ...(exitSignal ? { signal: exitSignal } : {}),
            stdout: Buffer.concat(stdout),
            stderr: Buffer.concat(stderr),
          })
        })
        ch.on('error', (e: Error) => {
          pidKnown(pid)
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
  let stopped = false
  if (pid !== undefined) {
    // `kill -KILL -PGID`, not `-- -PGID`: dash (Debian's sh, a user's login shell) has no `--` in its kill.
    const plain = `kill -KILL -${pid} 2>/dev/null || kill -KILL ${pid}`
    // A command run through sudo belongs to root: a kill as the login user would not reach it.
    const via = killVia ? killVia(plain) : { command: plain }
    stopped = await new Promise<boolean>((resolve) => {
      const giveUp = setTimeout(() => resolve(false), 5000)
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
  const ch = channel()
  if (ch) closeQuietly(ch)
  return stopped
}

/** sudo's own refusals (not the command's): no sudo rule, not in sudoers, sudo missing. */
export function sudoFailure(said: string, label: string): AppError {
  const line = said.split('\n').find((l) => /\S/.test(l))?.trim().slice(0, 300) ?? ''
  if (/not in the sudoers|not allowed to (run|execute)|may not run sudo/i.test(said)) return new AppError('permission-denied', `sudo refused to run ${label}: ${line}`)
  if (/sudo: (command )?not found|sudo: not found/i.test(said)) return new AppError('unsupported', `sudo is not installed on the server, so ${label} cannot run as root.`)
  return new AppError('remote-failed', `sudo did not start ${label}${line ? `: ${line}` : ''}.`)
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
