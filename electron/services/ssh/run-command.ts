import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'

/**
 * Runs one already-quoted command line on an open connection: stdin is written then closed (EOF, so
 * commands that read it do not wait forever), stdout/stderr are collected and decoded once at the end
 * (a UTF-8 character split across chunks stays intact). A timeout or an abort closes the channel.
 */
export function runCommand(client: Client, command: string, label: string, opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled(label))
    let channel: ClientChannel | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let code: number | null = null
    let exitSignal: string | undefined

    const finish = (outcome: { error: AppError } | { result: ExecResult }) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if ('error' in outcome) {
        stop(channel)
        reject(outcome.error)
      } else resolve(outcome.result)
    }
    const onAbort = () => finish({ error: cancelled(label) })
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.timeoutMs !== undefined) {
      const ms = opts.timeoutMs
      timer = setTimeout(() => finish({ error: new AppError('timeout', `${label} did not finish within ${formatSeconds(ms)}; it was stopped.`, { timeoutMs: ms }) }), ms)
    }

    try {
      client.exec(command, (err, ch) => {
        if (err) return finish({ error: new AppError('disconnected', `Could not start ${label} on the server: ${err.message}.`) })
        channel = ch
        if (settled) return stop(ch) // aborted or timed out while the channel was opening
        ch.on('data', (d: Buffer) => stdout.push(d))
        ch.stderr.on('data', (d: Buffer) => stderr.push(d))
        ch.on('exit', (c: number | null, sig?: string) => {
          code = typeof c === 'number' ? c : null
          if (sig) exitSignal = sig
        })
        ch.on('close', () =>
          finish({
            result: {
              code,
              ...(exitSignal ? { signal: exitSignal } : {}),
              stdout: Buffer.concat(stdout).toString('utf8'),
              stderr: Buffer.concat(stderr).toString('utf8'),
            },
          }),
        )
        ch.on('error', (e: Error) => finish({ error: new AppError('disconnected', `${label} lost its channel: ${e.message}.`) }))
        if (opts.stdin !== undefined) ch.end(opts.stdin)
        else ch.end()
      })
    } catch (e) {
      finish({ error: new AppError('disconnected', `Could not start ${label} on the server: ${e instanceof Error ? e.message : String(e)}.`) })
    }
  })
}

// Ask the remote process to stop (OpenSSH >= 7.9 honours signals) and close our side of the channel.
function stop(ch: ClientChannel | undefined): void {
  if (!ch) return
  try {
    ch.signal('KILL')
  } catch {
    // Older servers ignore signal requests; closing the channel is what matters.
  }
  try {
    ch.close()
  } catch {
    // Already closed.
  }
}

function cancelled(label: string): AppError {
  return new AppError('cancelled', `${label} was cancelled.`)
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}
