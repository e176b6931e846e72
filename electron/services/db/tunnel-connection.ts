// One MySQL/MariaDB session whose socket is an SSH channel: mysql2 is handed the ssh2 stream as its
// `stream`, so no local port is listening and nothing else on the desktop can use the tunnel.
import type { Duplex } from 'node:stream'
// mysql2 is CommonJS: Node's ESM loader only offers its default export.
import mysql from 'mysql2'
import type { Connection, ConnectionOptions } from 'mysql2'

export interface TunnelLogin {
  user: string
  password: string
  database: string
}

/** mysql2 options every tunnel connection uses (tunable from the outside, e.g. by the bench). */
export const DEFAULT_MYSQL_OPTIONS: ConnectionOptions = {
  charset: 'UTF8MB4_GENERAL_CI',
  // PostfixAdmin's DATETIME columns are server-local wall-clock times: keep them as the server's text.
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: false,
  multipleStatements: false,
  connectTimeout: 15_000,
}

export class TunnelConnection {
  private deadReason: unknown
  private onDead: (() => void) | undefined

  private constructor(
    private readonly core: Connection,
    private readonly channel: Duplex,
    /** the SSH connection generation the channel belongs to */
    readonly generation: number,
  ) {
    const die = (why: unknown) => this.markDead(why)
    // Fatal errors without a pending query arrive here; a listener must exist or Node throws.
    core.on('error', (e: Error & { fatal?: boolean }) => die(e))
    core.on('end', () => die(new Error('ended')))
    channel.on('close', () => die(new Error('channel closed')))
  }

  /** Logs in over an already open channel; on failure the channel is closed and mysql2's error rethrown. */
  static open(channel: Duplex, generation: number, login: TunnelLogin, options: ConnectionOptions = {}): Promise<TunnelConnection> {
    // The database closed its socket (shutdown, KILL, wait_timeout): sshd forwards that as EOF only and
    // keeps the channel half-open until we close our side too; until then mysql2 would wait for an
    // answer forever. Closing the channel makes it emit 'close', and mysql2 fails the pending query.
    channel.once('end', () => channel.destroy())
    return new Promise<TunnelConnection>((resolve, reject) => {
      let core: Connection
      try {
        core = mysql.createConnection({ ...DEFAULT_MYSQL_OPTIONS, ...options, stream: channel, user: login.user, password: login.password, database: login.database })
      } catch (e) {
        channel.destroy()
        return reject(e)
      }
      const onError = (e: Error) => {
        core.removeListener('connect', onConnect)
        core.destroy()
        channel.destroy()
        reject(e)
      }
      const onConnect = () => {
        core.removeListener('error', onError)
        resolve(new TunnelConnection(core, channel, generation))
      }
      core.once('error', onError)
      core.once('connect', onConnect)
    })
  }

  get dead(): boolean {
    return this.deadReason !== undefined
  }

  get threadId(): number {
    return this.core.threadId
  }

  /** Called once, when the connection dies by itself (link lost, server closed it). */
  whenDead(cb: () => void): void {
    this.onDead = cb
    if (this.dead) cb()
  }

  /** One statement; `?` placeholders are filled by mysql2's escaping (parameterised, never spliced by us). */
  query<T = unknown>(sql: string, values?: readonly unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.dead) return reject(Object.assign(new Error('Connection lost: the connection is in closed state.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))
      this.core.query({ sql, values: values as unknown[] | undefined }, (err, rows) => {
        if (err) {
          if ((err as { fatal?: boolean }).fatal) this.markDead(err)
          return reject(err)
        }
        resolve(rows as T)
      })
    })
  }

  private markDead(why: unknown): void {
    if (this.deadReason !== undefined) return
    this.deadReason = why ?? new Error('closed')
    this.onDead?.()
  }

  destroy(): void {
    this.deadReason ??= new Error('destroyed')
    this.core.destroy()
    this.channel.destroy()
  }
}
