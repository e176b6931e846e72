import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'

// What runCommand and streamCommand share about a command on the server: the PID line the remote shell
// writes first on stderr (so the command's whole process group can be killed over a second channel:
// SSH "signal" requests are refused by OpenSSH for root logins and unknown to old servers such as
// CentOS 6's), the sudo gate read on stderr, and that kill.

const PID_PREFIX = 'postdesk-pid:'
const PID_REPORT = `printf '${PID_PREFIX}%s\\n' "$$" >&2; `

/** The command line with the PID report in front (a Buffer stays a Buffer: names need not be UTF-8). */
export const withPidReport = (command: string | Buffer): string | Buffer => (typeof command === 'string' ? PID_REPORT + command : Buffer.concat([Buffer.from(PID_REPORT), command]))

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
 * The start of a command's stderr: the remote shell's PID line, read and cut off. feed() returns the
 * stderr that follows it (null while the line is still incomplete); a first line that is not a PID
 * line (not a POSIX login shell) is left in stderr as it is.
 */
export class PidLineReader {
  pid: number | undefined
  /** Whether the first line has been read (with or without a PID). */
  done = false
  private header = Buffer.alloc(0)

  feed(d: Buffer): Buffer | null {
    if (this.done) return d
    this.header = Buffer.concat([this.header, d])
    const nl = this.header.indexOf(10)
    if (nl === -1 && this.header.length < 64) return null
    const first = this.header.subarray(0, nl === -1 ? this.header.length : nl).toString('latin1')
    const m = first.startsWith(PID_PREFIX) ? /^\d+$/.exec(first.slice(PID_PREFIX.length)) : null
    this.done = true
    if (m) this.pid = Number(m[0])
    return m ? this.header.subarray(nl + 1) : this.header
  }

  /** What was held back while the first line was incomplete (the channel closed first). */
  pending(): Buffer {
    return this.done ? Buffer.alloc(0) : this.header
  }
}

/**
 * A CommandGate read on stderr: writes the password on the first prompt (EOF on a second one, or with
 * no password: sudo gives up), and calls onReady with the stderr after READY once the command itself
 * runs. What came before READY is sudo's chatter ("Sorry, try again."), dropped.
 */
export class GateReader {
  private held: Buffer | null = Buffer.alloc(0)
  private prompts = 0
  /** A prompt came that was not answered: no password, or the one we gave was refused. */
  refusedPassword = false

  constructor(
    private readonly gate: CommandGate,
    private readonly channel: () => ClientChannel | undefined,
    private readonly onReady: (rest: Buffer) => void,
  ) {}

  /** Whether the command itself runs (READY seen). */
  get open(): boolean {
    return this.held === null
  }

  feed(d: Buffer): void {
    if (this.held === null) return
    this.held = Buffer.concat([this.held, d])
    for (;;) {
      const p = this.held.indexOf(this.gate.prompt)
      const r = this.held.indexOf(this.gate.ready)
      if (r !== -1 && (p === -1 || r < p)) {
        const rest = this.held.subarray(r + this.gate.ready.length)
        this.held = null
        return this.onReady(rest)
      }
      if (p === -1) return
      this.held = this.held.subarray(p + this.gate.prompt.length)
      this.prompts++
      const ch = this.channel()
      if (!ch) return
      if (this.prompts === 1 && this.gate.password !== undefined) ch.write(this.gate.password + '\n')
      else {
        this.refusedPassword = true
        ch.end()
      }
    }
  }

  /** Why the command never ran (the channel closed with the gate shut); `said` is sudo's stderr before the held part. */
  failure(label: string, said: Buffer = Buffer.alloc(0)): AppError {
    const text = Buffer.concat([said, this.held ?? Buffer.alloc(0)]).toString('utf8')
    if (this.refusedPassword || /password is required|incorrect password|no password was provided|a terminal is required/i.test(text)) return this.gate.refused(this.gate.password !== undefined)
    return sudoFailure(text, label)
  }
}

/** sudo's own refusals (not the command's): no sudo rule, not in sudoers, sudo missing. */
export function sudoFailure(said: string, label: string): AppError {
  const line = said.split('\n').find((l) => /\S/.test(l))?.trim().slice(0, 300) ?? ''
  if (/not in the sudoers|not allowed to (run|execute)|may not run sudo/i.test(said)) return new AppError('permission-denied', `sudo refused to run ${label}: ${line}`)
  if (/sudo: (command )?not found|sudo: not found/i.test(said)) return new AppError('unsupported', `sudo is not installed on the server, so ${label} cannot run as root.`)
  return new AppError('remote-failed', `sudo did not start ${label}${line ? `: ${line}` : ''}.`)
}

/**
 * Sends `signal` to the remote process group `pid` (the shell that reported it) over a second channel,
 * through `killVia` for a command that runs as root; true if the kill worked within `giveUpMs`.
 */
export function killRemoteGroup(client: Client, pid: number, signal: 'KILL' | 'TERM', killVia: CommandGate['killVia'], giveUpMs: number): Promise<boolean> {
  // `kill -SIG -PGID`, not `-- -PGID`: dash (Debian's sh, a user's login shell) has no `--` in its kill.
  const plain = `kill -${signal} -${pid} 2>/dev/null || kill -${signal} ${pid}`
  // A command run through sudo belongs to root: a kill as the login user would not reach it.
  const via = killVia ? killVia(plain) : { command: plain }
  return new Promise<boolean>((resolve) => {
    const giveUp = setTimeout(() => resolve(false), giveUpMs)
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
