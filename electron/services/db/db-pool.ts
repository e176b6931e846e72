import { AppError } from '../../../shared/errors'
import type { TunnelConnection } from './tunnel-connection'

export interface DbPoolOptions {
  /** Opens one logged-in connection (SSH channel + MySQL handshake), reconnecting SSH if needed. */
  open(): Promise<TunnelConnection>
  /** The SSH connection generation now, undefined when offline: a connection of an older one is stale. */
  generation(): number | undefined
  /** At most this many connections per server (default 4). */
  max?: number
  /** An idle connection is closed after this long (default 120 s); MariaDB would keep it 8 h. */
  idleMs?: number
}

interface IdleEntry {
  conn: TunnelConnection
  timer: NodeJS.Timeout
}

/**
 * A small pool of tunnel connections to one server's database. It never hands out a connection whose
 * channel is gone or that belongs to an earlier SSH connection: those are dropped and a new one is
 * opened (which reconnects SSH when needed), so the first query after a lost link just works. A query
 * is never retried by the pool: a statement cut off by a lost link fails with `disconnected`.
 */
export class DbPool {
  private readonly idle: IdleEntry[] = []
  /** connections checked out or being opened */
  private busy = 0
  private readonly waiters: (() => void)[] = []
  private closed = false
  private readonly max: number
  private readonly idleMs: number

  constructor(private readonly o: DbPoolOptions) {
    this.max = o.max ?? 4
    this.idleMs = o.idleMs ?? 120_000
  }

  get stats(): { idle: number; busy: number; waiting: number } {
    return { idle: this.idle.length, busy: this.busy, waiting: this.waiters.length }
  }

  async acquire(): Promise<TunnelConnection> {
    for (;;) {
      if (this.closed) throw new AppError('not-connected', 'The database pool of this server was closed.')
      const entry = this.idle.pop()
      if (entry) {
        clearTimeout(entry.timer)
        if (this.usable(entry.conn)) {
          this.busy++
          return entry.conn
        }
        entry.conn.destroy()
        continue
      }
      if (this.busy < this.max) {
        this.busy++
        try {
          const conn = await this.o.open()
          // A dead connection leaves the idle list at once (its channel closed with the SSH link).
          conn.whenDead(() => this.dropIdle(conn))
          return conn
        } catch (e) {
          this.busy--
          this.wakeOne()
          throw e
        }
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  /** Puts a connection opened outside acquire() (the one that proved the route) into the idle list. */
  adopt(conn: TunnelConnection): void {
    this.busy++
    conn.whenDead(() => this.dropIdle(conn))
    this.release(conn)
  }

  /** Gives a connection back; `broken` (or dead, or stale) ones are closed instead of kept. */
  release(conn: TunnelConnection, broken = false): void {
    this.busy--
    if (broken || this.closed || !this.usable(conn)) conn.destroy()
    else {
      const timer = setTimeout(() => this.dropIdle(conn), this.idleMs)
      timer.unref()
      this.idle.push({ conn, timer })
    }
    this.wakeOne()
  }

  /** Runs fn on one connection; a connection that died under it is not put back. */
  async use<T>(fn: (conn: TunnelConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire()
    let broken = false
    try {
      return await fn(conn)
    } catch (e) {
      broken = conn.dead
      throw e
    } finally {
      this.release(conn, broken)
    }
  }

  /** Closes idle connections now and the others when they come back. */
  close(): void {
    this.closed = true
    for (const e of this.idle.splice(0)) {
      clearTimeout(e.timer)
      e.conn.destroy()
    }
    for (const w of this.waiters.splice(0)) w()
  }

  private usable(conn: TunnelConnection): boolean {
    return !conn.dead && conn.generation === this.o.generation()
  }

  private dropIdle(conn: TunnelConnection): void {
    const i = this.idle.findIndex((e) => e.conn === conn)
    if (i < 0) return
    const [e] = this.idle.splice(i, 1)
    if (e) clearTimeout(e.timer)
    conn.destroy()
  }

  private wakeOne(): void {
    this.waiters.shift()?.()
  }
}
