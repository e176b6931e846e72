// The direct anchor of bench/db-tunnel-bench.ts. MariaDB listens on 127.0.0.1:3306 inside the test
// server's network namespace only, so this runs there (`ip netns exec pdvps node --import tsx ...`)
// and connects without any tunnel. Commands on stdin, one JSON line each; answers on stdout:
//   {"login": {...}, "table": "db.t", "rows": 10000}  -> {"ready": true}
//   {"rt": 400}                                        -> {"ms": [...]}
//   {"fetch": 6}                                        -> {"ms": [...]}
import { createInterface } from 'node:readline'
import type { TunnelConnection } from '../electron/services/db/tunnel-connection'
import { fetches, roundTrips, tcpConnection } from './db-tunnel-measure'

let conn: TunnelConnection | undefined
let table = ''
let rows = 0
const send = (v: unknown) => process.stdout.write(JSON.stringify(v) + '\n')

for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as { login?: { user: string; password: string; database: string }; table?: string; rows?: number; rt?: number; fetch?: number }
  try {
    if (cmd.login) {
      conn = await tcpConnection('127.0.0.1', 3306, cmd.login)
      table = cmd.table ?? ''
      rows = cmd.rows ?? 0
      send({ ready: true })
    } else if (cmd.rt !== undefined && conn) send({ ms: await roundTrips(conn, cmd.rt) })
    else if (cmd.fetch !== undefined && conn) send({ ms: await fetches(conn, table, cmd.fetch, rows) })
    else send({ error: 'bad command' })
  } catch (e) {
    send({ error: e instanceof Error ? e.message : String(e) })
  }
}
conn?.destroy()
