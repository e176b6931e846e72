// Restarting (or stopping and starting) the database from the services area must not leave Postfix
// refusing mail: its proxymap/trivial-rewrite processes keep their MySQL connections to the old server,
// the next lookup fails and Postfix answers "451 4.3.0 Temporary lookup failure" for the maps'
// retry_interval (60 s). The services area follows a database restart/start with a verified
// `postfix reload`; mail sent right afterwards to a virtual mailbox is accepted and delivered. Dovecot
// (passdb/userdb over SQL) is not reloaded: its SQL pool reconnects and retries by itself, which the
// LMTP delivery (userdb) and the IMAP login (passdb) right after the restart show, with its SQL pool's
// "Query failed, retrying" in the mail log. The CLI (`postdesk service restart NAME database`) says so.
//
// Holds the mail-config lock (Postfix is reloaded and delivery depends on the database); afterAll
// leaves MariaDB running and reloads Postfix once more so no lookup process is left with a dead
// connection whatever happened, and removes the test domain.
import { readFileSync, rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { lockMailConfig } from './support/config-lock'
import { imapLogin, inServer, pfaCli, sendMail, uniqueDomain, waitForMail } from './support/mail-fixture'
import { loadConnection } from './support/vps'
import { ensureMariadbRunning, rootSql } from './support/vps-db'
import { connectedVpsServices, tempDataDir, type VpsServices } from './support/vps-services'

const conn = loadConnection()
const PASS = 'Restart-pass-42'
const d = uniqueDomain()
const user = `box@${d}`
let vps: VpsServices
let id: string
let release: () => void = () => undefined

/** Sends one message to the test mailbox; swaks' transcript must show no temporary failure. */
async function deliverNow(tag: string): Promise<{ code: number; transcript: string }> {
  const r = await sendMail(conn.host, user, tag)
  return { code: r.code, transcript: r.stdout + r.stderr }
}
const MAIL_LOG = '/var/log/mail.log'
const logSize = (): number => readFileSync(MAIL_LOG).length
/** Dovecot's own recovery, logged by its SQL pool (lib-sql) when a query met the old server's closed connection. */
async function dovecotRetriedSince(offset: number): Promise<string | undefined> {
  const until = Date.now() + 10_000
  for (;;) {
    const line = readFileSync(MAIL_LOG).subarray(offset).toString('utf8').split('\n').find((l) => / dovecot: auth-worker\(\d+\): Warning: sqlpool\(mysql\): Query failed, retrying: /.test(l))
    if (line || Date.now() > until) return line
    await new Promise((r) => setTimeout(r, 300))
  }
}
const tempFailures = (transcript: string) => transcript.split('\n').filter((l) => /^\s*<\*{0,3}\s*4\d\d[ -]/.test(l))

beforeAll(async () => {
  release = await lockMailConfig()
  ensureMariadbRunning()
  expect((await pfaCli('domain', 'add', d, '--description', 'services db restart test', '--aliases', '0', '--mailboxes', '0', '--active', '1', '--default-aliases', '0')).code).toBe(0)
  expect((await pfaCli('mailbox', 'add', user, '--password', PASS, '--password2', PASS, '--name', 'Restart test', '--quota', '0', '--active', '1', '--welcome-mail', '0')).code).toBe(0)
  vps = await connectedVpsServices()
  id = vps.profile.id
}, 900_000)

afterAll(async () => {
  try {
    ensureMariadbRunning()
    // fresh lookup processes whatever a failed test left behind (what the server had before)
    await inServer(['postfix', 'reload'])
  } finally {
    await pfaCli('mailbox', 'delete', user).catch(() => undefined)
    await pfaCli('domain', 'delete', d).catch(() => undefined)
    try {
      rootSql(`DELETE FROM \`${conn.db.name}\`.log WHERE domain = '${d}'`)
    } catch {
      // nothing logged
    }
    rmSync(`/home/mailuser/${d}`, { recursive: true, force: true })
    release()
  }
}, 300_000)

/** Mail through Postfix and an IMAP login, so Postfix's lookup processes and Dovecot's auth hold live MySQL connections. */
async function warmUp(tag: string): Promise<void> {
  const sent = await deliverNow(tag)
  expect(sent.code, sent.transcript).toBe(0)
  expect(await waitForMail(conn.host, user, PASS, tag, 30_000)).toBe(true)
}

/** Right after the database came back: accepted at once (no 451), delivered by LMTP, readable over IMAP. */
async function deliveredRightAway(tag: string): Promise<void> {
  const sent = await deliverNow(tag)
  expect(tempFailures(sent.transcript), sent.transcript).toEqual([])
  expect(sent.code, sent.transcript).toBe(0)
  expect(await waitForMail(conn.host, user, PASS, tag, 30_000)).toBe(true)
}

describe('restarting the database from the services area', () => {
  it('reloads Postfix afterwards (verified, same master PID), so mail to a virtual mailbox sent right after is accepted and delivered', { timeout: 300_000 }, async () => {
    const tag = `pd-dbrestart-${Date.now()}`
    await warmUp(`${tag}-before`)
    const postfixBefore = await vps.services.systemServices.status(id, 'postfix')
    const dovecotBefore = await vps.services.systemServices.status(id, 'dovecot')
    const dbBefore = await vps.services.systemServices.status(id, 'database')
    const logFrom = logSize()

    const r = await vps.services.systemServices.act(id, 'database', 'restart')
    const doneAt = Date.now()
    expect(r, r.reason).toMatchObject({ ok: true, key: 'database', action: 'restart', status: { running: true } })
    expect(r.status.pid).not.toBe(dbBefore.pid)

    // first the mail (what a sender sees), then how: the follow-up Postfix reload
    await deliveredRightAway(`${tag}-after`)
    expect(Date.now() - doneAt).toBeLessThan(30_000)
    expect((await imapLogin(conn.host, user, PASS)).ok).toBe(true)
    expect(r.followUps).toEqual([{ key: 'postfix', action: 'reload', cause: 'mysql-lookups', ok: true, reason: '' }])

    // Postfix reloaded, not restarted; Dovecot left alone (same master process)
    const postfixAfter = await vps.services.systemServices.status(id, 'postfix')
    expect(postfixAfter).toMatchObject({ running: true, pid: postfixBefore.pid })
    expect(postfixAfter.ports).toEqual(expect.arrayContaining(postfixBefore.ports))
    expect((await vps.services.systemServices.status(id, 'dovecot')).pid).toBe(dovecotBefore.pid)
    // its auth worker met the dead connection (warmed up above) and reconnected by itself: the LMTP
    // userdb lookup and the IMAP login above succeeded without a Dovecot reload
    expect(await dovecotRetriedSince(logFrom)).toMatch(/Server has gone away|Lost connection/)

    const journal = await vps.services.journal.list({ server: id, limit: 2 })
    expect(journal.map((e) => [e.area, e.action, e.target, e.result])).toEqual([
      ['services', 'reload', 'postfix', 'ok'],
      ['services', 'restart', 'mariadb', 'ok'],
    ])
  })

  it('a start after a stop is followed by the Postfix reload too; a stop is not', { timeout: 300_000 }, async () => {
    const tag = `pd-dbstart-${Date.now()}`
    await warmUp(`${tag}-before`)
    const stop = await vps.services.systemServices.act(id, 'database', 'stop')
    const start = await vps.services.systemServices.act(id, 'database', 'start')
    expect(stop, stop.reason).toMatchObject({ ok: true, status: { running: false }, followUps: [] })
    expect(start, start.reason).toMatchObject({ ok: true, status: { running: true } })
    await deliveredRightAway(`${tag}-after`)
    expect(start.followUps).toEqual([{ key: 'postfix', action: 'reload', cause: 'mysql-lookups', ok: true, reason: '' }])
  })

  it('postdesk service restart NAME database says that Postfix was reloaded', { timeout: 300_000 }, async () => {
    const h = tempDataDir()
    const add = await runPostdesk(h, ['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath, '--accept-host-key', conn.hostKeySha256])
    expect(add.code, add.stderr).toBe(0)
    const tag = `pd-dbcli-${Date.now()}`
    await warmUp(`${tag}-before`)
    const r = await runPostdesk(h, ['service', 'restart', 'vps', 'database'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^mariadb: restart done in [\d.]+ s, running \(PID \d+, ports 3306\)\.\nPostfix was reloaded so its MySQL lookups reconnect/)
    await deliveredRightAway(`${tag}-after`)
    const json = JSON.parse((await runPostdesk(h, ['service', 'restart', 'vps', 'database', '--json'])).stdout) as { ok: boolean; followUps: unknown[] }
    expect(json).toMatchObject({ ok: true, followUps: [{ key: 'postfix', action: 'reload', cause: 'mysql-lookups', ok: true, reason: '' }] })
  })
})
