// `postdesk admin …`, `postdesk mailbox rename` and `mailbox delete --maildir` through the real bin (the
// real SSH layer and DB tunnel), judged by PostfixAdmin's own Login class (an admin added by Postdesk
// logs in to PostfixAdmin with its password), postfixadmin-cli, doveadm and the files on the server.
import { existsSync, rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { MailService } from '../../electron/services/mail/mail-service'
import type { PostfixAdminSettings } from '../../shared/mail/postfixadmin-settings'
import { doveadmAuth, dumpTables, inServer, pfaCli, serverSettings, TunnelDatabase, uniqueDomain } from './support/mail-fixture'
import { loadConnection } from './support/vps'
import { tempDataDir } from './support/vps-services'

const conn = loadConnection()
let home: string
let db: TunnelDatabase
let settings: PostfixAdminSettings
const d1 = uniqueDomain()
const d2 = uniqueDomain()
const admin = `boss@${d1}`
const run = (args: string[], input?: string) => runPostdesk(home, args, { timeoutMs: 90_000, ...(input !== undefined ? { input } : {}) })

/** PostfixAdmin's own login (model/Login.php) for an admin, the password on stdin. */
async function pfaLogin(user: string, password: string): Promise<boolean> {
  const php = 'define("POSTFIXADMIN_CLI", 1); require "/usr/share/postfixadmin/common.php"; $l = new Login("admin"); $p = rtrim(fgets(STDIN), "\\n"); echo $l->login($argv[1], $p) ? "LOGIN-OK\\n" : "LOGIN-NO\\n";'
  const r = await inServer(['php', '-r', php, user], { input: `${password}\n` })
  return r.stdout.includes('LOGIN-OK')
}

beforeAll(async () => {
  home = tempDataDir()
  const added = await run(['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath, '--accept-host-key', conn.hostKeySha256])
  expect(added.code, added.stderr).toBe(0)
  db = await TunnelDatabase.open(conn)
  settings = await serverSettings()
  for (const d of [d1, d2]) expect((await run(['domain', 'add', 'vps', d, '--no-default-aliases'])).code).toBe(0)
})

afterAll(async () => {
  // cleaned up through the service, not the bin: a broken bin must not leave the domains behind
  const mail = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: 'Postdesk (integration test)' })
  await mail.deleteAdmin('srv', admin).catch(() => undefined)
  for (const d of [d1, d2]) {
    await mail.deleteDomain('srv', d).catch(() => undefined)
    await db.query('DELETE FROM log WHERE domain = ?', [d])
    rmSync(`/home/mailuser/${d}`, { recursive: true, force: true })
  }
  await db.query('DELETE FROM log WHERE data = ?', [admin])
  await db.close()
})

describe('postdesk admin', () => {
  it('add (password on stdin), list, domains --add/--remove/--superadmin, passwd, remove; PostfixAdmin logs the admin in', async () => {
    const add = await run(['admin', 'add', 'vps', admin, '--domain', d1, '--json'], 'Boss-pass-42\n')
    expect(add.code, add.stderr).toBe(0)
    expect(JSON.parse(add.stdout)).toMatchObject({ username: admin, superadmin: false, domains: [d1], active: true })
    expect(await pfaLogin(admin, 'Boss-pass-42')).toBe(true)
    expect(await pfaLogin(admin, 'wrong-pass-42')).toBe(false)
    const view = await pfaCli('admin', 'view', admin)
    expect(view.stdout).toContain(admin)

    const list = await run(['admin', 'list', 'vps', '--search', d1])
    expect(list.stdout).toMatch(new RegExp(`^${admin.replace(/\./g, '\\.')}\\s+domain admin\\s+${d1.replace(/\./g, '\\.')}\\s+yes`, 'm'))

    const more = await run(['admin', 'domains', 'vps', admin, '--add', d2, '--json'])
    expect(JSON.parse(more.stdout).domains.sort()).toEqual([d1, d2].sort())
    const less = await run(['admin', 'domains', 'vps', admin, '--remove', d1])
    expect(less.stdout.trim()).toBe(`${admin}: ${d2}`)
    expect(await db.query('SELECT domain FROM domain_admins WHERE username = ? ORDER BY domain', [admin])).toEqual([{ domain: d2 }])
    const sup = await run(['admin', 'domains', 'vps', admin, '--superadmin', 'yes', '--json'])
    expect(JSON.parse(sup.stdout)).toMatchObject({ superadmin: true })
    expect((await db.query<{ domain: string }[]>('SELECT domain FROM domain_admins WHERE username = ? ORDER BY domain', [admin])).map((r) => r.domain)).toContain('ALL')

    const pw = await run(['admin', 'passwd', 'vps', admin], 'Boss-pass-43\n')
    expect(pw.code, pw.stderr).toBe(0)
    expect(await pfaLogin(admin, 'Boss-pass-43')).toBe(true)
    expect(await pfaLogin(admin, 'Boss-pass-42')).toBe(false)

    const refused = await run(['admin', 'remove', 'vps', admin])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/--yes/)
    const gone = await run(['admin', 'remove', 'vps', admin, '--yes', '--json'])
    expect(gone.code, gone.stderr).toBe(0)
    expect(JSON.parse(gone.stdout).removed).toMatchObject({ admin: 1 })
    expect(await db.query('SELECT 1 FROM admin WHERE username = ? UNION ALL SELECT 1 FROM domain_admins WHERE username = ?', [admin, admin])).toEqual([])
    expect(await pfaLogin(admin, 'Boss-pass-43')).toBe(false)
  })

  it('bad admin input: one line on stderr, exit 1, nothing changed', async () => {
    const before = await dumpTables(db)
    const bad = await run(['admin', 'add', 'vps', 'not an email', '--domain', d1], 'Boss-pass-42\n')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1)
    const missing = await run(['admin', 'add', 'vps', `x@${d1}`, '--domain', 'missing-postdesk.test'], 'Boss-pass-42\n')
    expect(missing.code).toBe(1)
    expect(await dumpTables(db)).toBe(before)
  })
})

describe('postdesk mailbox rename / delete --maildir', () => {
  it('rename moves the rows and the Maildir; delete --maildir removes it, a plain delete keeps it', async () => {
    expect((await run(['mailbox', 'add', 'vps', `old@${d1}`], 'Rename-pass-42\n')).code).toBe(0)
    // the Maildir exists once Dovecot touched it (a folder made with doveadm)
    expect((await inServer(['doveadm', 'mailbox', 'create', '-u', `old@${d1}`, 'Archive'])).code).toBe(0)
    const mv = await run(['mailbox', 'rename', 'vps', `old@${d1}`, `new@${d2}`, '--json'])
    expect(mv.code, mv.stderr).toBe(0)
    expect(JSON.parse(mv.stdout)).toMatchObject({ from: `old@${d1}`, mailbox: { username: `new@${d2}` }, maildir: { from: `/home/mailuser/${d1}/old`, to: `/home/mailuser/${d2}/new` } })
    expect(await doveadmAuth(`new@${d2}`, 'Rename-pass-42')).toBe(true)
    expect((await inServer(['doveadm', 'mailbox', 'list', '-u', `new@${d2}`])).stdout).toContain('Archive')

    const keep = await run(['mailbox', 'delete', 'vps', `new@${d2}`, '--yes'])
    expect(keep.code, keep.stderr).toBe(0)
    expect(keep.stdout).toMatch(/stays on the server/)
    expect(existsSync(`/home/mailuser/${d2}/new`)).toBe(true)

    expect((await run(['mailbox', 'add', 'vps', `gone@${d2}`], 'Rename-pass-42\n')).code).toBe(0)
    expect((await inServer(['doveadm', 'mailbox', 'create', '-u', `gone@${d2}`, 'Archive'])).code).toBe(0)
    const ask = await run(['mailbox', 'delete', 'vps', `gone@${d2}`, '--maildir'])
    expect(ask.code).toBe(1)
    expect(ask.stderr).toContain(`/home/mailuser/${d2}/gone`)
    const del = await run(['mailbox', 'delete', 'vps', `gone@${d2}`, '--maildir', '--yes'])
    expect(del.code, del.stderr).toBe(0)
    expect(del.stdout).toContain(`Removed the Maildir /home/mailuser/${d2}/gone`)
    expect(existsSync(`/home/mailuser/${d2}/gone`)).toBe(false)
  })
})
