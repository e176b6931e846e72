// Domains as PostfixAdmin 3.3's DomainHandler keeps them: defaults from $CONF, the default aliases,
// limits (-1 disabled, 0 unlimited), the `ALL` pseudo-domain never listed, and the cascading delete.
import { DomainCreate, DomainPatch, ListQuery as ListQuerySchema, type DeleteSummary, type DomainRow, type ListQuery } from '../../../shared/domain/mail'
import { AppError } from '../../../shared/errors'
import { checkDomain, normalizeDomain } from '../../../shared/mail/address-rules'
import { defaultAliasRows, newDomainDefaults } from '../../../shared/mail/domain-defaults'
import { toAsciiDomain, toUnicodeDomain } from '../../../shared/mail/idn'
import { checkVersion, duplicate, invalid, notFound, writeLog, type MailContext } from './mail-context'
import { isAsciiKey, likeOn, likePattern, rowVersion, toBool, toNumber, toText, type Row } from './mail-database'

const domainSortColumns: Record<string, string> = {
  domain: 'd.domain',
  description: 'd.description',
  aliasCount: 'alias_count',
  mailboxCount: 'mailbox_count',
  quotaAllocatedMb: 'total_quota',
  usedBytes: 'used_bytes',
  active: 'd.active',
  modified: 'd.modified',
  created: 'd.created',
}

/** The stored columns of a domain row (what the version digest covers). */
const domainColumns = ['domain', 'description', 'aliases', 'mailboxes', 'maxquota', 'quota', 'transport', 'backupmx', 'created', 'modified', 'active', 'password_expiry']

function storedPart(r: Row): Row {
  return Object.fromEntries(domainColumns.filter((k) => k in r).map((k) => [k, r[k]]))
}

export function toDomainRow(r: Row): DomainRow {
  return {
    domain: toText(r.domain),
    description: toText(r.description),
    aliases: toNumber(r.aliases),
    mailboxes: toNumber(r.mailboxes),
    maxquota: toNumber(r.maxquota),
    quota: toNumber(r.quota),
    transport: toText(r.transport),
    backupmx: toBool(r.backupmx),
    active: toBool(r.active),
    created: toText(r.created),
    modified: toText(r.modified),
    aliasCount: toNumber(r.alias_count),
    mailboxCount: toNumber(r.mailbox_count),
    quotaAllocatedMb: toNumber(r.total_quota),
    usedBytes: toNumber(r.used_bytes),
    aliasDomainTarget: r.alias_target === null || r.alias_target === undefined ? null : toText(r.alias_target),
    version: rowVersion(storedPart(r)),
  }
}

/** The search term in stored form too (an IDN typed in Unicode matches its punycode). */
export function searchPatterns(search: string): string[] {
  const s = search.trim()
  if (s === '') return []
  const out = [likePattern(s)]
  const ascii = /[^\x20-\x7e]/.test(s) ? toAsciiDomain(s) : undefined
  if (ascii && ascii !== s) out.push(likePattern(ascii))
  return out
}

/**
 * A search in Unicode against stored punycode: the IDN domains (xn--) whose Unicode form contains the
 * search, partial (例え finds xn--r8jz45g.jp = 例え.jp, as does 例). With an @, the part after it must
 * start the domain's Unicode form and the part before it ends the local part (kenji@例 finds
 * kenji@例え.jp). The domain table is small even beside 100k mailboxes, so its IDN names are decoded
 * here; the rows are then matched by `domain IN (...)`, which the domain indexes serve.
 */
export interface IdnSearch {
  domains: string[]
  /** LIKE pattern for the local part (searches with an @) */
  localLike?: string
}

export async function idnSearch(c: MailContext, search: string): Promise<IdnSearch | undefined> {
  const s = search.trim().normalize('NFC').toLowerCase()
  if (!/[^\x20-\x7e]/.test(s)) return undefined
  const at = s.lastIndexOf('@')
  const local = at >= 0 ? s.slice(0, at) : ''
  const domainPart = at >= 0 ? s.slice(at + 1) : s
  if (at >= 0 && /[^\x20-\x7e]/.test(local)) return undefined // PostfixAdmin's local parts are ASCII
  const rows = await c.q.query<Row[]>(`SELECT domain FROM ${c.tables.t('domain')} WHERE domain LIKE '%xn--%'`)
  const domains = rows
    .map((r) => toText(r.domain))
    .filter((d) => {
      const u = toUnicodeDomain(d).normalize('NFC').toLowerCase()
      return at >= 0 ? u.startsWith(domainPart) : u.includes(domainPart)
    })
  return { domains, ...(at >= 0 ? { localLike: `%${local.replace(/[\\%_]/g, (ch) => `\\${ch}`)}` } : {}) }
}

/** `(domainCol IN (…) [AND localCol LIKE ?])` for an IdnSearch, with its parameters; FALSE when nothing matched. */
export function idnCondition(m: IdnSearch, domainCol: string, localCol?: string): { sql: string; params: unknown[] } {
  if (!m.domains.length) return { sql: '0 = 1', params: [] }
  const inList = `${domainCol} IN (${m.domains.map(() => '?').join(', ')})`
  if (m.localLike !== undefined && localCol) return { sql: `(${inList} AND ${localCol} LIKE ?)`, params: [...m.domains, m.localLike] }
  return { sql: inList, params: [...m.domains] }
}

export class DomainRepository {
  constructor(private readonly c: MailContext) {}

  private selectSql(where: string): string {
    const { t } = this.c.tables
    const mult = Math.trunc(this.c.settings.quotaMultiplier) || 1
    // with $CONF['quota'] off PostfixAdmin writes no quotas: no SUM, so the counts come from the domain
    // index alone (the SUM reads every mailbox row: ~135 ms of ~155 with 100k mailboxes)
    const usage = this.c.settings.newQuotaTable
      ? `LEFT JOIN (SELECT m2.domain AS u_domain, SUM(q2.bytes) AS used_bytes FROM ${t('quota2')} q2 JOIN ${t('mailbox')} m2 ON m2.username = q2.username GROUP BY m2.domain) u ON u.u_domain = d.domain`
      : `LEFT JOIN (SELECT m2.domain AS u_domain, SUM(q1.current) AS used_bytes FROM ${t('quota')} q1 JOIN ${t('mailbox')} m2 ON m2.username = q1.username WHERE q1.path = 'quota/storage' GROUP BY m2.domain) u ON u.u_domain = d.domain`
    return `SELECT d.*, COALESCE(a.a_count, 0) - COALESCE(m.m_count, 0) AS alias_count, COALESCE(m.m_count, 0) AS mailbox_count,
        ROUND(COALESCE(m.m_total / ${mult}, 0)) AS total_quota, COALESCE(u.used_bytes, 0) AS used_bytes, ad.target_domain AS alias_target
      FROM ${t('domain')} d
      LEFT JOIN (SELECT domain AS a_domain, COUNT(*) AS a_count FROM ${t('alias')} GROUP BY domain) a ON a.a_domain = d.domain
      LEFT JOIN (SELECT domain AS m_domain, COUNT(*) AS m_count, ${this.c.settings.quota ? 'SUM(quota)' : '0'} AS m_total FROM ${t('mailbox')} GROUP BY domain) m ON m.m_domain = d.domain
      ${usage}
      LEFT JOIN ${t('alias_domain')} ad ON ad.alias_domain = d.domain
      WHERE d.domain <> 'ALL' ${where}`
  }

  async list(query: ListQuery): Promise<{ rows: DomainRow[]; total: number }> {
    const p = ListQuerySchema.parse(query)
    const patterns = searchPatterns(p.search)
    const idn = await idnSearch(this.c, p.search)
    const idnCond = idn ? idnCondition(idn, 'd.domain') : undefined
    const where = patterns.length ? `AND (${[...patterns.map((x) => `${likeOn('d.domain', x)} OR ${likeOn('d.description', x)}`), ...(idnCond ? [idnCond.sql] : [])].join(' OR ')})` : ''
    const params = [...patterns.flatMap((s) => [s, s]), ...(idnCond?.params ?? [])]
    const sortCol = domainSortColumns[p.sort ?? 'domain'] ?? 'd.domain'
    const rows = await this.c.q.query<Row[]>(`${this.selectSql(where)} ORDER BY ${sortCol} ${p.desc ? 'DESC' : 'ASC'}, d.domain ASC LIMIT ? OFFSET ?`, [...params, p.limit, p.offset])
    const [count] = await this.c.q.query<Row[]>(`SELECT COUNT(*) AS n FROM ${this.c.tables.t('domain')} d WHERE d.domain <> 'ALL' ${where}`, params)
    return { rows: rows.map(toDomainRow), total: toNumber(count?.n) }
  }

  async get(domain: string, opts: { lock?: boolean } = {}): Promise<DomainRow | undefined> {
    const name = normalizeDomain(domain)
    if (name === 'all' || !isAsciiKey(name)) return undefined
    if (opts.lock) await this.c.q.query(`SELECT domain FROM ${this.c.tables.t('domain')} WHERE domain = ? FOR UPDATE`, [name])
    const rows = await this.c.q.query<Row[]>(`${this.selectSql('AND d.domain = ?')}`, [name])
    return rows[0] ? toDomainRow(rows[0]) : undefined
  }

  async require(domain: string, opts: { lock?: boolean } = {}): Promise<DomainRow> {
    const row = await this.get(domain, opts)
    if (!row) throw notFound('domain', domain)
    return row
  }

  async create(input: DomainCreate): Promise<DomainRow> {
    const i = DomainCreate.parse(input)
    const domain = normalizeDomain(i.domain)
    if (domain === '') throw invalid('domain', 'empty', 'The domain name is empty.')
    if (domain.toUpperCase() === 'ALL') throw invalid('domain', 'reserved', '"ALL" is PostfixAdmin\'s pseudo-domain for superadmins.')
    if (checkDomain(domain)) throw invalid('domain', 'invalid-domain', `"${i.domain}" is not a valid domain name.`)
    const s = this.c.settings
    const row = newDomainDefaults(domain, { aliases: s.aliases, mailboxes: s.mailboxes, maxquota: s.maxquota, domainQuotaDefault: s.domainQuotaDefault, transportDefault: s.transportDefault, defaultAliases: s.defaultAliases })
    const values = {
      ...row,
      description: i.description,
      aliases: i.aliases ?? row.aliases,
      mailboxes: i.mailboxes ?? row.mailboxes,
      maxquota: i.maxquota ?? row.maxquota,
      quota: i.quota ?? row.quota,
      transport: i.transport ?? row.transport,
      backupmx: i.backupmx,
      active: i.active,
    }
    const { t } = this.c.tables
    const existing = await this.c.q.query<Row[]>(`SELECT domain FROM ${t('domain')} WHERE domain = ? FOR UPDATE`, [domain])
    if (existing.length) throw duplicate('domain', domain)
    const cols = await this.c.tables.columnsOf(this.c.q, 'domain')
    const names = ['domain', 'description', 'aliases', 'mailboxes', 'maxquota', 'quota', 'transport', 'backupmx', 'active']
    const params: unknown[] = [domain, values.description, values.aliases, values.mailboxes, values.maxquota, values.quota, values.transport, values.backupmx ? 1 : 0, values.active ? 1 : 0]
    if (cols.has('password_expiry')) {
      names.push('password_expiry')
      params.push(365)
    }
    await this.c.q.query(`INSERT INTO ${t('domain')} (${names.join(', ')}, created, modified) VALUES (${names.map(() => '?').join(', ')}, NOW(), NOW())`, params)
    if (i.defaultAliases) {
      for (const a of defaultAliasRows(domain, s.defaultAliases)) {
        // DomainHandler::postSave writes these with db_insert (created/modified now), without a log row
        await this.c.q.query(`INSERT INTO ${t('alias')} (address, goto, domain, created, modified, active) VALUES (?, ?, ?, NOW(), NOW(), 1)`, [a.address, a.goto, a.domain])
      }
    }
    await writeLog(this.c, domain, 'create_domain', domain)
    return this.require(domain)
  }

  async edit(domain: string, patch: DomainPatch, expectedVersion?: string): Promise<DomainRow> {
    const p = DomainPatch.parse(patch)
    const current = await this.require(domain, { lock: true })
    checkVersion('domain', current.domain, expectedVersion, current)
    const sets: string[] = []
    const params: unknown[] = []
    const put = (col: string, v: unknown) => {
      sets.push(`${col} = ?`)
      params.push(v)
    }
    if (p.description !== undefined) put('description', p.description)
    if (p.aliases !== undefined) put('aliases', p.aliases)
    if (p.mailboxes !== undefined) put('mailboxes', p.mailboxes)
    if (p.maxquota !== undefined) put('maxquota', p.maxquota)
    if (p.quota !== undefined) put('quota', p.quota)
    if (p.transport !== undefined) put('transport', p.transport)
    if (p.backupmx !== undefined) put('backupmx', p.backupmx ? 1 : 0)
    if (p.active !== undefined) put('active', p.active ? 1 : 0)
    if (sets.length === 0) return current
    await this.c.q.query(`UPDATE ${this.c.tables.t('domain')} SET ${sets.join(', ')}, modified = NOW() WHERE domain = ?`, [...params, current.domain])
    await writeLog(this.c, current.domain, 'edit_domain', current.domain)
    return this.require(current.domain)
  }

  /** What deleting the domain removes, table by table (the confirm dialog's list). */
  async deletePreview(domain: string): Promise<DeleteSummary> {
    const d = await this.require(domain)
    return { target: d.domain, removed: await this.cascadeCounts(d.domain) }
  }

  private async cascadeCounts(domain: string): Promise<Record<string, number>> {
    const { t } = this.c.tables
    const like = `%@${domain}`
    const one = async (sql: string, params: unknown[]): Promise<number> => toNumber((await this.c.q.query<Row[]>(sql, params))[0]?.n)
    return {
      domain_admins: await one(`SELECT COUNT(*) AS n FROM ${t('domain_admins')} WHERE domain = ?`, [domain]),
      alias: await one(`SELECT COUNT(*) AS n FROM ${t('alias')} WHERE domain = ?`, [domain]),
      mailbox: await one(`SELECT COUNT(*) AS n FROM ${t('mailbox')} WHERE domain = ?`, [domain]),
      alias_domain: await one(`SELECT COUNT(*) AS n FROM ${t('alias_domain')} WHERE alias_domain = ?`, [domain]),
      vacation: await one(`SELECT COUNT(*) AS n FROM ${t('vacation')} WHERE domain = ?`, [domain]),
      vacation_notification: await one(`SELECT COUNT(*) AS n FROM ${t('vacation_notification')} WHERE on_vacation = ? OR on_vacation LIKE ?`, [domain, like]),
      quota: await one(`SELECT COUNT(*) AS n FROM ${t('quota')} WHERE username = ? OR username LIKE ?`, [domain, like]),
      quota2: await one(`SELECT COUNT(*) AS n FROM ${t('quota2')} WHERE username = ? OR username LIKE ?`, [domain, like]),
      fetchmail: await one(`SELECT COUNT(*) AS n FROM ${t('fetchmail')} WHERE mailbox = ? OR mailbox LIKE ?`, [domain, like]),
    }
  }

  /**
   * DomainHandler::delete: refused while the domain is an alias domain's target; then domain_admins,
   * alias, mailbox, alias_domain, vacation, vacation_notification, quota, quota2, fetchmail, the
   * domain's log rows and the domain itself, then the delete_domain log row. One transaction (the caller's).
   */
  async delete(domain: string, expectedVersion?: string): Promise<DeleteSummary> {
    const d = await this.require(domain, { lock: true })
    checkVersion('domain', d.domain, expectedVersion, d)
    const { t } = this.c.tables
    const targets = await this.c.q.query<Row[]>(`SELECT alias_domain FROM ${t('alias_domain')} WHERE target_domain = ?`, [d.domain])
    if (targets.length) {
      throw new AppError('conflict', `The domain "${d.domain}" is the target of the alias domain(s) ${targets.map((r) => toText(r.alias_domain)).join(', ')}: delete those first.`, {
        kind: 'domain',
        id: d.domain,
        reason: 'alias-domain-target',
        aliasDomains: targets.map((r) => toText(r.alias_domain)),
      })
    }
    const removed = await this.cascadeCounts(d.domain)
    const like = `%@${d.domain}`
    await this.c.q.query(`DELETE FROM ${t('domain_admins')} WHERE domain = ?`, [d.domain])
    await this.c.q.query(`DELETE FROM ${t('alias')} WHERE domain = ?`, [d.domain])
    await this.c.q.query(`DELETE FROM ${t('mailbox')} WHERE domain = ?`, [d.domain])
    await this.c.q.query(`DELETE FROM ${t('alias_domain')} WHERE alias_domain = ?`, [d.domain])
    await this.c.q.query(`DELETE FROM ${t('vacation')} WHERE domain = ?`, [d.domain])
    await this.c.q.query(`DELETE FROM ${t('vacation_notification')} WHERE on_vacation = ? OR on_vacation LIKE ?`, [d.domain, like])
    await this.c.q.query(`DELETE FROM ${t('quota')} WHERE username = ? OR username LIKE ?`, [d.domain, like])
    await this.c.q.query(`DELETE FROM ${t('quota2')} WHERE username = ? OR username LIKE ?`, [d.domain, like])
    await this.c.q.query(`DELETE FROM ${t('fetchmail')} WHERE mailbox = ? OR mailbox LIKE ?`, [d.domain, like])
    await this.c.q.query(`DELETE FROM ${t('log')} WHERE domain = ?`, [d.domain])
    await this.c.q.query(`DELETE FROM ${t('domain')} WHERE domain = ?`, [d.domain])
    await writeLog(this.c, d.domain, 'delete_domain', d.domain)
    return { target: d.domain, removed: { ...removed, domain: 1 } }
  }
}
