// mysql2 through the SSH tunnel to the test mail server's MariaDB: TCP and unix socket, credentials
// discovered from each place a mail server keeps them, the profile override with the password from
// the secret store, and the password never in any argv.
import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { DbService, type DbTransport } from '../../electron/services/db/db-service'
import type { DiscoverOptions } from '../../electron/services/db/discover-credentials'
import type { SshConnectionManager } from '../../electron/services/ssh/connection-manager'
import type { DbOverride } from '../../shared/domain/db'
import { runPostdesk } from '../unit/support/run-postdesk'
import { rootSql } from './support/vps-db'
import { tempDataDir, vpsServices, type VpsServices } from './support/vps-services'

let vps: VpsServices
let transport: SshConnectionManager
const expected = { serverVersion: '', schemaVersion: 0 }

beforeAll(async () => {
  vps = await vpsServices()
  await vps.services.connections.connect(vps.profile.id, { acceptFingerprint: vps.conn.hostKeySha256 })
  transport = vps.services.connections as SshConnectionManager
  expected.serverVersion = rootSql('SELECT VERSION()')[0]?.[0] ?? ''
  expected.schemaVersion = Number(rootSql(`SELECT value FROM \`${vps.conn.db.name}\`.config WHERE name = 'version'`)[0]?.[0])
})

interface Recorded {
  argv: string[]
  stdin?: string
}

/** A DbService over the real SSH connection that records every remote command it runs. */
function dbService(o: { override?: DbOverride; secret?: string; discovery?: DiscoverOptions } = {}): { db: DbService; commands: Recorded[] } {
  const commands: Recorded[] = []
  const recording: DbTransport = {
    exec: (id, argv, opts) => {
      commands.push({ argv, ...(typeof opts?.stdin === 'string' ? { stdin: opts.stdin } : {}) })
      return transport.exec(id, argv, opts)
    },
    execAsRoot: (id, argv, opts) => {
      commands.push({ argv, ...(typeof opts?.stdin === 'string' ? { stdin: opts.stdin } : {}) })
      return transport.execAsRoot(id, argv, opts)
    },
    openStream: (id, target, opts) => transport.openStream(id, target, opts),
    connect: (id) => transport.connect(id),
    generationOf: (id) => transport.generationOf(id),
  }
  const db = new DbService({
    transport: recording,
    overrideOf: async () => o.override,
    ...(o.secret !== undefined ? { secrets: { get: async () => o.secret } } : {}),
    ...(o.discovery ? { discovery: o.discovery } : {}),
  })
  return { db, commands }
}

/** How MariaDB sees our session: `localhost` for the socket, `HOST:PORT` (with the client port) for TCP. */
async function clientHost(db: DbService): Promise<string> {
  const rows = await db.query<{ host: string }[]>(vps.profile.id, 'SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()')
  return rows[0]?.host ?? ''
}

function tcpListenersOfThisProcess(): string[] {
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
  return out.split('\n').filter((l) => l.includes(`pid=${process.pid},`))
}

describe('the tunnel', () => {
  it("checks the database with the credentials PostfixAdmin's php config gives (localhost: the unix socket)", async () => {
    const listenersBefore = tcpListenersOfThisProcess()
    const { db } = dbService()
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({
      serverVersion: expected.serverVersion,
      flavor: 'mariadb',
      schemaVersion: expected.schemaVersion,
      database: vps.conn.db.name,
      user: vps.conn.db.user,
      source: 'postfixadmin-php',
      sourceFile: '/etc/postfixadmin/config.inc.php',
      via: 'socket',
      warnings: [],
    })
    expect(['/run/mysqld/mysqld.sock', '/var/run/mysqld/mysqld.sock']).toContain(c.endpoint)
    expect(c.roundTripMs).toBeGreaterThan(0)
    expect(await clientHost(db)).toBe('localhost')
    // No local port was opened for the tunnel.
    expect(tcpListenersOfThisProcess()).toEqual(listenersBefore)
    db.closeAll()
  })

  it('connects over TCP 127.0.0.1:3306 on the server (override host) and MariaDB sees a TCP client', async () => {
    const { db } = dbService({ override: { host: '127.0.0.1', port: 3306 } })
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({ via: 'tcp', endpoint: '127.0.0.1:3306', source: 'postfixadmin-php', schemaVersion: expected.schemaVersion })
    expect(c.warnings).toEqual(["From the profile's DB override: host, port."])
    expect(await clientHost(db)).toMatch(/^(localhost|127\.0\.0\.1):\d+$/) // 127.0.0.1 may be shown by its name
    db.closeAll()
  })

  it('connects over an explicit unix socket path (override socket)', async () => {
    const { db } = dbService({ override: { socket: '/run/mysqld/mysqld.sock' } })
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({ via: 'socket', endpoint: '/run/mysqld/mysqld.sock' })
    expect(await clientHost(db)).toBe('localhost')
    db.closeAll()
  })

  it('reports a socket nobody listens on as refused, naming it', async () => {
    const { db } = dbService({ override: { socket: '/run/mysqld/nothing-here.sock' } })
    await expect(db.check(vps.profile.id)).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('/run/mysqld/nothing-here.sock') })
    db.closeAll()
  })

  it('runs concurrent queries on several pooled connections', async () => {
    const { db } = dbService()
    const ids = await Promise.all(Array.from({ length: 6 }, () => db.query<{ id: number }[]>(vps.profile.id, 'SELECT CONNECTION_ID() AS id, SLEEP(0.2) AS s')))
    const distinct = new Set(ids.map((r) => r[0]?.id))
    expect(distinct.size).toBeGreaterThanOrEqual(2)
    expect(distinct.size).toBeLessThanOrEqual(4) // the pool's maximum
    db.closeAll()
  })
})

describe('credential discovery on the server', () => {
  it('php: the password travels neither in argv nor in the program sent on stdin', async () => {
    const { db, commands } = dbService()
    const c = await db.check(vps.profile.id)
    expect(c.source).toBe('postfixadmin-php')
    const php = commands.find((r) => r.argv[0]?.endsWith('php'))
    expect(php?.argv).toEqual([expect.stringMatching(/\/php$/), '-d', 'display_errors=stderr', '--', '/etc/postfixadmin/config.inc.php'])
    expect(php?.stdin).toContain('<?php')
    for (const r of commands) {
      expect(r.argv.join('\0')).not.toContain(vps.conn.db.password)
      expect(r.stdin ?? '').not.toContain(vps.conn.db.password)
    }
    db.closeAll()
  })

  it('without php (flag): the static reader of config.inc.php + config.local.php', async () => {
    const { db, commands } = dbService({ discovery: { usePhp: false } })
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({ source: 'postfixadmin-static', sourceFile: '/etc/postfixadmin/config.local.php', via: 'socket', schemaVersion: expected.schemaVersion })
    expect(commands.some((r) => r.argv[0]?.endsWith('php'))).toBe(false)
    db.closeAll()
  })

  it("falls back to Postfix's mysql maps (postconf -h virtual_mailbox_maps ...)", async () => {
    const { db } = dbService({ discovery: { sources: ['postfix'] } })
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({ source: 'postfix', sourceFile: expect.stringMatching(/^\/etc\/postfix\/sql\/mysql_.*\.cf$/), via: 'socket', user: vps.conn.db.user, database: vps.conn.db.name })
    db.closeAll()
  })

  it("falls back to Dovecot's SQL connect line (host=/run/mysqld/mysqld.sock)", async () => {
    const { db } = dbService({ discovery: { sources: ['dovecot'] } })
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({ source: 'dovecot', sourceFile: '/etc/dovecot/dovecot-sql.conf.ext', via: 'socket', endpoint: '/run/mysqld/mysqld.sock' })
    db.closeAll()
  })

  it('the override (user and database) with the password from the secret store needs no discovery', async () => {
    const { db, commands } = dbService({ override: { user: vps.conn.db.user, name: vps.conn.db.name, host: '127.0.0.1' }, secret: vps.conn.db.password })
    const c = await db.check(vps.profile.id)
    expect(c).toMatchObject({ source: 'override', sourceFile: null, via: 'tcp', endpoint: '127.0.0.1:3306', warnings: [] })
    expect(commands.some((r) => r.argv.includes('cat') || r.argv[0]?.endsWith('php'))).toBe(false)
    db.closeAll()
  })

  it("the profile's DB override and the DB password in the SecretStore, through the app's own wiring", async () => {
    const { conn } = vps
    const v = await vpsServices({ name: 'db override', profile: { db: { host: '127.0.0.1', port: 3306, user: conn.db.user, name: conn.db.name } } })
    expect((await v.services.profiles.get(v.profile.id)).db).toEqual({ host: '127.0.0.1', port: 3306, user: conn.db.user, name: conn.db.name })
    await v.services.secrets.set(v.profile.id, 'db', conn.db.password)
    await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })
    const c = await v.services.db.check(v.profile.id)
    expect(c).toMatchObject({ source: 'override', sourceFile: null, via: 'tcp', endpoint: '127.0.0.1:3306', user: conn.db.user, warnings: [] })
    // Without the stored password the override cannot log in: auth-failed, the message names the user only.
    await v.services.secrets.delete(v.profile.id, 'db')
    const e = await v.services.db.check(v.profile.id, { rediscover: true }).then(
      () => undefined,
      (x: unknown) => x as { code: string; message: string },
    )
    expect(e?.code).toBe('auth-failed')
    expect(e?.message).not.toContain(conn.db.password)
    v.services.db.closeAll()
  })

  it('a wrong stored password fails as auth-failed after trying every source, without the password in the message', async () => {
    const wrong = 'wrong-Pa55-zzq'
    const { db } = dbService({ secret: wrong })
    const e = await db.check(vps.profile.id).then(
      () => undefined,
      (x: unknown) => x as { code: string; message: string; detail?: { tried?: string[] } },
    )
    expect(e?.code).toBe('auth-failed')
    expect(e?.message).toMatch(/Access denied for user 'postfix'/)
    expect(e?.detail?.tried?.length).toBeGreaterThanOrEqual(4) // php, static, postfix, dovecot
    expect(JSON.stringify(e)).not.toContain(wrong)
    expect(JSON.stringify(e)).not.toContain(vps.conn.db.password)
    db.closeAll()
  })
})

describe('the CLI', () => {
  it('postdesk db NAME check [--json]', async () => {
    const home = tempDataDir()
    const { conn } = vps
    expect((await runPostdesk(home, ['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath, '--accept-host-key', conn.hostKeySha256])).code).toBe(0)
    const json = await runPostdesk(home, ['db', 'vps', 'check', '--json'])
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ serverVersion: expected.serverVersion, schemaVersion: expected.schemaVersion, source: 'postfixadmin-php', via: 'socket' })
    const human = await runPostdesk(home, ['db', 'vps', 'check'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(new RegExp(`^PostfixAdmin schema\\s+${expected.schemaVersion}$`, 'm'))
    expect(human.stdout).toMatch(/^Via\s+unix socket \S+mysqld\.sock on the server, through SSH$/m)
    expect(human.stdout).not.toContain(conn.db.password)
    const bad = await runPostdesk(home, ['db', 'vps', 'drop'])
    expect(bad.code).toBe(2)
  })
})
