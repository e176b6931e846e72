// The tunnel under the failures SSH users of DB tools meet: the SSH link killed (the server-side
// sshd of our connection, SIGKILL) while idle and while a query or an uncommitted transaction runs,
// and MariaDB restarted while in use. Rows go to a scratch database dropped afterwards; MariaDB is
// left running whatever happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SshConnectionManager } from '../../electron/services/ssh/connection-manager'
import type { DbService } from '../../electron/services/db/db-service'
import { createScratchDatabase, ensureMariadbRunning, killServerSide, restartMariadb, rootSql } from './support/vps-db'
import { vpsServices, type VpsServices } from './support/vps-services'

let vps: VpsServices
let db: DbService
let ssh: SshConnectionManager
let scratch: { name: string; drop(): void } | undefined
let table = ''
const id = () => vps.profile.id

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
const marker = (what: string) => `pd-${what}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
/** The server thread running a statement that carries `m` in a comment, as root sees it. */
const runningWith = (m: string) => rootSql(`SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${m}%' AND INFO NOT LIKE '%PROCESSLIST%'`)[0]?.[0]
/** Rows of the scratch table with this marker, including uncommitted ones (READ UNCOMMITTED). */
const dirtyCount = (m: string) => Number(rootSql(`SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED; SELECT COUNT(*) FROM ${table} WHERE marker = '${m}'`)[0]?.[0])
const threadAlive = (threadId: number) => rootSql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${threadId}`)[0]?.[0] === '1'

/** Kills the server side of our current SSH connection and waits until the client has noticed. */
async function killLink(): Promise<void> {
  const before = ssh.generationOf(id())
  const sshConnection = (await ssh.exec(id(), ['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout
  killServerSide(vps.conn, sshConnection)
  await waitFor('the client to notice the lost link', () => ssh.generationOf(id()) !== before)
}

beforeAll(async () => {
  ensureMariadbRunning()
  vps = await vpsServices()
  ssh = vps.services.connections as SshConnectionManager
  db = vps.services.db
  await ssh.connect(id(), { acceptFingerprint: vps.conn.hostKeySha256 })
  scratch = createScratchDatabase(vps.conn)
  table = `\`${scratch.name}\`.t`
  await db.query(id(), `CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, marker VARCHAR(64) NOT NULL, n INT NOT NULL, payload VARCHAR(100), KEY (marker)) ENGINE=InnoDB`)
})

afterAll(() => {
  db?.closeAll()
  try {
    ensureMariadbRunning()
  } finally {
    scratch?.drop()
  }
})

describe('the SSH link is killed', () => {
  it('while idle: the pooled connection is dropped and the next query reconnects and works', async () => {
    await Promise.all([db.query(id(), 'SELECT SLEEP(0.1)'), db.query(id(), 'SELECT SLEEP(0.1)')]) // two idle connections
    const before = ssh.generationOf(id())
    await killLink()
    const rows = await db.query<{ one: number }[]>(id(), 'SELECT 1 AS one')
    expect(rows).toEqual([{ one: 1 }])
    expect(ssh.generationOf(id())).toBeDefined()
    expect(ssh.generationOf(id())).not.toBe(before)
  })

  it('during SELECT SLEEP(5): the query fails at once as disconnected; the next one works', async () => {
    const m = marker('sleep')
    const running = db.query(id(), `SELECT SLEEP(5) AS s /* ${m} */`).then(
      () => ({ ok: true as const }),
      (e: unknown) => ({ ok: false as const, e, at: Date.now() }),
    )
    await waitFor('SLEEP(5) to run on the server', () => runningWith(m))
    const killedAt = Date.now()
    await killLink()
    const r = await running
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.e).toMatchObject({ code: 'disconnected', message: expect.stringMatching(/lost while a query was running/) })
    expect(r.at - killedAt).toBeLessThan(2500) // failed because of the kill, not after the sleep
    expect(await db.query(id(), 'SELECT 2 AS two')).toEqual([{ two: 2 }])
  })

  it('during an uncommitted multi-row INSERT transaction: disconnected, and no row of it exists afterwards', async () => {
    const m = marker('tx')
    let threadId = 0
    const tx = db
      .transaction(id(), async (q) => {
        threadId = (await q.query<{ id: number }[]>('SELECT CONNECTION_ID() AS id'))[0]?.id ?? 0
        const rows = Array.from({ length: 200 }, (_, i) => [m, i, `row ${i} `.padEnd(100, 'x')])
        await q.query(`INSERT INTO ${table} (marker, n, payload) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat())
        await q.query(`SELECT SLEEP(5) /* ${m} */`)
        return 'committed'
      })
      .then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
      )
    await waitFor('the transaction to sleep on the server', () => runningWith(m))
    expect(dirtyCount(m)).toBe(200) // written, not committed: what the kill must undo
    await killLink()
    const r = await tx
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.e).toMatchObject({ code: 'disconnected', detail: { rolledBack: true }, message: expect.stringContaining('was not committed') })
    // The server notices when its session ends (at the latest when SLEEP returns) and rolls back.
    await waitFor('the server session of the transaction to end', () => !threadAlive(threadId))
    expect(dirtyCount(m)).toBe(0)
    expect(await db.query(id(), `SELECT COUNT(*) AS c FROM ${table} WHERE marker = ?`, [m])).toEqual([{ c: 0 }])
    // And a transaction on the new link commits.
    await db.transaction(id(), (q) => q.query(`INSERT INTO ${table} (marker, n) VALUES (?, 1), (?, 2)`, [m, m]))
    expect(await db.query(id(), `SELECT COUNT(*) AS c FROM ${table} WHERE marker = ?`, [m])).toEqual([{ c: 2 }])
  })

  it('in the middle of a long INSERT ... SELECT inside a transaction: nothing of it stays', async () => {
    const m = marker('bulk')
    let threadId = 0
    const tx = db
      .transaction(id(), async (q) => {
        threadId = (await q.query<{ id: number }[]>('SELECT CONNECTION_ID() AS id'))[0]?.id ?? 0
        await q.query(`INSERT INTO ${table} (marker, n) SELECT ?, seq FROM seq_1_to_300000 /* ${m} */`, [m])
      })
      .then(
        () => ({ ok: true as const }),
        (e: unknown) => ({ ok: false as const, e }),
      )
    await waitFor('the INSERT ... SELECT to run on the server', () => runningWith(m))
    await killLink()
    const r = await tx
    expect(r).toMatchObject({ ok: false, e: { code: 'disconnected', detail: { rolledBack: true } } })
    await waitFor('the server session to end (statement finished, then rolled back)', () => !threadAlive(threadId), 60_000)
    expect(dirtyCount(m)).toBe(0)
  })
})

describe('MariaDB restarts while in use', () => {
  it('the query in flight fails as disconnected, queries during the restart fail cleanly, and the pool recovers', async () => {
    await Promise.all([db.query(id(), 'SELECT SLEEP(0.1)'), db.query(id(), 'SELECT SLEEP(0.1)')]) // idle connections that the restart will kill
    const m = marker('restart')
    const inFlight = db.query(id(), `SELECT SLEEP(30) /* ${m} */`).then(
      () => undefined,
      (e: unknown) => e,
    )
    await waitFor('SLEEP(30) to run', () => runningWith(m))

    // Keep using the database during the restart.
    const outcomes: string[] = []
    let stop = false
    const load = (async () => {
      while (!stop) {
        outcomes.push(
          await db.query(id(), 'SELECT 1').then(
            () => 'ok',
            (e: { code?: string }) => e.code ?? 'no-code',
          ),
        )
        await sleep(100)
      }
    })()
    try {
      await restartMariadb(vps.conn)
    } finally {
      ensureMariadbRunning()
    }
    expect(await inFlight).toMatchObject({ code: 'disconnected' })
    // Right after the restart: the connections killed by the shutdown are not handed out again.
    expect(await db.query(id(), 'SELECT 3 AS three')).toEqual([{ three: 3 }])
    await sleep(300)
    stop = true
    await load
    expect(outcomes.at(-1)).toBe('ok')
    // Failures during the restart are the clean kinds only (never an internal error or a hang).
    expect(outcomes.filter((o) => o !== 'ok').every((o) => ['disconnected', 'refused'].includes(o))).toBe(true)
    const c = await db.check(id())
    expect(c.schemaVersion).toBeGreaterThan(0)
  })
})
