// Aliases as PostfixAdmin 3.3's AliasHandler keeps them: comma-joined goto, catch-all `@domain`,
// alias limits per domain (a mailbox's own alias does not count), a mailbox's alias not deletable.
import { AliasCreate, AliasPatch, ListQuery as ListQuerySchema, type AliasRow, type DeleteSummary, type ListQuery } from '../../../shared/domain/mail'
import { AppError } from '../../../shared/errors'
import { checkAliasAddress, checkAliasTarget, joinGoto, normalizeDomain, normalizeEmail, splitGoto } from '../../../shared/mail/address-rules'
import { canCreateMore } from '../../../shared/mail/quota-and-limits'
import { DomainRepository, idnCondition, idnSearch, searchPatterns } from './domain-repository'
import { checkVersion, cleanTargets, duplicate, invalid, notFound, writeLog, type MailContext } from './mail-context'
import { isAsciiKey, likeOn, rowVersion, toBool, toNumber, toText, type Row } from './mail-database'

const aliasSortColumns: Record<string, string> = { address: 'a.address', goto: 'a.goto', domain: 'a.domain', active: 'a.active', modified: 'a.modified', created: 'a.created' }

/** What a user types for an alias address -> the stored form (`*@d` and `@d` are the catch-all `@d`). */
export function normalizeAliasAddress(input: string): string {
  const s = input.trim()
  if (s.startsWith('*@')) return `@${normalizeDomain(s.slice(2))}`
  if (s.startsWith('@')) return `@${normalizeDomain(s.slice(1))}`
  return normalizeEmail(s)
}

export class AliasRepository {
  constructor(private readonly c: MailContext) {}

  private toRow(r: Row): AliasRow {
    const stored = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'x_mailbox'))
    const address = toText(r.address)
    return {
      address,
      domain: toText(r.domain),
      goto: splitGoto(toText(r.goto)),
      isMailbox: r.x_mailbox !== null && r.x_mailbox !== undefined,
      catchAll: address.startsWith('@'),
      active: toBool(r.active),
      created: toText(r.created),
      modified: toText(r.modified),
      version: rowVersion(stored),
    }
  }

  private selectSql(where: string, hint = ''): string {
    const { t } = this.c.tables
    return `SELECT a.*, m.username AS x_mailbox FROM ${t('alias')} a ${hint} LEFT JOIN ${t('mailbox')} m ON m.username = a.address WHERE 1 = 1 ${where}`
  }

  /** Aliases of a domain (or all); a mailbox's own alias rows only with includeMailboxes (PostfixAdmin lists them with the mailbox). */
  async list(domain: string | undefined, query: ListQuery, opts: { includeMailboxes?: boolean } = {}): Promise<{ rows: AliasRow[]; total: number }> {
    const p = ListQuerySchema.parse(query)
    const conds: string[] = []
    const params: unknown[] = []
    if (domain) {
      conds.push('a.domain = ?')
      params.push(normalizeDomain(domain))
    }
    if (!opts.includeMailboxes) conds.push('m.username IS NULL')
    const patterns = searchPatterns(p.search)
    if (patterns.length) {
      const idn = await idnSearch(this.c, p.search)
      const idnCond = idn ? idnCondition(idn, 'a.domain', 'SUBSTRING_INDEX(a.address, \'@\', 1)') : undefined
      conds.push(`(${[...patterns.map((x) => `${likeOn('a.address', x)} OR ${likeOn('a.goto', x)}`), ...(idnCond ? [idnCond.sql] : [])].join(' OR ')})`)
      params.push(...patterns.flatMap((s) => [s, s]), ...(idnCond?.params ?? []))
    }
    const where = conds.map((c) => `AND ${c}`).join(' ')
    const sortCol = aliasSortColumns[p.sort ?? 'address'] ?? 'a.address'
    // All domains in address order: walk the primary key and stop at the page (otherwise MariaDB joins
    // every alias to mailbox before sorting: ~200 ms with 100k mailboxes).
    const hint = !domain && sortCol === 'a.address' ? 'FORCE INDEX (PRIMARY)' : ''
    const rows = await this.c.q.query<Row[]>(`${this.selectSql(where, hint)} ORDER BY ${sortCol} ${p.desc ? 'DESC' : 'ASC'}, a.address ASC LIMIT ? OFFSET ?`, [...params, p.limit, p.offset])
    return { rows: rows.map((r) => this.toRow(r)), total: await this.count(domain, where, params, patterns.length > 0, opts.includeMailboxes ?? false) }
  }

  /**
   * Without a search, the aliases that are not a mailbox's own are counted as PostfixAdmin counts
   * them (alias rows - mailboxes, as its domain list does; two index counts) instead of joining every
   * alias to mailbox; with a search the join counts exactly the rows that match.
   */
  private async count(domain: string | undefined, where: string, params: unknown[], searching: boolean, includeMailboxes: boolean): Promise<number> {
    const { t } = this.c.tables
    if (searching || includeMailboxes) {
      const [count] = await this.c.q.query<Row[]>(`SELECT COUNT(*) AS n FROM ${t('alias')} a LEFT JOIN ${t('mailbox')} m ON m.username = a.address WHERE 1 = 1 ${where}`, params)
      return toNumber(count?.n)
    }
    const d = domain ? normalizeDomain(domain) : undefined
    const [r] = await this.c.q.query<Row[]>(
      `SELECT (SELECT COUNT(*) FROM ${t('alias')} ${d ? 'WHERE domain = ?' : ''}) - (SELECT COUNT(*) FROM ${t('mailbox')} ${d ? 'WHERE domain = ?' : ''}) AS n`,
      d ? [d, d] : [],
    )
    return Math.max(0, toNumber(r?.n))
  }

  async get(address: string, opts: { lock?: boolean } = {}): Promise<AliasRow | undefined> {
    const id = normalizeAliasAddress(address)
    if (!isAsciiKey(id)) return undefined
    if (opts.lock) await this.c.q.query(`SELECT address FROM ${this.c.tables.t('alias')} WHERE address = ? FOR UPDATE`, [id])
    const rows = await this.c.q.query<Row[]>(this.selectSql('AND a.address = ?'), [id])
    return rows[0] ? this.toRow(rows[0]) : undefined
  }

  async require(address: string, opts: { lock?: boolean } = {}): Promise<AliasRow> {
    const row = await this.get(address, opts)
    if (!row) throw notFound('alias', address)
    return row
  }

  private checkTargets(address: string, targets: string[], isMailbox: boolean): void {
    if (targets.length === 0) throw invalid('goto', 'goto-empty', 'An alias needs at least one target address.')
    for (const g of targets) {
      const err = checkAliasTarget(address, g, { forMailbox: isMailbox })
      if (err) throw invalid('goto', err, err === 'alias-points-to-itself' ? `The alias ${address} cannot point to itself.` : `"${g}" is not a valid target address.`, { target: g })
    }
  }

  async create(input: AliasCreate): Promise<AliasRow> {
    const i = AliasCreate.parse(input)
    const address = normalizeAliasAddress(i.address)
    const addrErr = checkAliasAddress(address)
    if (addrErr) throw invalid('address', addrErr, `"${i.address}" is not a valid alias address.`)
    const domainName = address.slice(address.indexOf('@') + 1)
    const domain = await new DomainRepository(this.c).require(domainName, { lock: true })
    const { t } = this.c.tables
    if ((await this.c.q.query<Row[]>(`SELECT address FROM ${t('alias')} WHERE address = ? FOR UPDATE`, [address])).length) throw duplicate('alias', address)
    if (!canCreateMore(domain.aliases, domain.aliasCount)) {
      throw invalid('domain', domain.aliases < 0 ? 'aliases-disabled' : 'alias-limit', `The domain ${domain.domain} allows ${domain.aliases < 0 ? 'no' : `at most ${domain.aliases}`} aliases (it has ${domain.aliasCount}).`, {
        limit: domain.aliases,
        count: domain.aliasCount,
      })
    }
    const goto = cleanTargets(i.goto)
    this.checkTargets(address, goto, false)
    await this.c.q.query(`INSERT INTO ${t('alias')} (address, goto, domain, created, modified, active) VALUES (?, ?, ?, NOW(), NOW(), ?)`, [address, joinGoto(goto), domain.domain, i.active ? 1 : 0])
    await writeLog(this.c, domain.domain, 'create_alias', address)
    return this.require(address)
  }

  /** A mailbox's alias keeps or drops the mailbox itself through `goto` (forward-and-keep). */
  async edit(address: string, patch: AliasPatch, expectedVersion?: string): Promise<AliasRow> {
    const p = AliasPatch.parse(patch)
    const current = await this.require(address, { lock: true })
    checkVersion('alias', current.address, expectedVersion, current)
    const sets: string[] = []
    const params: unknown[] = []
    if (p.goto !== undefined) {
      const goto = cleanTargets(p.goto)
      this.checkTargets(current.address, goto, current.isMailbox)
      sets.push('goto = ?')
      params.push(joinGoto(goto))
    }
    if (p.active !== undefined) {
      if (current.isMailbox) throw invalid('active', 'mailbox-alias-active', `The alias ${current.address} belongs to a mailbox: it is (de)activated with the mailbox.`)
      sets.push('active = ?')
      params.push(p.active ? 1 : 0)
    }
    if (sets.length === 0) return current
    await this.c.q.query(`UPDATE ${this.c.tables.t('alias')} SET ${sets.join(', ')}, modified = NOW() WHERE address = ?`, [...params, current.address])
    await writeLog(this.c, current.domain, 'edit_alias', current.address)
    return this.require(current.address)
  }

  async delete(address: string, expectedVersion?: string): Promise<DeleteSummary> {
    const a = await this.require(address, { lock: true })
    checkVersion('alias', a.address, expectedVersion, a)
    if (a.isMailbox) throw new AppError('conflict', `The alias ${a.address} belongs to the mailbox of the same name: delete the mailbox instead.`, { kind: 'alias', id: a.address, reason: 'mailbox-alias' })
    await this.c.q.query(`DELETE FROM ${this.c.tables.t('alias')} WHERE address = ?`, [a.address])
    await writeLog(this.c, a.domain, 'delete_alias', a.address)
    return { target: a.address, removed: { alias: 1 } }
  }
}
