// Admins as PostfixAdmin keeps them: the admin row with a hash per $CONF['encrypt'], superadmin mirrored
// by domain_admins 'ALL', one domain_admins row per domain; deletes take the links with them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MailService } from '../../electron/services/mail/mail-service'
import { verifyPassword } from '../../electron/services/mail/passwords/verify-password'
import { AppError } from '../../shared/errors'
import { dumpTables, pfaCli, serverSettings, TunnelDatabase, uniqueDomain } from './support/mail-fixture'
import { loadConnection } from './support/vps'

let db: TunnelDatabase
let mail: MailService
const d = uniqueDomain()
const admin = `boss@${d}`
const superAdmin = `root@${d}`

beforeAll(async () => {
  db = await TunnelDatabase.open(loadConnection())
  const s = await serverSettings()
  mail = new MailService({ databaseOf: () => db, settingsOf: async () => s, actor: 'Postdesk (integration test)' })
  await mail.createDomain('srv', { domain: d })
})
afterAll(async () => {
  for (const a of [admin, superAdmin]) await mail.deleteAdmin('srv', a).catch(() => undefined)
  await mail.deleteDomain('srv', d).catch(() => undefined)
  await db.query('DELETE FROM log WHERE domain = ? OR data IN (?, ?)', [d, admin, superAdmin])
  await db.close()
})

describe('admins', () => {
  it('creates a domain admin and a superadmin as PostfixAdmin does; postfixadmin-cli sees them; edit and delete', async () => {
    const a = await mail.createAdmin('srv', { username: admin, password: 'AdminPass123', domains: [d] })
    expect(a).toMatchObject({ username: admin, superadmin: false, domains: [d], active: true })
    const [row] = await db.query<{ password: string }[]>('SELECT password FROM admin WHERE username = ?', [admin])
    expect(await verifyPassword('AdminPass123', row?.password ?? '')).toBe(true)
    const sa = await mail.createAdmin('srv', { username: superAdmin, password: 'SuperPass123', superadmin: true })
    expect(sa).toMatchObject({ superadmin: true, domains: [] })
    expect(await db.query('SELECT domain FROM domain_admins WHERE username = ?', [superAdmin])).toEqual([{ domain: 'ALL' }])
    const view = await pfaCli('admin', 'view', admin)
    expect(view.code, view.stdout + view.stderr).toBe(0)
    expect(view.stdout).toContain(admin)
    const listed = await mail.listAdmins('srv', { search: d })
    expect(listed.rows.map((r) => r.username).sort()).toEqual([admin, superAdmin].sort())

    const edited = await mail.editAdmin('srv', admin, { superadmin: true, domains: [] }, a.version)
    expect(edited).toMatchObject({ superadmin: true, domains: [] })
    const before = await dumpTables(db)
    const e = await mail.editAdmin('srv', admin, { active: false }, a.version).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).detail?.reason).toBe('changed')
    expect(await dumpTables(db)).toBe(before)

    const gone = await mail.deleteAdmin('srv', admin)
    expect(gone.removed).toEqual({ domain_admins: 1, admin: 1 })
    expect(await db.query('SELECT 1 FROM domain_admins WHERE username = ?', [admin])).toEqual([])
    const log = await db.query<{ action: string; domain: string }[]>('SELECT action, domain FROM log WHERE data = ? ORDER BY id', [admin])
    expect(log.map((l) => l.action)).toEqual(['create_admin', 'edit_admin', 'delete_admin'])
  })

  it('refuses bad admin input without changing anything', async () => {
    const before = await dumpTables(db)
    for (const input of [
      { username: 'not-an-email', password: 'AdminPass123' },
      { username: `weak@${d}`, password: 'abc' },
      { username: `x@${d}`, password: 'AdminPass123', domains: ['missing-postdesk.test'] },
      { username: 'admin@example.test', password: 'AdminPass123' },
    ]) {
      await expect(mail.createAdmin('srv', input)).rejects.toBeInstanceOf(AppError)
    }
    expect(await dumpTables(db)).toBe(before)
  })
})
