// The test mail server's PostfixAdmin database for the mail repositories: one mysql2 connection whose
// socket is an ssh2 direct-tcpip channel to 127.0.0.1:3306 inside the server (the way the app reaches
// it), the effective $CONF printed by the server's php, and the real tools (postfixadmin-cli, doveadm,
// swaks, IMAP) to judge what Postdesk wrote.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'
import mysql from 'mysql2'
import type { Connection } from 'mysql2'
import { Client } from 'ssh2'
import type { MailDatabase, SqlQuerier } from '../../../electron/services/mail/mail-database'
import { effectiveConfigCommand, parseEffectiveConfigOutput } from '../../../electron/services/mail/postfixadmin-config'
import { postfixAdminSettings, type PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'
import { lockAcrossProcesses } from './config-lock'
import { loadConnection, type VpsConnection } from './vps'

const run = promisify(execFile)

export const CONFIG_LOCAL = '/etc/postfixadmin/config.local.php'

export class TunnelDatabase implements MailDatabase {
  private dead: Error | undefined

  private constructor(
    private readonly ssh: Client,
    private readonly conn: Connection,
  ) {
    // a lost link surfaces here when no query is pending; later queries fail at once
    conn.on('error', (e) => (this.dead ??= e))
    conn.on('end', () => (this.dead ??= new Error('connection ended')))
    ssh.on('error', (e) => (this.dead ??= e))
    ssh.on('close', () => (this.dead ??= new Error('ssh closed')))
  }

  static async open(c: VpsConnection = loadConnection()): Promise<TunnelDatabase> {
    const ssh = new Client()
    await new Promise<void>((resolve, reject) => {
      ssh.once('ready', () => resolve())
      ssh.once('error', reject)
      ssh.connect({ host: c.host, port: c.port, username: c.user, privateKey: readFileSync(c.keyPath), readyTimeout: 15_000 })
    })
    const stream = await new Promise<import('ssh2').ClientChannel>((resolve, reject) => ssh.forwardOut('127.0.0.1', 0, c.db.host, c.db.port, (err, ch) => (err ? reject(err) : resolve(ch))))
    const conn = mysql.createConnection({ stream, user: c.db.user, password: c.db.password, database: c.db.name, charset: 'UTF8MB4_GENERAL_CI', dateStrings: true, supportBigNumbers: true })
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())))
    return new TunnelDatabase(ssh, conn)
  }

  query<T = Record<string, unknown>[]>(sql: string, values?: readonly unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(this.dead)
    return new Promise<T>((resolve, reject) => this.conn.query({ sql, values: values as unknown[] | undefined }, (e, rows) => (e ? reject(e) : resolve(rows as T))))
  }

  private busy: Promise<unknown> = Promise.resolve()

  /** One transaction at a time on the one connection (like one pooled connection per call). */
  transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T> {
    const next = this.busy.then(async () => {
      await this.query('START TRANSACTION')
      try {
        const r = await fn({ query: (sql, values) => this.query(sql, values) })
        await this.query('COMMIT')
        return r
      } catch (e) {
        if (!this.dead) await this.query('ROLLBACK')
        throw e
      }
    })
    this.busy = next.catch(() => undefined)
    return next
  }

  /** The SSH link dies under the connection (what a dropped home connection does). */
  killLink(): void {
    this.ssh.end()
  }

  async close(): Promise<void> {
    if (!this.dead) await new Promise<void>((resolve) => this.conn.end(() => resolve()))
    this.ssh.end()
  }
}

/** The server's effective $CONF, by its own php (the filesystem is shared with the host). */
export async function serverSettings(): Promise<PostfixAdminSettings> {
  const c = loadConnection()
  const argv = effectiveConfigCommand({ configIncPath: '/etc/postfixadmin/config.inc.php' })
  const { stdout } = await run('ip', ['netns', 'exec', c.namespace, ...argv], { maxBuffer: 8 << 20 })
  return postfixAdminSettings(parseEffectiveConfigOutput(stdout))
}

/**
 * Appends PHP lines to config.local.php inside a marked block; the returned function removes exactly
 * that block from whatever the file holds then (so overlapping runs cannot restore a stale copy).
 */
export function patchConfigLocal(lines: string[]): () => void {
  const id = randomBytes(6).toString('hex')
  const begin = `// postdesk integration test ${id} begin`
  const end = `// postdesk integration test ${id} end`
  const before = readFileSync(CONFIG_LOCAL, 'utf8')
  writeFileSync(CONFIG_LOCAL, `${before.trimEnd()}\n${begin}\n${lines.join('\n')}\n${end}\n`)
  return () => {
    const now = readFileSync(CONFIG_LOCAL, 'utf8')
    const b = now.indexOf(`${begin}\n`)
    const e = now.indexOf(`${end}\n`)
    if (b >= 0 && e > b) writeFileSync(CONFIG_LOCAL, now.slice(0, b) + now.slice(e + end.length + 1))
  }
}

const CONFIG_LOCK = '/tmp/postdesk-config-local.lock'

/**
 * Serialises tests that change config.local.php across processes (two runs of the suite at once
 * would otherwise see each other's encrypt setting). Returns the release function.
 */
export function lockConfigLocal(timeoutMs = 600_000): Promise<() => void> {
  return lockAcrossProcesses(CONFIG_LOCK, CONFIG_LOCAL, timeoutMs)
}

export interface ToolResult {
  code: number
  stdout: string
  stderr: string
}

/** A command inside the server's network namespace (as root on the host). */
export async function inServer(argv: string[], opts: { input?: string } = {}): Promise<ToolResult> {
  const c = loadConnection()
  return new Promise((resolve) => {
    const child = execFile('ip', ['netns', 'exec', c.namespace, ...argv], { maxBuffer: 16 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

export const pfaCli = (...args: string[]): Promise<ToolResult> => inServer(['postfixadmin-cli', ...args])

/** `postfixadmin-cli X view ID` as key -> value (its "Key: value" lines). */
export async function pfaView(kind: 'domain' | 'mailbox' | 'alias' | 'aliasdomain', id: string): Promise<Record<string, string> | undefined> {
  const r = await pfaCli(kind, 'view', id)
  if (r.code !== 0) return undefined
  const out: Record<string, string> = {}
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([^:]+?):\s?(.*)$/.exec(line)
    if (m) out[(m[1] as string).trim()] = (m[2] as string).trim()
  }
  return out
}

export const doveadmAuth = async (user: string, pass: string): Promise<boolean> => (await inServer(['doveadm', 'auth', 'test', user, pass])).code === 0

/** An IMAPS session (993; Dovecot refuses plaintext LOGIN on 143): LOGIN, and optionally whether INBOX holds a message containing `needle`. */
export async function imapLogin(host: string, user: string, pass: string, needle?: string): Promise<{ ok: boolean; found: boolean }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host, port: 993, rejectUnauthorized: false })
    let buf = ''
    let step = 0
    const q = (x: string) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
    const done = (r: { ok: boolean; found: boolean }) => {
      s.destroy()
      resolve(r)
    }
    s.setTimeout(15_000, () => {
      s.destroy()
      reject(new Error(`IMAP timeout: ${buf}`))
    })
    s.on('error', reject)
    s.on('data', (d) => {
      buf += d.toString('latin1')
      if (step === 0 && buf.includes('* OK')) {
        step = 1
        buf = ''
        s.write(`a1 LOGIN ${q(user)} ${q(pass)}\r\n`)
      } else if (step === 1 && /^a1 (OK|NO|BAD)/m.test(buf)) {
        if (!/^a1 OK/m.test(buf)) return done({ ok: false, found: false })
        if (needle === undefined) return done({ ok: true, found: false })
        step = 2
        buf = ''
        s.write(`a2 SELECT INBOX\r\na3 SEARCH TEXT ${q(needle)}\r\n`)
      } else if (step === 2 && /^a3 (OK|NO|BAD)/m.test(buf)) {
        const m = /^\* SEARCH([ 0-9]*)/m.exec(buf)
        done({ ok: true, found: !!m && (m[1] ?? '').trim() !== '' })
      }
    })
  })
}

/** Sends one message over SMTP with swaks from the host; returns swaks' exit code and transcript. */
export async function sendMail(host: string, to: string, body: string): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile('swaks', ['--server', host, '--port', '25', '--from', 'tester@client.test', '--to', to, '--body', body, '--header', `Subject: ${body}`, '--timeout', '20'], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

/** Polls IMAP until the message with `needle` is in the mailbox (LMTP delivery is asynchronous). */
export async function waitForMail(host: string, user: string, pass: string, needle: string, ms = 20_000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if ((await imapLogin(host, user, pass, needle)).found) return true
    await new Promise((r) => setTimeout(r, 400))
  }
  return false
}

export const uniqueDomain = (): string => `t${randomBytes(5).toString('hex')}.test`

/** Every row of the PostfixAdmin tables the mail repositories write, for before/after comparisons. */
export async function dumpTables(db: TunnelDatabase): Promise<string> {
  const out: string[] = []
  for (const t of ['domain', 'mailbox', 'alias', 'alias_domain', 'admin', 'domain_admins', 'quota2']) {
    const rows = await db.query<Record<string, unknown>[]>(`SELECT * FROM \`${t}\` ORDER BY 1`)
    out.push(`${t}: ${JSON.stringify(rows)}`)
  }
  const [log] = await db.query<Record<string, unknown>[]>('SELECT COUNT(*) AS n, MAX(id) AS m FROM `log`')
  out.push(`log: ${JSON.stringify(log)}`)
  return out.join('\n')
}
