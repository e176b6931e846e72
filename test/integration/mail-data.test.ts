// The mail repositories against the test mail server's PostfixAdmin database, judged by the real
// postfixadmin-cli, Dovecot (doveadm auth test, IMAP) and Postfix (SMTP delivery, 550 for unknown users).
// Every test works in its own t<random>.test domains, removed in afterAll; the seed rows are never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MailService } from '../../electron/services/mail/mail-service'
import { AppError } from '../../shared/errors'
import type { PostfixAdminSettings } from '../../shared/mail/postfixadmin-settings'
import { doveadmAuth, dumpTables, imapLogin, pfaCli, pfaView, sendMail, serverSettings, TunnelDatabase, uniqueDomain, waitForMail } from './support/mail-fixture'
import { loadConnection } from './support/vps'

const ACTOR = 'Postdesk (integration test)'
const conn = loadConnection()
const MAIL_HOST = conn.host
let db: TunnelDatabase
let settings: PostfixAdminSettings
let mail: MailService
const made: string[] = []
const S = 'srv'

async function newDomain(extra: Record<string, unknown> = {}): Promise<string> {
  const d = uniqueDomain()
  made.push(d)
  await mail.createDomain(S, { domain: d, description: 'Postdesk test', ...extra })
  return d
}

async function expectAppError(p: Promise<unknown>, code: string, reason?: string): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e, 'expected an AppError').toBeInstanceOf(AppError)
  const a = e as AppError
  expect(a.code).toBe(code)
  if (reason !== undefined) expect(a.detail?.reason).toBe(reason)
  return a
}

/** The operation fails with the code/reason and leaves every table exactly as it was. */
async function rejectsWithoutChange(op: () => Promise<unknown>, code: string, reason?: string): Promise<AppError> {
  const before = await dumpTables(db)
  const e = await expectAppError(op(), code, reason)
  expect(await dumpTables(db)).toBe(before)
  return e
}

beforeAll(async () => {
  db = await TunnelDatabase.open(conn)
  settings = await serverSettings()
  mail = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: ACTOR })
})

afterAll(async () => {
  for (const d of made) {
    // alias domains first (a target cannot go while used), then the domains with everything in them
    await db.query('DELETE FROM alias_domain WHERE alias_domain = ? OR target_domain = ?', [d, d]).catch(() => undefined)
  }
  for (const d of made) await mail.deleteDomain(S, d).catch(() => undefined)
  await db.query("DELETE FROM log WHERE username = ? AND domain NOT IN ('example.test', 'alias.test', 'seed.test')", [ACTOR]).catch(() => undefined)
  await db?.close()
})

describe('domains', () => {
  it('creates a domain with the $CONF defaults and default aliases; postfixadmin-cli shows it; the log says Postdesk', async () => {
    const d = await newDomain({ description: 'Made by Postdesk' })
    const view = await pfaView('domain', d)
    expect(view?.Domain).toBe(d)
    expect(view?.Description).toBe('Made by Postdesk')
    expect(view?.Active).toBe('YES')
    const row = await mail.getDomain(S, d)
    expect(row).toMatchObject({ aliases: settings.aliases, mailboxes: settings.mailboxes, maxquota: settings.maxquota, transport: settings.transportDefault, active: true, mailboxCount: 0 })
    const aliases = await db.query<{ address: string; goto: string }[]>('SELECT address, goto FROM alias WHERE domain = ? ORDER BY address', [d])
    expect(aliases.map((a) => a.address)).toEqual(Object.keys(settings.defaultAliases).map((k) => `${k}@${d}`).sort())
    const log = await db.query<{ username: string; action: string; data: string }[]>('SELECT username, action, data FROM log WHERE domain = ? ORDER BY id', [d])
    expect(log).toEqual([{ username: ACTOR, action: 'create_domain', data: d }])
  })

  it('never lists the ALL pseudo-domain; lists and edits a domain made by postfixadmin-cli', async () => {
    const hadAll = (await db.query<unknown[]>("SELECT domain FROM domain WHERE domain = 'ALL'")).length > 0
    if (!hadAll) await db.query("INSERT INTO domain (domain, description, transport, created, modified) VALUES ('ALL', '', '', NOW(), NOW())")
    try {
      const d = uniqueDomain()
      made.push(d)
      const r = await pfaCli('domain', 'add', d, '--description', 'by cli', '--aliases', '5', '--mailboxes', '7', '--active', '1', '--default-aliases', '0')
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const all = await mail.listDomains(S, { limit: 1000 })
      expect(all.rows.map((x) => x.domain)).not.toContain('ALL')
      expect(all.rows.map((x) => x.domain)).toContain(d)
      expect(all.total).toBe(all.rows.length)
      const row = all.rows.find((x) => x.domain === d)
      expect(row).toMatchObject({ description: 'by cli', aliases: 5, mailboxes: 7 })
      await mail.editDomain(S, d, { description: 'edited by Postdesk', mailboxes: 9 }, row?.version)
      const view = await pfaView('domain', d)
      expect(view?.Description).toBe('edited by Postdesk')
      expect(view?.Mailboxes).toBe('0 / 9')
    } finally {
      if (!hadAll) await db.query("DELETE FROM domain WHERE domain = 'ALL'")
    }
  })

  it('IDN domains are stored as punycode and found by their Unicode name', async () => {
    const unicode = `${uniqueDomain().split('.')[0]}-日本.test`
    const row = await mail.createDomain(S, { domain: unicode })
    made.push(row.domain)
    expect(row.domain).toMatch(/^xn--[a-z0-9-]+\.test$/)
    const found = await mail.listDomains(S, { search: unicode })
    expect(found.rows.map((r) => r.domain)).toContain(row.domain)
    expect((await mail.getDomain(S, unicode)).domain).toBe(row.domain)
    // Unicode where PostfixAdmin keeps ASCII keys: refused or not found, never a database error
    await rejectsWithoutChange(() => mail.editMailbox(S, `ユーザー@${row.domain}`, { name: 'x' }), 'not-found')
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `ü@${row.domain}`, goto: ['x@example.net'] }), 'invalid-input', 'invalid-email')
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `ok@${row.domain}`, goto: ['ユーザー@example.net'] }), 'invalid-input', 'invalid-email')
    expect((await mail.listMailboxes(S, undefined, { search: 'ユーザー' })).total).toBe(0)
  })

  it('a partial Unicode search finds IDN domains and their mailboxes and aliases (punycode stored)', async () => {
    const label = `${uniqueDomain().split('.')[0]}-東京都`
    const row = await mail.createDomain(S, { domain: `${label}.test`, defaultAliases: false })
    made.push(row.domain)
    const other = await mail.createDomain(S, { domain: `${uniqueDomain().split('.')[0]}-大阪.test`, defaultAliases: false })
    made.push(other.domain)
    await mail.createMailbox(S, { localPart: 'kenji', domain: row.domain, password: 'KenjiPass123' })
    await mail.createMailbox(S, { localPart: 'yuki', domain: other.domain, password: 'YukiPass1234' })
    await mail.createAlias(S, { address: `sales@${row.domain}`, goto: [`kenji@${row.domain}`] })
    // part of the Unicode label: not a substring of its punycode
    expect((await mail.listDomains(S, { search: '京都' })).rows.map((r) => r.domain)).toEqual([row.domain])
    expect((await mail.listMailboxes(S, undefined, { search: '東京' })).rows.map((r) => r.username)).toEqual([`kenji@${row.domain}`])
    expect((await mail.listAliases(S, undefined, { search: '東京' })).rows.map((r) => r.address)).toEqual([`sales@${row.domain}`])
    // local part @ the start of the Unicode domain
    const start = label.slice(0, label.indexOf('-') + 2)
    expect((await mail.listMailboxes(S, undefined, { search: `nji@${start}` })).rows.map((r) => r.username)).toEqual([`kenji@${row.domain}`])
    expect((await mail.listMailboxes(S, undefined, { search: `yuki@${start}` })).total).toBe(0)
    expect((await mail.listMailboxes(S, undefined, { search: '大阪' })).rows.map((r) => r.username)).toEqual([`yuki@${other.domain}`])
    // no IDN domain matches: an empty page, not an error; LIKE wildcards in the local part are literal
    expect((await mail.listMailboxes(S, undefined, { search: '存在しない' })).total).toBe(0)
    expect((await mail.listMailboxes(S, undefined, { search: `%@${start}` })).total).toBe(0)
  })

  it("alias list totals: a domain's aliases without its mailboxes' own rows, with and without a search, and the domain list agrees", async () => {
    const d = await newDomain({ defaultAliases: false })
    for (const l of ['m1', 'm2']) await mail.createMailbox(S, { localPart: l, domain: d, password: 'CountPass123' })
    for (const l of ['a1', 'a2', 'b1']) await mail.createAlias(S, { address: `${l}@${d}`, goto: [`m1@${d}`] })
    const page = await mail.listAliases(S, d, { limit: 2 })
    expect(page.total).toBe(3)
    expect(page.rows.map((r) => r.address)).toEqual([`a1@${d}`, `a2@${d}`])
    expect((await mail.listAliases(S, d, { search: 'a2@' })).total).toBe(1)
    expect((await mail.listAliases(S, d, { search: 'b1@' })).total).toBe(1)
    expect((await mail.listAliases(S, d, {}, true)).total).toBe(5)
    expect((await mail.getDomain(S, d)).aliasCount).toBe(3)
    const all = await mail.listAliases(S, undefined, { search: d, limit: 10 })
    expect(all.rows.map((r) => r.address).sort()).toEqual([`a1@${d}`, `a2@${d}`, `b1@${d}`])
  })

  it('bad domain input is refused and changes nothing', async () => {
    await rejectsWithoutChange(() => mail.createDomain(S, { domain: 'no_dots' }), 'invalid-input', 'invalid-domain')
    await rejectsWithoutChange(() => mail.createDomain(S, { domain: "x'; DROP TABLE domain; --.test" }), 'invalid-input', 'invalid-domain')
    await rejectsWithoutChange(() => mail.createDomain(S, { domain: 'ALL' }), 'invalid-input', 'reserved')
    await rejectsWithoutChange(() => mail.createDomain(S, { domain: 'example.test' }), 'conflict', 'exists')
    await rejectsWithoutChange(() => mail.editDomain(S, 'nothere-postdesk.test', { description: 'x' }), 'not-found')
  })

  it('optimistic concurrency: a row changed since it was loaded is not overwritten, both versions reported', async () => {
    const d = await newDomain()
    const loaded = await mail.getDomain(S, d)
    const r = await pfaCli('domain', 'update', d, '--description', 'changed in PostfixAdmin')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const e = await rejectsWithoutChange(() => mail.editDomain(S, d, { description: 'mine' }, loaded.version), 'conflict', 'changed')
    expect((e.detail?.current as { description: string }).description).toBe('changed in PostfixAdmin')
    expect(e.detail?.expectedVersion).toBe(loaded.version)
    await rejectsWithoutChange(() => mail.deleteDomain(S, d, loaded.version), 'conflict', 'changed')
  })
})

describe('mailboxes', () => {
  it('creates a mailbox as PostfixAdmin does: username, local_part, maildir, self-alias, log rows; Dovecot accepts the password', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox(S, { localPart: 'Kenji', domain: d, name: '佐藤 健二', password: 'Tokyo2026pass' })
    expect(m).toMatchObject({ username: `kenji@${d}`, localPart: 'kenji', domain: d, name: '佐藤 健二', maildir: `${d}/kenji/`, active: true, keepCopy: true, forwards: [] })
    const view = await pfaView('mailbox', m.username)
    expect(view?.Username).toBe(m.username)
    expect(view?.Name).toBe('佐藤 健二')
    expect(view?.Active).toBe('YES')
    const alias = await pfaView('alias', m.username)
    expect(alias?.['Deliver to the local mailbox.']).toBe('YES')
    expect(alias?.Active).toBe('YES')
    expect(await db.query('SELECT goto, active FROM alias WHERE address = ?', [m.username])).toEqual([{ goto: m.username, active: 1 }])
    const log = await db.query<{ action: string; data: string; username: string }[]>('SELECT action, data, username FROM log WHERE domain = ? ORDER BY id', [d])
    expect(log.map((l) => l.action)).toEqual(['create_domain', 'create_alias', 'create_mailbox'])
    expect(new Set(log.map((l) => l.username))).toEqual(new Set([ACTOR]))
    expect(await doveadmAuth(m.username, 'Tokyo2026pass')).toBe(true)
    expect(await doveadmAuth(m.username, 'Tokyo2026pasS')).toBe(false)
    expect((await imapLogin(MAIL_HOST, m.username, 'Tokyo2026pass')).ok).toBe(true)
    expect((await imapLogin(MAIL_HOST, m.username, 'wrong-password-12')).ok).toBe(false)
  })

  it('toggling a mailbox toggles its alias; Dovecot refuses an inactive mailbox', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox(S, { localPart: 'toggle', domain: d, password: 'Toggle12pass' })
    const off = await mail.editMailbox(S, m.username, { active: false }, m.version)
    expect(off.active).toBe(false)
    expect((await db.query<{ active: number }[]>('SELECT active FROM alias WHERE address = ?', [m.username]))[0]?.active).toBe(0)
    expect(await doveadmAuth(m.username, 'Toggle12pass')).toBe(false)
    await mail.editMailbox(S, m.username, { active: true })
    expect((await db.query<{ active: number }[]>('SELECT active FROM alias WHERE address = ?', [m.username]))[0]?.active).toBe(1)
    expect(await doveadmAuth(m.username, 'Toggle12pass')).toBe(true)
    const log = await db.query<{ action: string }[]>('SELECT action FROM log WHERE domain = ? ORDER BY id', [d])
    expect(log.map((l) => l.action).slice(-2)).toEqual(['edit_alias', 'edit_mailbox'])
  })

  it('a mailbox made by postfixadmin-cli is listed and editable (name, password)', async () => {
    const d = await newDomain()
    const r = await pfaCli('mailbox', 'add', `cli@${d}`, '--password', 'CliPass123', '--password2', 'CliPass123', '--name', 'From CLI', '--quota', '0', '--active', '1', '--welcome-mail', '0')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const list = await mail.listMailboxes(S, d, {})
    expect(list.rows.map((x) => x.username)).toEqual([`cli@${d}`])
    const row = list.rows[0]
    if (!row) throw new Error('no row')
    expect(row).toMatchObject({ name: 'From CLI', maildir: `${d}/cli/`, keepCopy: true })
    await mail.editMailbox(S, row.username, { name: 'Edited', password: 'NewPass4567' }, row.version)
    expect((await pfaView('mailbox', row.username))?.Name).toBe('Edited')
    expect(await doveadmAuth(row.username, 'NewPass4567')).toBe(true)
    expect(await doveadmAuth(row.username, 'CliPass123')).toBe(false)
  })

  it('server-side paging, sorting and search; quota usage from quota2', async () => {
    const d = await newDomain({ mailboxes: 0 })
    for (let i = 0; i < 12; i++) await mail.createMailbox(S, { localPart: `user${String(i).padStart(2, '0')}`, domain: d, name: i % 2 ? 'Odd' : 'Even', password: 'PagePass123' })
    const p2 = await mail.listMailboxes(S, d, { limit: 5, offset: 5 })
    expect(p2.total).toBe(12)
    expect(p2.rows.map((r) => r.localPart)).toEqual(['user05', 'user06', 'user07', 'user08', 'user09'])
    const desc = await mail.listMailboxes(S, d, { limit: 3, sort: 'username', desc: true })
    expect(desc.rows.map((r) => r.localPart)).toEqual(['user11', 'user10', 'user09'])
    const odd = await mail.listMailboxes(S, d, { search: 'Odd', limit: 100 })
    expect(odd.total).toBe(6)
    const meta = await mail.listMailboxes(S, d, { search: "%'_\\", limit: 100 })
    expect(meta.total).toBe(0)
    await db.query('INSERT INTO quota2 (username, bytes, messages) VALUES (?, ?, ?)', [`user03@${d}`, 123456, 7])
    const u = await mail.getMailbox(S, `user03@${d}`)
    expect(u).toMatchObject({ usedBytes: 123456, usedMessages: 7 })
    expect((await mail.getDomain(S, d)).usedBytes).toBe(123456)
    const byUse = await mail.listMailboxes(S, d, { sort: 'usedBytes', desc: true, limit: 1 })
    expect(byUse.rows[0]?.username).toBe(`user03@${d}`)
  })

  it('limits: -1 disables, a full domain refuses one more; bad input changes nothing', async () => {
    const d = await newDomain({ mailboxes: 1, aliases: 1 })
    await mail.createMailbox(S, { localPart: 'one', domain: d, password: 'LimitPass12' })
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'two', domain: d, password: 'LimitPass12' }), 'invalid-input', 'mailbox-limit')
    const off = await newDomain({ mailboxes: -1 })
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'x', domain: off, password: 'LimitPass12' }), 'invalid-input', 'mailboxes-disabled')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'one', domain: d, password: 'LimitPass12' }), 'conflict')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'abuse', domain: off, password: 'LimitPass12' }), 'conflict', 'address-exists')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: "o'neil;drop", domain: d, password: 'LimitPass12' }), 'invalid-input')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'ユーザー', domain: d, password: 'LimitPass12' }), 'invalid-input', 'invalid-email')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'a@b', domain: d, password: 'LimitPass12' }), 'invalid-input', 'local-part-has-at')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'weak', domain: off, password: 'abc' }), 'invalid-input')
    await rejectsWithoutChange(() => mail.createMailbox(S, { localPart: 'x', domain: 'missing-postdesk.test', password: 'LimitPass12' }), 'not-found')
    // the default aliases already use up the domain's limit of 1 alias (mailbox aliases do not count)
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `a1@${d}`, goto: [`one@${d}`] }), 'invalid-input', 'alias-limit')
  })

  it('quota: MB x quota_multiplier, over maxquota refused (with $CONF quota on)', async () => {
    const q = { ...settings, quota: true }
    const svc = new MailService({ databaseOf: () => db, settingsOf: async () => q, actor: ACTOR })
    const d = uniqueDomain()
    made.push(d)
    await svc.createDomain(S, { domain: d, maxquota: 100, quota: 150 })
    const m = await svc.createMailbox(S, { localPart: 'q1', domain: d, password: 'QuotaPass12', quotaMb: 80 })
    expect(m.quotaBytes).toBe(80 * settings.quotaMultiplier)
    expect(m.quotaMb).toBe(80)
    await rejectsWithoutChange(() => svc.createMailbox(S, { localPart: 'q2', domain: d, password: 'QuotaPass12', quotaMb: 101 }), 'invalid-input', 'quota-over-maxquota')
    await rejectsWithoutChange(() => svc.createMailbox(S, { localPart: 'q2', domain: d, password: 'QuotaPass12', quotaMb: 0 }), 'invalid-input', 'quota-unlimited-not-allowed')
    await rejectsWithoutChange(() => svc.createMailbox(S, { localPart: 'q2', domain: d, password: 'QuotaPass12', quotaMb: 80 }), 'invalid-input', 'quota-over-domain-quota')
    await rejectsWithoutChange(() => svc.editMailbox(S, m.username, { quotaMb: 200 }), 'invalid-input', 'quota-over-maxquota')
    expect((await pfaView('mailbox', m.username))?.Quota).toBe('80')
  })

  it('deleting a mailbox cascades in one transaction; the address then gets 550', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox(S, { localPart: 'gone', domain: d, password: 'GonePass123' })
    await db.query('INSERT INTO quota2 (username, bytes, messages) VALUES (?, 1, 1)', [m.username])
    const preview = await mail.previewDeleteMailbox(S, m.username)
    expect(preview.removed).toMatchObject({ alias: 1, quota2: 1, mailbox: 1 })
    const summary = await mail.deleteMailbox(S, m.username, (await mail.getMailbox(S, m.username)).version)
    expect(summary.removed).toEqual(preview.removed)
    for (const [t, col] of [['mailbox', 'username'], ['alias', 'address'], ['quota2', 'username']] as const) {
      expect(await db.query<unknown[]>(`SELECT 1 FROM ${t} WHERE ${col} = ?`, [m.username])).toEqual([])
    }
    expect(await pfaView('mailbox', m.username)).toBeUndefined()
    const log = await db.query<{ action: string }[]>('SELECT action FROM log WHERE domain = ? ORDER BY id DESC LIMIT 1', [d])
    expect(log[0]?.action).toBe('delete_mailbox')
    const r = await sendMail(MAIL_HOST, m.username, `gone-${Date.now()}`)
    expect(r.code).not.toBe(0)
    expect(r.stdout + r.stderr).toMatch(/<\*\* 550/)
  })

  it('a mailbox alias cannot be deleted as an alias; forward-and-keep edits its goto', async () => {
    const d = await newDomain()
    const a = await mail.createMailbox(S, { localPart: 'keep', domain: d, password: 'KeepPass123' })
    const b = await mail.createMailbox(S, { localPart: 'other', domain: d, password: 'KeepPass123' })
    await rejectsWithoutChange(() => mail.deleteAlias(S, a.username), 'conflict', 'mailbox-alias')
    const fw = await mail.editMailbox(S, a.username, { forwards: [b.username], keepCopy: true })
    expect(fw).toMatchObject({ forwards: [b.username], keepCopy: true })
    expect((await db.query<{ goto: string }[]>('SELECT goto FROM alias WHERE address = ?', [a.username]))[0]?.goto).toBe(`${b.username},${a.username}`)
    const tag = `fwd-${Date.now()}`
    expect((await sendMail(MAIL_HOST, a.username, tag)).code).toBe(0)
    expect(await waitForMail(MAIL_HOST, a.username, 'KeepPass123', tag)).toBe(true)
    expect(await waitForMail(MAIL_HOST, b.username, 'KeepPass123', tag)).toBe(true)
    const only = await mail.editMailbox(S, a.username, { keepCopy: false })
    expect(only).toMatchObject({ forwards: [b.username], keepCopy: false })
    await rejectsWithoutChange(() => mail.editMailbox(S, a.username, { forwards: [] , keepCopy: false }), 'invalid-input', 'goto-empty')
  })
})

describe('aliases and alias domains', () => {
  it('alias, catch-all and alias domain deliver over SMTP (read back over IMAP); postfixadmin-cli shows them', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox(S, { localPart: 'inbox', domain: d, password: 'InboxPass123' })
    const alias = await mail.createAlias(S, { address: `sales@${d}`, goto: [m.username] })
    expect(alias).toMatchObject({ address: `sales@${d}`, goto: [m.username], isMailbox: false, catchAll: false })
    expect((await pfaView('alias', `sales@${d}`))?.To).toBe(m.username)
    const catchAll = await mail.createAlias(S, { address: `*@${d}`, goto: [m.username] })
    expect(catchAll.address).toBe(`@${d}`)
    const other = await newDomain()
    const ad = await mail.createAliasDomain(S, { aliasDomain: other, targetDomain: d })
    expect((await pfaView('aliasdomain', other))?.['Target Domain']).toBe(d)
    for (const to of [m.username, `sales@${d}`, `whatever@${d}`, `inbox@${other}`]) {
      const tag = `deliver-${Math.random().toString(36).slice(2)}`
      const r = await sendMail(MAIL_HOST, to, tag)
      expect(r.code, `${to}: ${r.stdout}`).toBe(0)
      expect(await waitForMail(MAIL_HOST, m.username, 'InboxPass123', tag), `delivery to ${to}`).toBe(true)
    }
    const listed = await mail.listAliases(S, d, {})
    expect(listed.rows.map((r) => r.address)).toEqual(expect.arrayContaining([`@${d}`, `sales@${d}`]))
    expect(listed.rows.map((r) => r.address)).not.toContain(m.username)
    expect((await mail.listAliasDomains(S, { search: other })).rows).toEqual([ad])
    const log = await db.query<{ action: string }[]>('SELECT action FROM log WHERE domain = ? ORDER BY id', [other])
    expect(log.map((l) => l.action)).toEqual(['create_domain', 'create_alias_domain'])
  })

  it('an alias made by postfixadmin-cli is editable; bad targets and duplicates change nothing', async () => {
    const d = await newDomain()
    const r = await pfaCli('alias', 'add', `cli@${d}`, '--goto', 'someone@example.net', '--active', '1')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const a = await mail.getAlias(S, `cli@${d}`)
    await mail.editAlias(S, a.address, { goto: ['one@example.net', ' two@example.net ', 'one@example.net'] }, a.version)
    expect((await pfaView('alias', a.address))?.To).toBe('one@example.net, two@example.net')
    expect((await mail.getAlias(S, a.address)).goto).toEqual(['one@example.net', 'two@example.net'])
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `cli@${d}`, goto: ['x@example.net'] }), 'conflict', 'exists')
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `self@${d}`, goto: [`self@${d}`] }), 'invalid-input', 'alias-points-to-itself')
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `bad@${d}`, goto: ["x'); DELETE FROM alias; --"] }), 'invalid-input', 'invalid-email')
    await rejectsWithoutChange(() => mail.createAlias(S, { address: `two@@${d}`, goto: ['x@example.net'] }), 'invalid-input', 'alias-not-one-at')
    await rejectsWithoutChange(() => mail.editAlias(S, a.address, { goto: [] }), 'invalid-input', 'goto-empty')
    await rejectsWithoutChange(() => mail.editAlias(S, a.address, { goto: ['ok@example.net'] }, a.version), 'conflict', 'changed')
    await mail.deleteAlias(S, a.address)
    expect(await pfaView('alias', a.address)).toBeUndefined()
  })

  it('alias-domain rules: both exist, differ, no chains; a used target cannot be deleted; domain delete cascades', async () => {
    const a = await newDomain()
    const b = await newDomain()
    const c = await newDomain()
    await rejectsWithoutChange(() => mail.createAliasDomain(S, { aliasDomain: a, targetDomain: a }), 'invalid-input', 'alias-domain-to-itself')
    await rejectsWithoutChange(() => mail.createAliasDomain(S, { aliasDomain: a, targetDomain: 'missing-postdesk.test' }), 'invalid-input', 'domain-missing')
    await mail.createAliasDomain(S, { aliasDomain: a, targetDomain: b })
    await rejectsWithoutChange(() => mail.createAliasDomain(S, { aliasDomain: a, targetDomain: c }), 'conflict', 'exists')
    await rejectsWithoutChange(() => mail.createAliasDomain(S, { aliasDomain: c, targetDomain: a }), 'invalid-input', 'target-is-alias-domain')
    await rejectsWithoutChange(() => mail.createAliasDomain(S, { aliasDomain: b, targetDomain: c }), 'invalid-input', 'alias-is-target')
    await rejectsWithoutChange(() => mail.deleteDomain(S, b), 'conflict', 'alias-domain-target')
    // b with a mailbox, an alias and domain rows elsewhere: deleting a (the alias domain) then b cascades
    const m = await mail.createMailbox(S, { localPart: 'x', domain: b, password: 'CascadePass12' })
    await db.query('INSERT INTO quota2 (username, bytes, messages) VALUES (?, 5, 1)', [m.username])
    await mail.deleteAliasDomain(S, a)
    const preview = await mail.previewDeleteDomain(S, b)
    expect(preview.removed).toMatchObject({ mailbox: 1, alias: 1 + Object.keys(settings.defaultAliases).length, quota2: 1 })
    const summary = await mail.deleteDomain(S, b)
    expect(summary.removed).toMatchObject({ ...preview.removed, domain: 1 })
    for (const [t, col] of [['domain', 'domain'], ['mailbox', 'domain'], ['alias', 'domain']] as const) {
      expect(await db.query<unknown[]>(`SELECT 1 FROM ${t} WHERE ${col} = ?`, [b])).toEqual([])
    }
    expect(await db.query<unknown[]>('SELECT 1 FROM quota2 WHERE username = ?', [m.username])).toEqual([])
    const log = await db.query<{ action: string }[]>('SELECT action FROM log WHERE domain = ?', [b])
    expect(log.map((l) => l.action)).toEqual(['delete_domain'])
    expect(await pfaView('domain', b)).toBeUndefined()
  })

  it('a transaction cut off by a dropped link leaves no row behind', async () => {
    const d = await newDomain()
    const victim = await TunnelDatabase.open(conn)
    const svc = new MailService({ databaseOf: () => victim, settingsOf: async () => settings, actor: ACTOR })
    const before = await dumpTables(db)
    const p = svc.run(S, async (r) => {
      await r.aliases.create({ address: `half@${d}`, goto: ['x@example.net'] })
      victim.killLink()
      await new Promise((res) => setTimeout(res, 300))
      await r.aliases.create({ address: `half2@${d}`, goto: ['x@example.net'] })
    })
    await expect(p).rejects.toThrow()
    // the server rolls the session's transaction back when the connection goes
    await new Promise((res) => setTimeout(res, 500))
    expect(await dumpTables(db)).toBe(before)
  })
})
