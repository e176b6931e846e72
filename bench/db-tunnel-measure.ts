// What the DB tunnel bench measures, shared by the parent (tunnels) and the child that runs inside the
// test server's network namespace (the direct anchor): every path uses the same mysql2 wrapper
// (TunnelConnection) over a different stream, so only the stream differs.
import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { TunnelConnection, type TunnelLogin } from '../electron/services/db/tunnel-connection'

export interface Querier {
  query<T = unknown>(sql: string, values?: readonly unknown[]): Promise<T>
}

/** Milliseconds of each of `n` sequential `SELECT 1` round trips. */
export async function roundTrips(q: Querier, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await q.query('SELECT 1')
    out.push(performance.now() - t)
  }
  return out
}

/** Milliseconds of each of `n` full fetches of `table` (checks the row count each time). */
export async function fetches(q: Querier, table: string, n: number, expectRows: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    const rows = await q.query<unknown[]>(`SELECT id, payload FROM ${table}`)
    out.push(performance.now() - t)
    if (rows.length !== expectRows) throw new Error(`fetched ${rows.length} rows, expected ${expectRows}`)
  }
  return out
}

/** A plain TCP socket with TCP_NODELAY, as mysql2 makes its own when it is not given a stream. */
export function tcpStream(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port })
    s.setNoDelay(true)
    s.once('connect', () => resolve(s))
    s.once('error', reject)
  })
}

export async function tcpConnection(host: string, port: number, login: TunnelLogin): Promise<TunnelConnection> {
  return TunnelConnection.open(await tcpStream(host, port), 0, login)
}
