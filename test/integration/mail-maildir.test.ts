// A mailbox's files on the test server, judged by the real Dovecot and Postfix: the folders of
// $CONF['create_mailbox_subdirs'] made by doveadm after a create or an import; the Maildir removed
// only when asked (PostfixAdmin leaves it); a rename / move to another domain keeps the mail (IMAP
// login as the new address finds it), delivery to the new address and through an alias that named the
// old one, and the old address gone. Own t<random>.test domains, removed with their Maildirs afterwards.
import { existsSync, rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MailService } from '../../electron/services/mail/mail-service'
import type { ExecOptions, ExecResult } from '../../electron/services/types'
import type { PostfixAdminSettings } from '../../shared/mail/postfixadmin-settings'
import { doveadmAuth, dumpTables, imapLogin, inServer, pfaView, sendMail, serverSettings, TunnelDatabase, uniqueDomain, waitForMail } from './support/mail-fixture'
import { loadConnection } from './support/vps'

const ACTOR = 'Postdesk (integration test)'
const conn = loadConnection()
const HOST = conn.host
const MAILDIR_BASE = '/home/mailuser' // the test server's mail_location (maildir:/home/mailuser/%d/%n)
const PASS = 'Maildir-pass-42'
let db: TunnelDatabase
let settings: PostfixAdminSettings
let mail: MailService
const made: string[] = []

/** Root on the server: the namespace's own commands (doveadm, rm, mv as the app runs them over SSH). */
const execAsRoot = async (_server: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> =>
  inServer(argv, opts?.stdin !== undefined ? { input: String(opts.stdin) } : {})

async function newDomain(): Promise<string> {
  const d = uniqueDomain()
  made.push(d)
  await mail.createDomain('srv', { domain: d, defaultAliases: false })
  return d
}
const folders = async (user: string, subscribed = false): Promise<string[]> =>
  (await inServer(['doveadm', 'mailbox', 'list', ...(subscribed ? ['-s'] : []), '-u', user])).stdout.split('\n').filter(Boolean).sort()

beforeAll(async () => {
  db = await TunnelDatabase.open(conn)
  // $CONF['create_mailbox_subdirs'] as PostfixAdmin's config.inc.php documents it (with its IMAP prefix)
  settings = { ...(await serverSettings()), createMailboxSubdirs: ['INBOX.Drafts', 'INBOX.Sent', 'INBOX.Trash', 'INBOX.Junk'], createMailboxSubdirsPrefix: 'INBOX.' }
  mail = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: ACTOR, execAsRoot })
})

afterAll(async () => {
  for (const d of made) await mail.deleteDomain('srv', d).catch(() => undefined)
  for (const d of made) {
    await db.query('DELETE FROM log WHERE domain = ?', [d]).catch(() => undefined)
    rmSync(`${MAILDIR_BASE}/${d}`, { recursive: true, force: true })
  }
  await db?.close()
})

describe('Maildir subfolders (doveadm mailbox create)', () => {
  it('a new mailbox gets the create_mailbox_subdirs folders, subscribed, without the IMAP prefix', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox('srv', { localPart: 'folders', domain: d, password: PASS })
    expect(m.subfolders).toEqual({ folders: ['Drafts', 'Sent', 'Trash', 'Junk'] })
    expect(await folders(m.username)).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash'])
    expect(await folders(m.username, true)).toEqual(['Drafts', 'Junk', 'Sent', 'Trash'])
    // and the user logs in over IMAP with them in place
    expect((await imapLogin(HOST, m.username, PASS)).ok).toBe(true)
  })

  it('an import makes them for every imported mailbox in one doveadm run', async () => {
    const d = await newDomain()
    const csv = ['address,name,password', ...[1, 2, 3].map((i) => `imp${i}@${d},Imp ${i},${PASS}${i}`)].join('\n')
    const r = await mail.importMailboxes('srv', csv, { dryRun: false })
    expect(r.created).toBe(3)
    expect(r.subfolders).toEqual({ folders: ['Drafts', 'Sent', 'Trash', 'Junk'] })
    for (const i of [1, 2, 3]) expect(await folders(`imp${i}@${d}`)).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash'])
  })

  it('no create_mailbox_subdirs: no folder is made (PostfixAdmin default)', async () => {
    const d = await newDomain()
    const plain = new MailService({ databaseOf: () => db, settingsOf: async () => ({ ...settings, createMailboxSubdirs: [] }), actor: ACTOR, execAsRoot })
    const m = await plain.createMailbox('srv', { localPart: 'plain', domain: d, password: PASS })
    expect(m.subfolders).toBeUndefined()
    expect(await folders(m.username)).toEqual(['INBOX'])
  })
})

describe('Maildir on delete', () => {
  it('the preview says where the Maildir is and its size; a plain delete leaves it (as PostfixAdmin does)', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox('srv', { localPart: 'keep', domain: d, password: PASS })
    const tag = `keep-${Date.now()}`
    expect((await sendMail(HOST, m.username, tag)).code).toBe(0)
    expect(await waitForMail(HOST, m.username, PASS, tag)).toBe(true)
    const preview = await mail.previewDeleteMailbox('srv', m.username)
    expect(preview.maildir?.path).toBe(`${MAILDIR_BASE}/${d}/keep`)
    expect(preview.maildir?.bytes).toBeGreaterThan(0)
    expect(preview.maildir?.removed).toBe(false)
    const done = await mail.deleteMailbox('srv', m.username)
    expect(done.maildir).toBeUndefined()
    expect(existsSync(`${MAILDIR_BASE}/${d}/keep/cur`)).toBe(true)
  })

  it('with deleteMaildir the directory goes after the rows; a new mailbox of that name starts empty', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox('srv', { localPart: 'gone', domain: d, password: PASS })
    const tag = `gone-${Date.now()}`
    expect((await sendMail(HOST, m.username, tag)).code).toBe(0)
    expect(await waitForMail(HOST, m.username, PASS, tag)).toBe(true)
    const done = await mail.deleteMailbox('srv', m.username, m.version, { deleteMaildir: true })
    expect(done.maildir).toMatchObject({ path: `${MAILDIR_BASE}/${d}/gone`, removed: true })
    expect(existsSync(`${MAILDIR_BASE}/${d}/gone`)).toBe(false)
    expect(existsSync(`${MAILDIR_BASE}/${d}`)).toBe(true) // only the mailbox's own directory
    await mail.createMailbox('srv', { localPart: 'gone', domain: d, password: PASS })
    expect((await imapLogin(HOST, m.username, PASS, tag)).found).toBe(false)
  })

  it('a stale version: nothing is deleted, neither rows nor files', async () => {
    const d = await newDomain()
    const m = await mail.createMailbox('srv', { localPart: 'stale', domain: d, password: PASS })
    await mail.editMailbox('srv', m.username, { name: 'changed elsewhere' })
    const before = await dumpTables(db)
    await expect(mail.deleteMailbox('srv', m.username, m.version, { deleteMaildir: true })).rejects.toMatchObject({ code: 'conflict' })
    expect(await dumpTables(db)).toBe(before)
    expect(existsSync(`${MAILDIR_BASE}/${d}/stale`)).toBe(true)
  })
})

describe("a domain's Maildirs on delete", () => {
  it('the preview names the domain directory; deleteMaildir removes it after the rows, the base stays', async () => {
    const d = await newDomain()
    for (const l of ['one', 'two']) await mail.createMailbox('srv', { localPart: l, domain: d, password: PASS })
    const preview = await mail.previewDeleteDomain('srv', d)
    expect(preview.maildir).toMatchObject({ path: `${MAILDIR_BASE}/${d}`, removed: false })
    expect(preview.maildir?.bytes).toBeGreaterThan(0)
    const done = await mail.deleteDomain('srv', d, undefined, { deleteMaildir: true })
    expect(done.removed).toMatchObject({ mailbox: 2, domain: 1 })
    expect(done.maildir).toMatchObject({ path: `${MAILDIR_BASE}/${d}`, removed: true })
    expect(existsSync(`${MAILDIR_BASE}/${d}`)).toBe(false)
    expect(existsSync(MAILDIR_BASE)).toBe(true)
    expect(await db.query('SELECT domain FROM domain WHERE domain = ?', [d])).toEqual([])
  })

  it('a plain domain delete leaves the directory; a domain without mailboxes has none to offer', async () => {
    const d = await newDomain()
    await mail.createMailbox('srv', { localPart: 'stay', domain: d, password: PASS })
    await mail.deleteDomain('srv', d)
    expect(existsSync(`${MAILDIR_BASE}/${d}/stay`)).toBe(true)
    const empty = await newDomain()
    expect((await mail.previewDeleteDomain('srv', empty)).maildir).toBeNull()
  })
})

describe('rename and move a mailbox', () => {
  it('moved to another domain with a new name: mail kept, aliases follow, delivery and login work, the old address is gone', async () => {
    const d1 = await newDomain()
    const d2 = await newDomain()
    const m = await mail.createMailbox('srv', { localPart: 'before', domain: d1, password: PASS })
    await mail.createAlias('srv', { address: `team@${d1}`, goto: [m.username, `someone@${d2}`] })
    const tag1 = `pre-move-${Date.now()}`
    expect((await sendMail(HOST, m.username, tag1)).code).toBe(0)
    expect(await waitForMail(HOST, m.username, PASS, tag1)).toBe(true)

    const r = await mail.renameMailbox('srv', m.username, { localPart: 'after', domain: d2 }, m.version)
    const next = `after@${d2}`
    expect(r).toMatchObject({ from: m.username, aliasesRepointed: 1, maildir: { from: `${MAILDIR_BASE}/${d1}/before`, to: `${MAILDIR_BASE}/${d2}/after` } })
    expect(r.mailbox).toMatchObject({ username: next, localPart: 'after', domain: d2, maildir: `${d2}/after/` })
    expect(existsSync(`${MAILDIR_BASE}/${d1}/before`)).toBe(false)

    // the mail delivered before the move is there for the new login; the password is unchanged
    expect(await imapLogin(HOST, next, PASS, tag1)).toEqual({ ok: true, found: true })
    expect(await doveadmAuth(next, PASS)).toBe(true)
    expect(await doveadmAuth(m.username, PASS)).toBe(false)
    // PostfixAdmin sees the moved mailbox, its alias row, and the alias that named the old address
    expect((await pfaView('mailbox', next))?.Name).toBeDefined()
    expect(await db.query('SELECT goto, domain FROM alias WHERE address = ?', [next])).toEqual([{ goto: next, domain: d2 }])
    expect((await db.query<{ goto: string }[]>('SELECT goto FROM alias WHERE address = ?', [`team@${d1}`]))[0]?.goto.split(',').sort()).toEqual([next, `someone@${d2}`].sort())
    expect(await db.query('SELECT address FROM alias WHERE address = ? UNION SELECT username FROM mailbox WHERE username = ?', [m.username, m.username])).toEqual([])

    // delivery: to the new address, and through the alias that named the old one
    const tag2 = `post-move-${Date.now()}`
    const tag3 = `via-alias-${Date.now()}`
    expect((await sendMail(HOST, next, tag2)).code).toBe(0)
    expect((await sendMail(HOST, `team@${d1}`, tag3)).code).toBe(0)
    expect(await waitForMail(HOST, next, PASS, tag2)).toBe(true)
    expect(await waitForMail(HOST, next, PASS, tag3)).toBe(true)
    // the old address is unknown now
    const old = await sendMail(HOST, m.username, `old-${Date.now()}`)
    expect(old.code).not.toBe(0)
    expect(old.stdout + old.stderr).toMatch(/550/)
  })

  it('bad renames change nothing: taken address, missing domain, same address', async () => {
    const d = await newDomain()
    const a = await mail.createMailbox('srv', { localPart: 'one', domain: d, password: PASS })
    await mail.createMailbox('srv', { localPart: 'two', domain: d, password: PASS })
    const before = await dumpTables(db)
    await expect(mail.renameMailbox('srv', a.username, { localPart: 'two' })).rejects.toMatchObject({ code: 'conflict' })
    await expect(mail.renameMailbox('srv', a.username, { domain: 'missing-postdesk.test' })).rejects.toMatchObject({ code: 'not-found' })
    await expect(mail.renameMailbox('srv', a.username, { localPart: 'one' })).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(mail.renameMailbox('srv', a.username, { localPart: "x'; DROP TABLE mailbox; --" })).rejects.toMatchObject({ code: 'invalid-input' })
    expect(await dumpTables(db)).toBe(before)
    expect(existsSync(`${MAILDIR_BASE}/${d}/one`)).toBe(true)
  })
})
