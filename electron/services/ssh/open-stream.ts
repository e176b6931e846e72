import type { Client, ClientChannel } from 'ssh2'
import { AppError } from '../../../shared/errors'

/** Where a forwarded channel leads on the server: a TCP port (direct-tcpip) or a unix socket (direct-streamlocal). */
export type StreamTarget = { kind: 'tcp'; host: string; port: number } | { kind: 'socket'; path: string }

export interface OpenStreamOptions {
  /** How long the server may take to open the channel (sshd connects to the target first). Default 10 s. */
  timeoutMs?: number
}

/** `127.0.0.1:3306`, `[::1]:3306` or `/run/mysqld/mysqld.sock`, for messages. */
export function describeStreamTarget(t: StreamTarget): string {
  if (t.kind === 'socket') return t.path
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`
}

// RFC 4254 section 5.1 reason codes of SSH_MSG_CHANNEL_OPEN_FAILURE.
const ADMINISTRATIVELY_PROHIBITED = 1
const CONNECT_FAILED = 2
const UNKNOWN_CHANNEL_TYPE = 3

/**
 * Opens one forwarded channel on an authenticated connection: what `ssh -L` does per accepted
 * connection, without a local listening port. The channel is a Duplex that carries the bytes of the
 * target's socket; closing it closes the server's side. Failures say which target and why:
 * `refused` (nothing listens there), `unsupported` (the server forbids or does not know this kind of
 * forwarding: AllowTcpForwarding / AllowStreamLocalForwarding, or OpenSSH older than 6.7 for sockets),
 * `timeout`, `disconnected`.
 */
export function openForwardedStream(client: Client, target: StreamTarget, opts: OpenStreamOptions = {}): Promise<ClientChannel> {
  const where = describeStreamTarget(target)
  const timeoutMs = opts.timeoutMs ?? 10_000
  return new Promise<ClientChannel>((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      reject(new AppError('timeout', `The server did not open a forwarded connection to ${where} within ${timeoutMs} ms.`, { target: where, timeoutMs }))
    }, timeoutMs)
    const done = (err: Error | undefined, channel: ClientChannel | undefined) => {
      clearTimeout(timer)
      if (settled) {
        channel?.close() // opened after the timeout: nobody wants it any more
        return
      }
      settled = true
      if (err || !channel) return reject(openFailure(err ?? new Error('no channel'), target, where))
      resolve(channel)
    }
    try {
      // TCP_NODELAY on the SSH socket: a query is one small SSH packet; with Nagle it can sit behind an
      // unacknowledged window adjust until the server's delayed ACK (up to 40 ms). OpenSSH does the same
      // for interactive traffic. (bench/db-tunnel-bench.ts: 10k-row fetch 52 -> 20 ms median.)
      client.setNoDelay(true)
      if (target.kind === 'tcp') client.forwardOut('127.0.0.1', 0, target.host, target.port, done)
      else client.openssh_forwardOutStreamLocal(target.path, done)
    } catch (e) {
      // ssh2 throws synchronously when its socket is no longer writable.
      done(e instanceof Error ? e : new Error(String(e)), undefined)
    }
  })
}

function openFailure(e: Error, target: StreamTarget, where: string): AppError {
  const reason = (e as Error & { reason?: number }).reason
  const said = e.message.replace(/^\(SSH\) Channel open failure: ?/, '').trim()
  const detail = { target: where, ...(reason !== undefined ? { reason } : {}), ...(said ? { serverMessage: said } : {}) }
  if (reason === CONNECT_FAILED) {
    return new AppError('refused', `Nothing on the server accepts connections at ${where}${said ? ` (${said})` : ''}.`, detail)
  }
  if (reason === ADMINISTRATIVELY_PROHIBITED || reason === UNKNOWN_CHANNEL_TYPE) {
    const what = target.kind === 'tcp' ? 'TCP forwarding (AllowTcpForwarding)' : 'unix-socket forwarding (AllowStreamLocalForwarding; OpenSSH 6.7 or later)'
    return new AppError('unsupported', `The server's sshd does not allow ${what}, so ${where} cannot be reached through SSH${said ? ` (${said})` : ''}.`, detail)
  }
  if (/not connected|no response|closed|ended/i.test(e.message)) {
    return new AppError('disconnected', `The SSH connection closed while opening a forwarded connection to ${where}.`, detail)
  }
  return new AppError('remote-failed', `The server could not open a forwarded connection to ${where}: ${said || e.message}.`, detail)
}
