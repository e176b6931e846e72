// A mailbox over its quota, judged by real delivery: Postdesk writes the quota (MB x quota_multiplier
// bytes), Dovecot's userdb turns it into quota_rule, and LMTP refuses what does not fit. With the
// server's quota_full_tempfail = no (the test server's setting) Postfix bounces the message; with
// quota_full_tempfail = yes (a conf.d drop-in, under the mail-config lock, removed afterwards) it
// defers it and keeps it queued. Postdesk shows Dovecot's usage (doveadm quota get) next to the quota.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MailService } from '../../electron/services/mail/mail-service'
import type { ExecOptions, ExecResult } from '../../electron/services/types'
import type { PostfixAdminSettings } from '../../shared/mail/postfixadmin-settings'
import { lockMailConfig } from './support/config-lock'
import { imapLogin, inServer, serverSettings, TunnelDatabase, uniqueDomain, waitForMail } from './support/mail-fixture'
import { loadConnection } from './support/vps'

const conn = loadConnection()
const HOST = conn.host
const PASS = 'Quota-pass-42'
const DROP_IN = '/etc/dovecot/conf.d/99-postdesk-quota-test.conf'
const MAIL_LOG = '/var/log/mail.log'
let db: TunnelDatabase
let settings: PostfixAdminSettings
let mail: MailService
const d = uniqueDomain()
const execAsRoot = async (_s: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> => inServer(argv, opts?.stdin !== undefined ? { input: String(opts.stdin) } : {})

/** One message of about `kb` KiB over SMTP (body on swaks' stdin), subject = tag. */
function sendBig(to: string, tag: string, kb: number): Promise<{ code: number; out: string }> {
  const line = `${tag} ${'x'.repeat(70)}\n`
  const body = line.repeat(Math.ceil((kb * 1024) / line.length))
  return new Promise((resolve) => {
    const child = execFile('swaks', ['--server', HOST, '--port', '25', '--from', 'tester@client.test', '--to', to, '--header', `Subject: ${tag}`, '--body', '-', '--timeout', '30'], { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, out: String(stdout).slice(-2000) + String(stderr) }),
    )
    child.stdin?.end(body)
  })
}

/** The mail.log line with status= for `to` written after `offset` (Postfix logs the LMTP answer there). */
async function statusLine(to: string, offset: number, ms = 30_000): Promise<string | undefined> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const text = readFileSync(MAIL_LOG).subarray(offset).toString('utf8')
    const line = text.split('\n').find((l) => l.includes(`to=<${to}>`) && / status=(sent|bounced|deferred)/.test(l))
    if (line) return line
    await new Promise((r) => setTimeout(r, 300))
  }
  return undefined
}
const logSize = (): number => readFileSync(MAIL_LOG).length

let release: () => void = () => undefined
beforeAll(async () => {
  // delivery depends on Dovecot's config: hold the mail-config lock (other tests change and reload it)
  release = await lockMailConfig()
  db = await TunnelDatabase.open(conn)
  // quota on, as $CONF['quota'] = 'YES' (the test server's config.local.php leaves it off, where
  // PostfixAdmin writes quota 0 = unlimited)
  settings = { ...(await serverSettings()), quota: true }
  mail = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: 'Postdesk (integration test)', execAsRoot })
  await mail.createDomain('srv', { domain: d, defaultAliases: false, maxquota: 10, quota: 0 })
}, 900_000)
afterAll(async () => {
  await mail.deleteDomain('srv', d).catch(() => undefined)
  await db.query('DELETE FROM log WHERE domain = ?', [d]).catch(() => undefined)
  rmSync(`/home/mailuser/${d}`, { recursive: true, force: true })
  await db?.close()
  release()
})

describe('over quota', () => {
  it('the quota Postdesk writes is the one Dovecot enforces; usage shows; the next message is bounced (quota_full_tempfail = no)', { timeout: 120_000 }, async () => {
    expect((await inServer(['doveconf', '-h', 'quota_full_tempfail'])).stdout.trim()).toBe('no')
    const m = await mail.createMailbox('srv', { localPart: 'tiny', domain: d, password: PASS, quotaMb: 1 })
    expect(m.quotaBytes).toBe(1 * settings.quotaMultiplier)

    const first = `fits-${Date.now()}`
    expect((await sendBig(m.username, first, 600)).code).toBe(0)
    expect(await waitForMail(HOST, m.username, PASS, first, 30_000)).toBe(true)
    const usage = (await mail.mailboxUsage('srv', [m.username]))[m.username]
    expect(usage?.bytes).toBeGreaterThan(600 * 1024)
    expect(usage?.limitBytes).toBe(Math.floor(m.quotaBytes / 1024) * 1024)
    expect(usage?.messages).toBe(1)

    const offset = logSize()
    const second = `over-${Date.now()}`
    expect((await sendBig(m.username, second, 600)).code).toBe(0) // accepted by smtpd: LMTP refuses it at delivery
    const line = await statusLine(m.username, offset)
    expect(line, 'a status line for the over-quota delivery').toBeDefined()
    expect(line).toMatch(/status=bounced/)
    expect(line).toMatch(/5\.2\.2|[Qq]uota/)
    expect((await imapLogin(HOST, m.username, PASS, second)).found).toBe(false)
    expect((await mail.mailboxUsage('srv', [m.username]))[m.username]?.messages).toBe(1)
  })

  it('with quota_full_tempfail = yes the over-quota message is deferred and stays queued', { timeout: 120_000 }, async () => {
    const m = await mail.createMailbox('srv', { localPart: 'tempfail', domain: d, password: PASS, quotaMb: 1 })
    let queued: string[] = []
    try {
      expect(existsSync(DROP_IN)).toBe(false)
      writeFileSync(DROP_IN, 'quota_full_tempfail = yes\n')
      expect((await inServer(['doveadm', 'reload'])).code).toBe(0)
      await new Promise((r) => setTimeout(r, 1000))
      expect((await inServer(['doveconf', '-h', 'quota_full_tempfail'])).stdout.trim()).toBe('yes')

      const first = `fits-${Date.now()}`
      expect((await sendBig(m.username, first, 600)).code).toBe(0)
      expect(await waitForMail(HOST, m.username, PASS, first, 30_000)).toBe(true)
      const offset = logSize()
      const second = `deferred-${Date.now()}`
      expect((await sendBig(m.username, second, 600)).code).toBe(0)
      const line = await statusLine(m.username, offset)
      expect(line).toMatch(/status=deferred/)
      expect(line).toMatch(/4\.2\.2|[Qq]uota/)
      const q = (await inServer(['postqueue', '-j'])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { queue_id: string; recipients: { address: string }[] })
      queued = q.filter((e) => e.recipients.some((r) => r.address === m.username)).map((e) => e.queue_id)
      expect(queued.length).toBe(1)
      expect((await imapLogin(HOST, m.username, PASS, second)).found).toBe(false)
    } finally {
      for (const id of queued) await inServer(['postsuper', '-d', id])
      rmSync(DROP_IN, { force: true })
      await inServer(['doveadm', 'reload'])
      await new Promise((r) => setTimeout(r, 1000))
    }
    expect((await inServer(['doveconf', '-h', 'quota_full_tempfail'])).stdout.trim()).toBe('no')
  })
})
