import type { Duplex } from 'node:stream'
import mysql from 'mysql2'
import type { ConnectionOptions } from 'mysql2'
import { DbOverride, type DbCheck, type DbCredentialSource, type DbVia } from '../../../shared/domain/db'
import { AppError, isAppError } from '../../../shared/errors'
import type { OpenStreamOptions, StreamTarget } from '../ssh/open-stream'
import { describeStreamTarget } from '../ssh/open-stream'
import type { ExecOptions, ExecResult } from '../types'
import { DbPool } from './db-pool'
import { dbError, type DbErrorContext } from './db-errors'
import { parseDbHost, type DbHostSpec } from './db-host'
import { CredentialDiscovery, type DiscoverOptions } from './discover-credentials'
import { TunnelConnection, type TunnelLogin } from './tunnel-connection'

/** What the DB service needs of the SSH layer (SshConnectionManager provides it). */
export interface DbTransport {
  exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** argv as root the profile's way (sudo); used to read root-only config files during discovery. */
  execAsRoot?(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  openStream(serverId: string, target: StreamTarget, opts?: OpenStreamOptions): Promise<Duplex>
  connect(serverId: string): Promise<unknown>
  generationOf(serverId: string): number | undefined
}

/**
 * The one thing the DB service asks of the SecretStore (electron/services/secrets): the stored DB
 * password of a server, kind `db`. Narrow on purpose, so any SecretStore satisfies it.
 */
export interface DbSecretReader {
  get(serverId: string, kind: 'db'): Promise<string | undefined>
}

/** Statements on one connection; values fill `?` placeholders (never spliced into the SQL text). */
export interface DbQuerier {
  query<T = Record<string, unknown>[]>(sql: string, values?: readonly unknown[]): Promise<T>
}

export interface DbServiceOptions {
  transport: DbTransport
  /** The profile's DB override (host/port/socket/user/name); default: none. */
  overrideOf?: (serverId: string) => Promise<DbOverride | undefined>
  secrets?: DbSecretReader
  discovery?: DiscoverOptions
  pool?: { max?: number; idleMs?: number }
  /** Extra mysql2 options (e.g. the bench's rowsAsArray); never host/port/stream/credentials. */
  mysql?: ConnectionOptions
  /** Milliseconds allowed for the server to open the forwarded channel (default 10 s). */
  openTimeoutMs?: number
}

/** How Postdesk reaches one server's database: resolved once, then used by every pooled connection. */
export interface DbRoute {
  source: DbCredentialSource
  sourceFile: string | null
  login: TunnelLogin
  target: StreamTarget
  via: DbVia
  endpoint: string
  configTable: string
  warnings: string[]
}

interface Candidate {
  source: DbCredentialSource
  sourceFile: string | null
  login: TunnelLogin
  host: DbHostSpec
  sockets: string[]
  configTable: string
  warnings: string[]
}

interface ServerDb {
  route?: DbRoute
  resolving?: Promise<DbRoute>
  pool?: DbPool
}

const LOCAL_TCP = '127.0.0.1'

/**
 * The databases of the servers, reached through their SSH connections: credentials discovered on the
 * server (or the profile's override), one small connection pool per server, a query cut off by a lost
 * link reported as `disconnected` (never retried), and the SSH connection re-opened on the next use.
 */
export class DbService {
  private readonly servers = new Map<string, ServerDb>()

  constructor(private readonly o: DbServiceOptions) {}

  /** The route in use (or found now): where, as whom, from which config. Never holds the password in its text fields. */
  async route(serverId: string, opts: { rediscover?: boolean } = {}): Promise<DbRoute> {
    const s = this.server(serverId)
    if (opts.rediscover) this.forget(serverId)
    if (s.route) return s.route
    s.resolving ??= this.resolve(serverId).finally(() => (s.resolving = undefined))
    return s.resolving
  }

  /** Connects (through the tunnel), and reports the server's version and PostfixAdmin's schema version. */
  async check(serverId: string, opts: { rediscover?: boolean } = {}): Promise<DbCheck> {
    const route = await this.route(serverId, opts)
    return this.use(serverId, async (q) => {
      // The median of a few round trips: the first on a fresh connection pays for JIT and buffers.
      const times: number[] = []
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        await q.query('SELECT 1')
        times.push(performance.now() - t0)
      }
      const roundTripMs = Math.round((times.sort((a, b) => a - b)[2] as number) * 1000) / 1000
      const [v] = await q.query<{ version: string }[]>('SELECT VERSION() AS version')
      const serverVersion = String(v?.version ?? '')
      const warnings = [...route.warnings]
      let schemaVersion: number | null = null
      try {
        const rows = await q.query<{ value: unknown }[]>(`SELECT value FROM ${mysql.escapeId(route.configTable)} WHERE name = ?`, ['version'])
        const n = Number(rows[0]?.value)
        schemaVersion = rows.length && Number.isInteger(n) ? n : null
        if (schemaVersion === null) warnings.push(`PostfixAdmin's ${route.configTable} table has no version row.`)
      } catch (e) {
        if (!isAppError(e) || e.code !== 'not-found') throw e
        warnings.push(`Database ${route.login.database} has no PostfixAdmin ${route.configTable} table.`)
      }
      return {
        serverId,
        serverVersion,
        flavor: /mariadb/i.test(serverVersion) ? 'mariadb' : 'mysql',
        schemaVersion,
        database: route.login.database,
        user: route.login.user,
        source: route.source,
        sourceFile: route.sourceFile,
        via: route.via,
        endpoint: route.endpoint,
        roundTripMs,
        checkedAt: new Date().toISOString(),
        warnings,
      }
    })
  }

  /** One statement on a pooled connection. */
  async query<T = Record<string, unknown>[]>(serverId: string, sql: string, values?: readonly unknown[]): Promise<T> {
    return this.use(serverId, (q) => q.query<T>(sql, values))
  }

  /** Several statements on one connection (session variables, locks), without a transaction. */
  async use<T>(serverId: string, fn: (q: DbQuerier) => Promise<T>): Promise<T> {
    const route = await this.route(serverId)
    return this.poolOf(serverId).use((conn) => fn(this.querier(conn, this.context(serverId, route, false))))
  }

  /**
   * fn's statements in one transaction: COMMIT when fn resolves, ROLLBACK when it throws. If the link
   * dies first, the database server rolls the transaction back itself (its session ends): the error
   * is `disconnected` with detail.rolledBack, or detail.commitOutcome 'unknown' if it died during COMMIT.
   */
  async transaction<T>(serverId: string, fn: (q: DbQuerier) => Promise<T>): Promise<T> {
    const route = await this.route(serverId)
    return this.poolOf(serverId).use(async (conn) => {
      const ctx = this.context(serverId, route, true)
      const q = this.querier(conn, ctx)
      await q.query('START TRANSACTION')
      let result: T
      try {
        result = await fn(q)
      } catch (e) {
        if (!conn.dead) await conn.query('ROLLBACK').catch(() => conn.destroy())
        throw e
      }
      try {
        await conn.query('COMMIT')
      } catch (e) {
        throw dbError(e, { ...ctx, phase: 'commit' })
      }
      return result
    })
  }

  /** Drops the cached route and closes the pool (next use discovers again). */
  forget(serverId: string): void {
    const s = this.servers.get(serverId)
    if (!s) return
    s.pool?.close()
    s.pool = undefined
    s.route = undefined
  }

  closeAll(): void {
    for (const id of this.servers.keys()) this.forget(id)
  }

  private server(id: string): ServerDb {
    let s = this.servers.get(id)
    if (!s) this.servers.set(id, (s = {}))
    return s
  }

  private poolOf(serverId: string): DbPool {
    const s = this.server(serverId)
    s.pool ??= new DbPool({
      open: () => this.openConnection(serverId, this.requireRoute(serverId)),
      generation: () => this.o.transport.generationOf(serverId),
      ...this.o.pool,
    })
    return s.pool
  }

  private requireRoute(serverId: string): DbRoute {
    const r = this.servers.get(serverId)?.route
    if (!r) throw new AppError('not-connected', `The database route of server "${serverId}" is not known yet.`)
    return r
  }

  private context(serverId: string, route: DbRoute, inTransaction: boolean): DbErrorContext {
    return { server: serverId, phase: 'query', inTransaction, endpoint: route.endpoint, user: route.login.user }
  }

  private querier(conn: TunnelConnection, ctx: DbErrorContext): DbQuerier {
    return {
      query: async <T>(sql: string, values?: readonly unknown[]) => {
        try {
          return await conn.query<T>(sql, values)
        } catch (e) {
          throw dbError(e, ctx)
        }
      },
    }
  }

  /** SSH first (reconnecting if the link was lost), then a channel to the route's target, then the MySQL login. */
  private async openConnection(serverId: string, route: DbRoute): Promise<TunnelConnection> {
    const t = this.o.transport
    if (t.generationOf(serverId) === undefined) await t.connect(serverId)
    const generation = t.generationOf(serverId)
    if (generation === undefined) throw new AppError('disconnected', `The SSH connection to server "${serverId}" closed again right after connecting.`)
    let channel: Duplex
    try {
      channel = await t.openStream(serverId, route.target, { timeoutMs: this.o.openTimeoutMs ?? 10_000 })
    } catch (e) {
      if (isAppError(e) && e.code === 'not-connected') throw new AppError('disconnected', `The SSH connection to server "${serverId}" was lost while opening the database tunnel.`, { server: serverId })
      if (isAppError(e) && e.code === 'refused') {
        throw new AppError('refused', `The database on server "${serverId}" does not accept connections at ${route.endpoint} (is MariaDB/MySQL running?).`, { ...e.detail, server: serverId })
      }
      throw e
    }
    try {
      return await TunnelConnection.open(channel, generation, route.login, this.o.mysql)
    } catch (e) {
      throw dbError(e, { server: serverId, phase: 'connect', endpoint: route.endpoint, user: route.login.user })
    }
  }

  private async resolve(serverId: string): Promise<DbRoute> {
    const t = this.o.transport
    if (t.generationOf(serverId) === undefined) await t.connect(serverId)
    const override = this.o.overrideOf ? DbOverride.parse((await this.o.overrideOf(serverId)) ?? {}) : {}
    const secret = await this.o.secrets?.get(serverId, 'db')
    const asRoot = t.execAsRoot?.bind(t)
    const discovery = new CredentialDiscovery(
      { exec: (argv, opts) => t.exec(serverId, argv, opts), ...(asRoot ? { execRoot: (argv: string[], opts?: ExecOptions) => asRoot(serverId, argv, opts) } : {}) },
      this.o.discovery,
    )
    let lastAuthError: AppError | undefined

    for await (const c of this.candidates(discovery, override, secret)) {
      for (const route of routesFor(c)) {
        try {
          const conn = await this.openConnection(serverId, route)
          const s = this.server(serverId)
          s.pool?.close()
          s.pool = undefined
          s.route = route
          this.poolOf(serverId).adopt(conn)
          return route
        } catch (e) {
          if (!isAppError(e)) throw e
          // The socket cannot be forwarded here (sshd forbids it or predates it): try TCP next.
          if (e.code === 'unsupported' && route.target.kind === 'socket') continue
          // Wrong credentials or database in this config: the next source may have the right ones.
          if (e.code === 'auth-failed' || (e.code === 'not-found' && e.detail?.mysqlCode === 'ER_BAD_DB_ERROR')) {
            lastAuthError ??= e
            discovery.tried.push(`${c.source} (${c.sourceFile ?? 'override'}): ${e.message}`)
            break
          }
          throw e
        }
      }
    }
    if (lastAuthError) throw new AppError(lastAuthError.code, `${lastAuthError.message} Tried: ${discovery.tried.join('; ')}.`, { ...lastAuthError.detail, tried: discovery.tried })
    throw discovery.nothingFound()
  }

  /** The override alone when it names user and database, else each discovered source with the override's fields on top. */
  private async *candidates(discovery: CredentialDiscovery, ov: DbOverride, secret: string | undefined): AsyncGenerator<Candidate> {
    const hostOf = (fallback: DbHostSpec): DbHostSpec => (ov.socket || ov.host || ov.port ? parseDbHost(ov.host ?? (fallback.kind === 'tcp' ? fallback.host : undefined), ov.port ?? (fallback.kind === 'socket' ? undefined : fallback.port), ov.socket) : fallback)
    if (ov.user && ov.name) {
      const host = hostOf({ kind: 'default-socket', port: 3306 })
      const sockets = host.kind === 'default-socket' ? (await discovery.probe()).sockets : []
      const warnings = secret === undefined ? ['No DB password is stored for this server: logging in without one.'] : []
      yield { source: 'override', sourceFile: null, login: { user: ov.user, database: ov.name, password: secret ?? '' }, host, sockets, configTable: 'config', warnings }
      return
    }
    const overridden = Object.entries(ov).filter(([, v]) => v !== undefined).map(([k]) => k)
    for await (const d of discovery.candidates()) {
      yield {
        source: d.source,
        sourceFile: d.sourceFile,
        login: { user: ov.user ?? d.user, database: ov.name ?? d.database, password: secret ?? d.password },
        host: hostOf(d.host),
        sockets: d.sockets,
        configTable: d.configTable,
        warnings: [...(overridden.length ? [`From the profile's DB override: ${overridden.join(', ')}.`] : []), ...(secret !== undefined ? ['Password from the stored DB password.'] : [])],
      }
    }
  }
}

/** Where a candidate's host leads, best first: the socket, then (if sshd cannot forward sockets) local TCP. */
function routesFor(c: Candidate): DbRoute[] {
  const base = { source: c.source, sourceFile: c.sourceFile, login: c.login, configTable: c.configTable }
  const tcp = (host: string, port: number, warnings: string[]): DbRoute => {
    const target: StreamTarget = { kind: 'tcp', host, port }
    return { ...base, target, via: 'tcp', endpoint: describeStreamTarget(target), warnings }
  }
  const socket = (path: string): DbRoute => ({ ...base, target: { kind: 'socket', path }, via: 'socket', endpoint: path, warnings: c.warnings })
  const socketFallback = (port: number, why: string) => tcp(LOCAL_TCP, port, [...c.warnings, why])
  switch (c.host.kind) {
    case 'tcp':
      return [tcp(c.host.host, c.host.port, c.warnings)]
    case 'socket':
      return [socket(c.host.path), socketFallback(3306, `sshd does not forward unix sockets here; used TCP ${LOCAL_TCP}:3306 instead of ${c.host.path}.`)]
    case 'default-socket': {
      const path = c.sockets[0]
      if (!path) return [tcp(LOCAL_TCP, c.host.port, [...c.warnings, `No MySQL socket found on the server for "localhost"; used TCP ${LOCAL_TCP}:${c.host.port}.`])]
      return [socket(path), socketFallback(c.host.port, `sshd does not forward unix sockets here; used TCP ${LOCAL_TCP}:${c.host.port} for "localhost".`)]
    }
  }
}

/** A profile's DB override, if it has a valid one (the `db` block of a server profile). */
export function profileDbOverride(profile: object): DbOverride | undefined {
  const raw = (profile as Record<string, unknown>)['db']
  if (raw === undefined || raw === null) return undefined
  const parsed = DbOverride.safeParse(raw)
  return parsed.success ? parsed.data : undefined
}
