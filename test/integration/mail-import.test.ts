// CSV import of mailboxes: dry-run verdicts row by row, one transaction, progress, export; the rows are
// PostfixAdmin's (postfixadmin-cli shows them, Dovecot accepts the passwords); a link killed in the
// middle leaves no row of the import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportProgress } from '../../shared/domain/mail'
import { AppError } from '../../shared/errors'
import { MailService } from '../../electron/services/mail/mail-service'
import type { PostfixAdminSettings } from '../../shared/mail/postfixadmin-settings'
import { doveadmAuth, dumpTables, pfaView, serverSettings, TunnelDatabase, uniqueDomain } from './support/mail-fixture'
import { loadConnection } from './support/vps'

const conn = loadConnection()
let db: TunnelDatabase
let settings: PostfixAdminSettings
let mail: MailService
const d = uniqueDomain()

beforeAll(async () => {
  db = await TunnelDatabase.open(conn)
  settings = await serverSettings()
  mail = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: 'Postdesk (integration test)' })
  await mail.createDomain('srv', { domain: d, mailboxes: 0, defaultAliases: false })
})
afterAll(async () => {
  await mail.deleteDomain('srv', d).catch(() => undefined)
  await db.query('DELETE FROM log WHERE domain = ?', [d])
  await db.close()
})

const csvOf = (n: number, from = 0) => ['address,name,password,active', ...Array.from({ length: n }, (_, i) => `u${i + from}@${d},"User, ${i + from}",Pass${i + from}word99,yes`)].join('\n')

describe('mailbox CSV import', () => {
  it('dry run: a verdict per row and nothing written; any bad row blocks the whole import', async () => {
    const before = await dumpTables(db)
    const csv = [
      'address,name,password',
      `good@${d},Good,GoodPass123`,
      `bad addr@${d},Bad,GoodPass123`,
      `good@${d},Twice,GoodPass123`,
      'x@missing-postdesk.test,X,GoodPass123',
      `weak@${d},Weak,abc`,
      'info@example.test,Taken,GoodPass123',
    ].join('\n')
    const dry = await mail.importMailboxes('srv', csv, { dryRun: true })
    expect(dry.verdicts.map((v) => [v.line, v.ok, v.reason ?? ''])).toEqual([
      [2, true, ''],
      [3, false, 'invalid-email'],
      [4, false, 'duplicate-in-file'],
      [5, false, 'domain-missing'],
      [6, false, 'password-policy'],
      [7, false, 'address-exists'],
    ])
    // the preview says what each good row will create
    expect(dry.verdicts[0]?.create).toEqual({ username: `good@${d}`, name: 'Good', maildir: expect.stringMatching(new RegExp(`good/$`)), quotaMb: expect.any(Number), active: true })
    expect(dry.verdicts.slice(1).every((v) => v.create === undefined && typeof v.message === 'string' && v.message.length > 0)).toBe(true)
    const real = await mail.importMailboxes('srv', csv, { dryRun: false })
    expect(real.created).toBe(0)
    expect(await dumpTables(db)).toBe(before)
  })

  it('imports 300 mailboxes in one transaction with progress; PostfixAdmin and Dovecot see them; export lists them', async () => {
    const phases = new Set<string>()
    let lastWrite = 0
    const r = await mail.importMailboxes('srv', csvOf(300), { dryRun: false, onProgress: (p, done) => (phases.add(p), p === 'write' && (lastWrite = done)) })
    expect(r.created).toBe(300)
    expect([...phases]).toEqual(['check', 'hash', 'write'])
    expect(lastWrite).toBe(300)
    expect((await mail.listMailboxes('srv', d, { limit: 1 })).total).toBe(300)
    expect((await pfaView('mailbox', `u7@${d}`))?.Name).toBe('User, 7')
    expect(await doveadmAuth(`u42@${d}`, 'Pass42word99')).toBe(true)
    expect(await db.query('SELECT goto, active FROM alias WHERE address = ?', [`u9@${d}`])).toEqual([{ goto: `u9@${d}`, active: 1 }])
    const log = await db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM log WHERE domain = ? AND action IN ('create_alias', 'create_mailbox')", [d])
    expect(log[0]?.n).toBe(600)
    const csv = await mail.exportMailboxes('srv', d)
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('address,name,quota_mb,active,maildir,forwards,keep_copy,created,modified')
    expect(lines).toHaveLength(301)
    expect(lines.find((l) => l.startsWith(`u7@${d},`))).toContain('"User, 7"')
    expect(csv).not.toMatch(/Pass7word99|\{SHA512-CRYPT\}|\$6\$/)
  })

  it('progress goes out as mail.importProgress events named by the call id, throttled, each phase ending at its total', async () => {
    const events: ImportProgress[] = []
    const svc = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: 'Postdesk (integration test)', emit: (_n, p) => events.push(p) })
    const r = await svc.importMailboxes('srv', csvOf(200, 5000), { dryRun: false, callId: 'imp-1' })
    expect(r.created).toBe(200)
    expect(events.every((e) => e.server === 'srv' && e.callId === 'imp-1')).toBe(true)
    for (const phase of ['check', 'hash', 'write'] as const) expect(events.filter((e) => e.phase === phase).at(-1)).toMatchObject({ done: 200, total: 200 })
    // 200 rows checked call onProgress 200 times; the events are throttled to phase ends and 50 ms steps
    expect(events.filter((e) => e.phase === 'check').length).toBeLessThan(20)
  })

  it('cancelled while hashing: the import stops with "cancelled" and writes nothing', async () => {
    const before = await dumpTables(db)
    const ac = new AbortController()
    let sawHash = false
    const p = mail.importMailboxes('srv', csvOf(600, 8000), {
      dryRun: false,
      signal: ac.signal,
      onProgress: (phase) => {
        if (phase === 'hash' && !sawHash) {
          sawHash = true
          ac.abort()
        }
      },
    })
    const e = await p.catch((x: unknown) => x)
    expect(sawHash).toBe(true)
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('cancelled')
    expect(await dumpTables(db)).toBe(before)
  })

  it('a link killed in the middle of an import leaves no row of it', async () => {
    const victim = await TunnelDatabase.open(conn)
    const svc = new MailService({ databaseOf: () => victim, settingsOf: async () => settings, actor: 'Postdesk (integration test)' })
    const before = await dumpTables(db)
    let killed = false
    const p = svc.importMailboxes('srv', csvOf(1200, 1000), {
      dryRun: false,
      onProgress: (phase, done) => {
        if (phase === 'write' && done >= 500 && !killed) {
          killed = true
          victim.killLink()
        }
      },
    })
    await expect(p).rejects.toThrow()
    expect(killed).toBe(true)
    await new Promise((r) => setTimeout(r, 500))
    expect(await dumpTables(db)).toBe(before)
  })
})
