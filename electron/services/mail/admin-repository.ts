// Admins as PostfixAdmin 3.3's AdminHandler keeps them: the `admin` row (password hashed per
// $CONF['encrypt']), `superadmin` mirrored by a domain_admins row for the pseudo-domain ALL, and one
// domain_admins row per administered domain.
import { AdminCreate, AdminPatch, ListQuery as ListQuerySchema, type AdminRow, type DeleteSummary, type ListQuery } from '../../../shared/domain/mail'
import { checkEmail, normalizeDomain, normalizeEmail } from '../../../shared/mail/address-rules'
import { validatePassword } from '../../../shared/mail/password-policy'
import { DomainRepository, searchPatterns } from './domain-repository'
import { checkVersion, duplicate, invalid, notFound, writeLog, type MailContext } from './mail-context'
import { isAsciiKey, likeOn, rowVersion, toBool, toNumber, toText, type Row } from './mail-database'

export class AdminRepository {
  constructor(private readonly c: MailContext) {}

  private async toRows(rows: Row[]): Promise<AdminRow[]> {
    if (rows.length === 0) return []
    const names = rows.map((r) => toText(r.username))
    const links = await this.c.q.query<Row[]>(`SELECT username, domain FROM ${this.c.tables.t('domain_admins')} WHERE username IN (${names.map(() => '?').join(', ')}) ORDER BY domain`, names)
    return rows.map((r) => {
      const username = toText(r.username)
      const domains = links.filter((l) => toText(l.username) === username).map((l) => toText(l.domain))
      const stored = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'password'))
      return {
        username,
        superadmin: toBool(r.superadmin) || domains.includes('ALL'),
        active: toBool(r.active),
        domains: domains.filter((d) => d !== 'ALL'),
        created: toText(r.created),
        modified: toText(r.modified),
        version: rowVersion({ ...stored, password: toText(r.password), domains: domains.join(',') }),
      }
    })
  }

  async list(query: ListQuery): Promise<{ rows: AdminRow[]; total: number }> {
    const p = ListQuerySchema.parse(query)
    const patterns = searchPatterns(p.search)
    const where = patterns.length ? `WHERE ${patterns.map((x) => likeOn('username', x)).join(' OR ')}` : ''
    const t = this.c.tables.t('admin')
    const rows = await this.c.q.query<Row[]>(`SELECT * FROM ${t} ${where} ORDER BY username ${p.desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`, [...patterns, p.limit, p.offset])
    const [count] = await this.c.q.query<Row[]>(`SELECT COUNT(*) AS n FROM ${t} ${where}`, patterns)
    return { rows: await this.toRows(rows), total: toNumber(count?.n) }
  }

  async get(username: string, opts: { lock?: boolean } = {}): Promise<AdminRow | undefined> {
    if (!isAsciiKey(normalizeEmail(username))) return undefined
    const rows = await this.c.q.query<Row[]>(`SELECT * FROM ${this.c.tables.t('admin')} WHERE username = ?${opts.lock ? ' FOR UPDATE' : ''}`, [normalizeEmail(username)])
    return (await this.toRows(rows))[0]
  }

  async require(username: string, opts: { lock?: boolean } = {}): Promise<AdminRow> {
    const row = await this.get(username, opts)
    if (!row) throw notFound('admin', username)
    return row
  }

  private checkPassword(password: string): void {
    const s = this.c.settings
    const violations = validatePassword(password, { validation: s.passwordValidation, ...(s.minPasswordLength !== undefined ? { minLength: s.minPasswordLength } : {}) })
    if (violations.length) throw invalid('password', 'password-policy', `The password does not meet the server's password policy.`, { violations })
  }

  private async setDomains(username: string, domains: string[] | undefined, superadmin: boolean | undefined): Promise<void> {
    const t = this.c.tables.t('domain_admins')
    if (domains !== undefined) {
      const repo = new DomainRepository(this.c)
      const names = [...new Set(domains.map(normalizeDomain))]
      for (const d of names) if (!(await repo.get(d))) throw invalid('domains', 'domain-missing', `The domain ${d} does not exist.`, { domain: d })
      await this.c.q.query(`DELETE FROM ${t} WHERE username = ? AND domain != 'ALL'`, [username])
      for (const d of names) await this.c.q.query(`INSERT INTO ${t} (username, domain, created, active) VALUES (?, ?, NOW(), 1)`, [username, d])
    }
    if (superadmin === true) {
      const has = await this.c.q.query<Row[]>(`SELECT username FROM ${t} WHERE username = ? AND domain = 'ALL'`, [username])
      if (!has.length) await this.c.q.query(`INSERT INTO ${t} (username, domain, created, active) VALUES (?, 'ALL', NOW(), 1)`, [username])
    } else if (superadmin === false) {
      await this.c.q.query(`DELETE FROM ${t} WHERE username = ? AND domain = 'ALL'`, [username])
    }
  }

  async create(input: AdminCreate): Promise<AdminRow> {
    const i = AdminCreate.parse(input)
    const username = normalizeEmail(i.username)
    if (checkEmail(username)) throw invalid('username', 'invalid-email', `"${i.username}" is not a valid admin name (an email address).`)
    if (await this.get(username, { lock: true })) throw duplicate('admin', username)
    this.checkPassword(i.password)
    const hash = await this.c.hashPassword(i.password)
    await this.c.q.query(`INSERT INTO ${this.c.tables.t('admin')} (username, password, superadmin, active, created, modified) VALUES (?, ?, ?, ?, NOW(), NOW())`, [username, hash, i.superadmin ? 1 : 0, i.active ? 1 : 0])
    await this.setDomains(username, i.domains, i.superadmin)
    await writeLog(this.c, '', 'create_admin', username)
    return this.require(username)
  }

  async edit(username: string, patch: AdminPatch, expectedVersion?: string): Promise<AdminRow> {
    const p = AdminPatch.parse(patch)
    const current = await this.require(username, { lock: true })
    checkVersion('admin', current.username, expectedVersion, current)
    const sets: string[] = []
    const params: unknown[] = []
    if (p.password !== undefined && p.password !== '') {
      this.checkPassword(p.password)
      sets.push('password = ?')
      params.push(await this.c.hashPassword(p.password))
    }
    if (p.superadmin !== undefined) {
      sets.push('superadmin = ?')
      params.push(p.superadmin ? 1 : 0)
    }
    if (p.active !== undefined) {
      sets.push('active = ?')
      params.push(p.active ? 1 : 0)
    }
    await this.c.q.query(`UPDATE ${this.c.tables.t('admin')} SET ${[...sets, 'modified = NOW()'].join(', ')} WHERE username = ?`, [...params, current.username])
    await this.setDomains(current.username, p.domains, p.superadmin)
    await writeLog(this.c, '', 'edit_admin', current.username)
    return this.require(current.username)
  }

  async delete(username: string, expectedVersion?: string): Promise<DeleteSummary> {
    const a = await this.require(username, { lock: true })
    checkVersion('admin', a.username, expectedVersion, a)
    const [links] = await this.c.q.query<Row[]>(`SELECT COUNT(*) AS n FROM ${this.c.tables.t('domain_admins')} WHERE username = ?`, [a.username])
    await this.c.q.query(`DELETE FROM ${this.c.tables.t('domain_admins')} WHERE username = ?`, [a.username])
    await this.c.q.query(`DELETE FROM ${this.c.tables.t('admin')} WHERE username = ?`, [a.username])
    await writeLog(this.c, 'admin', 'delete_admin', a.username)
    return { target: a.username, removed: { domain_admins: toNumber(links?.n), admin: 1 } }
  }
}
