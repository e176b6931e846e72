// Alias domains as PostfixAdmin 3.3's AliasdomainHandler keeps them: both domains exist, they differ,
// and no chains (an alias domain is never a target, a target never an alias domain).
import { AliasDomainCreate, AliasDomainPatch, ListQuery as ListQuerySchema, type AliasDomainRow, type DeleteSummary, type ListQuery } from '../../../shared/domain/mail'
import { AppError } from '../../../shared/errors'
import { normalizeDomain } from '../../../shared/mail/address-rules'
import { DomainRepository, idnCondition, idnSearch, searchPatterns } from './domain-repository'
import { checkVersion, duplicate, invalid, notFound, writeLog, type MailContext } from './mail-context'
import { isAsciiKey, likeOn, rowVersion, toBool, toNumber, toText, type Row } from './mail-database'

const sortColumns: Record<string, string> = { aliasDomain: 'alias_domain', targetDomain: 'target_domain', active: 'active', modified: 'modified', created: 'created' }

function toRow(r: Row): AliasDomainRow {
  return {
    aliasDomain: toText(r.alias_domain),
    targetDomain: toText(r.target_domain),
    active: toBool(r.active),
    created: toText(r.created),
    modified: toText(r.modified),
    version: rowVersion(r),
  }
}

export class AliasDomainRepository {
  constructor(private readonly c: MailContext) {}

  private requireEnabled(): void {
    if (!this.c.settings.aliasDomain) throw new AppError('unsupported', "Alias domains are switched off in this server's PostfixAdmin ($CONF['alias_domain']).")
  }

  async list(query: ListQuery): Promise<{ rows: AliasDomainRow[]; total: number }> {
    const p = ListQuerySchema.parse(query)
    const patterns = searchPatterns(p.search)
    const idn = await idnSearch(this.c, p.search)
    const idnConds = idn ? [idnCondition(idn, 'alias_domain'), idnCondition(idn, 'target_domain')] : []
    const where = patterns.length ? `WHERE ${[...patterns.map((x) => `${likeOn('alias_domain', x)} OR ${likeOn('target_domain', x)}`), ...idnConds.map((x) => x.sql)].join(' OR ')}` : ''
    const params = [...patterns.flatMap((s) => [s, s]), ...idnConds.flatMap((x) => x.params)]
    const t = this.c.tables.t('alias_domain')
    const sortCol = sortColumns[p.sort ?? 'aliasDomain'] ?? 'alias_domain'
    const rows = await this.c.q.query<Row[]>(`SELECT * FROM ${t} ${where} ORDER BY ${sortCol} ${p.desc ? 'DESC' : 'ASC'}, alias_domain ASC LIMIT ? OFFSET ?`, [...params, p.limit, p.offset])
    const [count] = await this.c.q.query<Row[]>(`SELECT COUNT(*) AS n FROM ${t} ${where}`, params)
    return { rows: rows.map(toRow), total: toNumber(count?.n) }
  }

  async get(aliasDomain: string, opts: { lock?: boolean } = {}): Promise<AliasDomainRow | undefined> {
    if (!isAsciiKey(normalizeDomain(aliasDomain))) return undefined
    const rows = await this.c.q.query<Row[]>(`SELECT * FROM ${this.c.tables.t('alias_domain')} WHERE alias_domain = ?${opts.lock ? ' FOR UPDATE' : ''}`, [normalizeDomain(aliasDomain)])
    return rows[0] ? toRow(rows[0]) : undefined
  }

  async require(aliasDomain: string, opts: { lock?: boolean } = {}): Promise<AliasDomainRow> {
    const row = await this.get(aliasDomain, opts)
    if (!row) throw notFound('alias domain', aliasDomain)
    return row
  }

  /** Both exist, differ, and neither would make a chain (alias -> target -> …). */
  private async checkPair(aliasDomain: string, targetDomain: string): Promise<void> {
    if (aliasDomain === targetDomain) throw invalid('targetDomain', 'alias-domain-to-itself', `The alias domain ${aliasDomain} cannot point to itself.`)
    const domains = new DomainRepository(this.c)
    if (!(await domains.get(aliasDomain, { lock: true }))) throw invalid('aliasDomain', 'domain-missing', `The domain ${aliasDomain} does not exist: create it first.`)
    if (!(await domains.get(targetDomain, { lock: true }))) throw invalid('targetDomain', 'domain-missing', `The target domain ${targetDomain} does not exist.`)
    const t = this.c.tables.t('alias_domain')
    const targetIsAlias = await this.c.q.query<Row[]>(`SELECT target_domain FROM ${t} WHERE alias_domain = ?`, [targetDomain])
    if (targetIsAlias.length) throw invalid('targetDomain', 'target-is-alias-domain', `${targetDomain} is itself an alias domain (of ${toText(targetIsAlias[0]?.target_domain)}): alias domains cannot be chained.`)
    const aliasIsTarget = await this.c.q.query<Row[]>(`SELECT alias_domain FROM ${t} WHERE target_domain = ? AND alias_domain <> ?`, [aliasDomain, aliasDomain])
    if (aliasIsTarget.length) throw invalid('aliasDomain', 'alias-is-target', `${aliasDomain} is the target of the alias domain ${toText(aliasIsTarget[0]?.alias_domain)}: alias domains cannot be chained.`)
  }

  async create(input: AliasDomainCreate): Promise<AliasDomainRow> {
    this.requireEnabled()
    const i = AliasDomainCreate.parse(input)
    const aliasDomain = normalizeDomain(i.aliasDomain)
    const targetDomain = normalizeDomain(i.targetDomain)
    if (aliasDomain === '' || targetDomain === '') throw invalid(aliasDomain === '' ? 'aliasDomain' : 'targetDomain', 'empty', 'Both the alias domain and its target are needed.')
    if (await this.get(aliasDomain, { lock: true })) throw duplicate('alias domain', aliasDomain)
    await this.checkPair(aliasDomain, targetDomain)
    await this.c.q.query(`INSERT INTO ${this.c.tables.t('alias_domain')} (alias_domain, target_domain, created, modified, active) VALUES (?, ?, NOW(), NOW(), ?)`, [aliasDomain, targetDomain, i.active ? 1 : 0])
    await writeLog(this.c, aliasDomain, 'create_alias_domain', aliasDomain)
    return this.require(aliasDomain)
  }

  async edit(aliasDomain: string, patch: AliasDomainPatch, expectedVersion?: string): Promise<AliasDomainRow> {
    this.requireEnabled()
    const p = AliasDomainPatch.parse(patch)
    const current = await this.require(aliasDomain, { lock: true })
    checkVersion('alias domain', current.aliasDomain, expectedVersion, current)
    const sets: string[] = []
    const params: unknown[] = []
    if (p.targetDomain !== undefined) {
      const target = normalizeDomain(p.targetDomain)
      await this.checkPair(current.aliasDomain, target)
      sets.push('target_domain = ?')
      params.push(target)
    }
    if (p.active !== undefined) {
      sets.push('active = ?')
      params.push(p.active ? 1 : 0)
    }
    if (sets.length === 0) return current
    await this.c.q.query(`UPDATE ${this.c.tables.t('alias_domain')} SET ${sets.join(', ')}, modified = NOW() WHERE alias_domain = ?`, [...params, current.aliasDomain])
    await writeLog(this.c, current.aliasDomain, 'edit_alias_domain', current.aliasDomain)
    return this.require(current.aliasDomain)
  }

  async delete(aliasDomain: string, expectedVersion?: string): Promise<DeleteSummary> {
    const a = await this.require(aliasDomain, { lock: true })
    checkVersion('alias domain', a.aliasDomain, expectedVersion, a)
    await this.c.q.query(`DELETE FROM ${this.c.tables.t('alias_domain')} WHERE alias_domain = ?`, [a.aliasDomain])
    await writeLog(this.c, a.aliasDomain, 'delete_alias_domain', a.targetDomain)
    return { target: a.aliasDomain, removed: { alias_domain: 1 } }
  }
}
