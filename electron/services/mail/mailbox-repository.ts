// Mailboxes as PostfixAdmin 3.3's MailboxHandler keeps them: username = local_part@domain, maildir by
// domain_path/domain_in_mailbox, quota MB x quota_multiplier, limits, and the mailbox's own alias row
// (address = goto = username) written first, whose `active` follows the mailbox's.
import { ListQuery as ListQuerySchema, MailboxCreate, MailboxPatch, type DeleteSummary, type ListQuery, type MailboxRow } from '../../../shared/domain/mail'
import { checkAliasTarget, checkMailboxAddress, joinGoto, normalizeDomain, splitGoto } from '../../../shared/mail/address-rules'
import { maildirFor } from '../../../shared/mail/maildir'
import { validatePassword } from '../../../shared/mail/password-policy'
import { identifyStoredHash } from '../../../shared/mail/password-schemes'
import { canCreateMore, checkMailboxQuota, quotaBytesToMb, quotaMbToBytes } from '../../../shared/mail/quota-and-limits'
import { DomainRepository, idnCondition, idnSearch, searchPatterns } from './domain-repository'
import { checkVersion, cleanTargets, duplicate, invalid, notFound, writeLog, type MailContext } from './mail-context'
import { isAsciiKey, likeOn, likePattern, rowVersion, toBool, toNumber, toText, type Row } from './mail-database'

const mailboxSortColumns: Record<string, string> = {
  username: 'm.username',
  name: 'm.name',
  domain: 'm.domain',
  quotaMb: 'm.quota',
  usedBytes: 'used_bytes',
  active: 'm.active',
  modified: 'm.modified',
  created: 'm.created',
}

// the version covers the mailbox row and its alias row's goto (forwards), not the usage counters
const storedColumns = (r: Row): Row => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('x_used')))

export class MailboxRepository {
  constructor(private readonly c: MailContext) {}

  private toRow(r: Row): MailboxRow {
    const username = toText(r.username)
    const goto = splitGoto(toText(r.x_goto))
    return {
      username,
      localPart: toText(r.local_part),
      domain: toText(r.domain),
      name: toText(r.name),
      maildir: toText(r.maildir),
      quotaBytes: toNumber(r.quota),
      quotaMb: quotaBytesToMb(toNumber(r.quota), this.c.settings.quotaMultiplier),
      active: toBool(r.active),
      created: toText(r.created),
      modified: toText(r.modified),
      usedBytes: toNumber(r.x_used_bytes),
      usedMessages: toNumber(r.x_used_messages),
      forwards: goto.filter((g) => g !== username),
      keepCopy: goto.includes(username),
      passwordScheme: identifyStoredHash(toText(r.password)).algorithm,
      version: rowVersion(storedColumns(r)),
    }
  }

  /** `from` is what the mailbox rows come from: the table, or a page of usernames joined to it. */
  private selectSql(where: string, from = `${this.c.tables.t('mailbox')} m`): string {
    const { t } = this.c.tables
    const usage = this.c.settings.newQuotaTable
      ? `LEFT JOIN ${t('quota2')} q2 ON q2.username = m.username`
      : `LEFT JOIN (SELECT username, SUM(CASE WHEN path = 'quota/storage' THEN current ELSE 0 END) AS bytes, SUM(CASE WHEN path = 'quota/messages' THEN current ELSE 0 END) AS messages FROM ${t('quota')} GROUP BY username) q2 ON q2.username = m.username`
    return `SELECT m.*, COALESCE(q2.bytes, 0) AS x_used_bytes, COALESCE(q2.messages, 0) AS x_used_messages, a.goto AS x_goto
      FROM ${from} ${usage} LEFT JOIN ${t('alias')} a ON a.address = m.username WHERE 1 = 1 ${where}`
  }

  async list(domain: string | undefined, query: ListQuery): Promise<{ rows: MailboxRow[]; total: number }> {
    const p = ListQuerySchema.parse(query)
    const conds: string[] = []
    const params: unknown[] = []
    if (domain) {
      conds.push('m.domain = ?')
      params.push(normalizeDomain(domain))
    }
    const patterns = searchPatterns(p.search)
    if (patterns.length) {
      const idn = await idnSearch(this.c, p.search)
      const idnCond = idn ? idnCondition(idn, 'm.domain', 'm.local_part') : undefined
      conds.push(`(${[...patterns.map((x) => `${likeOn('m.username', x)} OR ${likeOn('m.name', x)}`), ...(idnCond ? [idnCond.sql] : [])].join(' OR ')})`)
      params.push(...patterns.flatMap((s) => [s, s]), ...(idnCond?.params ?? []))
    }
    const where = conds.map((c) => `AND ${c}`).join(' ')
    const sortCol = mailboxSortColumns[p.sort ?? 'username'] ?? 'm.username'
    const sortUsage = sortCol === 'used_bytes' ? 'x_used_bytes' : sortCol
    const dir = p.desc ? 'DESC' : 'ASC'
    // A deferred join: the page's usernames are found on the mailbox table alone (skipped and sorted
    // rows never touch quota2 or alias), then only those rows are joined. Sorting by usage needs the join.
    const rows =
      sortCol === 'used_bytes'
        ? await this.c.q.query<Row[]>(`${this.selectSql(where)} ORDER BY ${sortUsage} ${dir}, m.username ASC LIMIT ? OFFSET ?`, [...params, p.limit, p.offset])
        : await this.c.q.query<Row[]>(
            `${this.selectSql('', `(SELECT m.username AS page_username FROM ${this.c.tables.t('mailbox')} m WHERE 1 = 1 ${where} ORDER BY ${sortCol} ${dir}, m.username ASC LIMIT ? OFFSET ?) page JOIN ${this.c.tables.t('mailbox')} m ON m.username = page.page_username`)} ORDER BY ${sortCol} ${dir}, m.username ASC`,
            [...params, p.limit, p.offset],
          )
    const [count] = await this.c.q.query<Row[]>(`SELECT COUNT(*) AS n FROM ${this.c.tables.t('mailbox')} m WHERE 1 = 1 ${where}`, params)
    return { rows: rows.map((r) => this.toRow(r)), total: toNumber(count?.n) }
  }

  async get(username: string, opts: { lock?: boolean } = {}): Promise<MailboxRow | undefined> {
    const id = username.trim().toLowerCase()
    if (!isAsciiKey(id)) return undefined
    if (opts.lock) {
      await this.c.q.query(`SELECT username FROM ${this.c.tables.t('mailbox')} WHERE username = ? FOR UPDATE`, [id])
      await this.c.q.query(`SELECT address FROM ${this.c.tables.t('alias')} WHERE address = ? FOR UPDATE`, [id])
    }
    const rows = await this.c.q.query<Row[]>(this.selectSql('AND m.username = ?'), [id])
    return rows[0] ? this.toRow(rows[0]) : undefined
  }

  async require(username: string, opts: { lock?: boolean } = {}): Promise<MailboxRow> {
    const row = await this.get(username, opts)
    if (!row) throw notFound('mailbox', username)
    return row
  }

  private checkPassword(password: string): void {
    const s = this.c.settings
    const violations = validatePassword(password, { validation: s.passwordValidation, ...(s.minPasswordLength !== undefined ? { minLength: s.minPasswordLength } : {}) })
    if (violations.length) throw invalid('password', 'password-policy', `The password does not meet the server's password policy (${violations.map((v) => v.key + (v.param ? ` ${v.param}` : '')).join(', ')}).`, { violations })
  }

  /** Sum of the other mailboxes' quotas in MB (check_quota's cur_quota_total). */
  private async othersTotalMb(domain: string, username: string): Promise<number> {
    const [r] = await this.c.q.query<Row[]>(`SELECT SUM(quota) AS s FROM ${this.c.tables.t('mailbox')} WHERE domain = ? AND username != ?`, [domain, username])
    return quotaBytesToMb(toNumber(r?.s), this.c.settings.quotaMultiplier)
  }

  private async checkQuota(wantedMb: number, domain: { domain: string; maxquota: number; quota: number }, username: string): Promise<void> {
    const s = this.c.settings
    if (!s.quota) return
    const err = checkMailboxQuota(wantedMb, { maxquota: domain.maxquota, quota: domain.quota, othersTotalMb: await this.othersTotalMb(domain.domain, username) }, { quotaEnabled: s.quota, domainQuotaEnabled: s.domainQuota })
    if (err) throw invalid('quotaMb', err, `A quota of ${wantedMb} MB is not allowed in ${domain.domain} (maxquota ${domain.maxquota} MB, domain quota ${domain.quota} MB): ${err}.`, { maxquota: domain.maxquota, domainQuota: domain.quota })
  }

  async create(input: MailboxCreate): Promise<MailboxRow> {
    const i = MailboxCreate.parse(input)
    const domainName = normalizeDomain(i.domain)
    const localPart = i.localPart.trim().toLowerCase()
    const addrErr = checkMailboxAddress(localPart, domainName)
    if (addrErr) throw invalid('localPart', addrErr, `"${i.localPart}@${i.domain}" is not a valid mailbox address.`)
    const username = `${localPart}@${domainName}`
    const domains = new DomainRepository(this.c)
    const domain = await domains.require(domainName, { lock: true })
    const { t } = this.c.tables
    if ((await this.c.q.query<Row[]>(`SELECT address FROM ${t('alias')} WHERE address = ? FOR UPDATE`, [username])).length) throw duplicate('address', username, 'address-exists')
    if ((await this.c.q.query<Row[]>(`SELECT username FROM ${t('mailbox')} WHERE username = ? FOR UPDATE`, [username])).length) throw duplicate('mailbox', username)
    if (!canCreateMore(domain.mailboxes, domain.mailboxCount)) {
      throw invalid('domain', domain.mailboxes < 0 ? 'mailboxes-disabled' : 'mailbox-limit', `The domain ${domain.domain} allows ${domain.mailboxes < 0 ? 'no' : `at most ${domain.mailboxes}`} mailboxes (it has ${domain.mailboxCount}).`, {
        limit: domain.mailboxes,
        count: domain.mailboxCount,
      })
    }
    const s = this.c.settings
    const quotaMb = !s.quota ? 0 : (i.quotaMb ?? (domain.maxquota > 0 ? domain.maxquota : domain.maxquota < 0 ? -1 : 0))
    await this.checkQuota(quotaMb, domain, username)
    this.checkPassword(i.password)
    const hash = await this.c.hashPassword(i.password)
    // the mailbox's own alias first (MailboxHandler::preSave -> AliasHandler::save, logged as create_alias)
    await this.c.q.query(`INSERT INTO ${t('alias')} (address, goto, domain, created, modified, active) VALUES (?, ?, ?, NOW(), NOW(), ?)`, [username, username, domainName, i.active ? 1 : 0])
    await writeLog(this.c, domainName, 'create_alias', username)
    const cols = await this.c.tables.columnsOf(this.c.q, 'mailbox')
    const names = ['username', 'password', 'name', 'maildir', 'quota', 'local_part', 'domain', 'active']
    const params: unknown[] = [username, hash, i.name, maildirFor(localPart, domainName, s), quotaMbToBytes(quotaMb, s.quotaMultiplier), localPart, domainName, i.active ? 1 : 0]
    const extra = cols.has('password_expiry') ? ", password_expiry = DATE_FORMAT(DATE_ADD(NOW(), INTERVAL 365 DAY), '%Y-%m-%d %H:%i')" : ''
    await this.c.q.query(`INSERT INTO ${t('mailbox')} SET ${names.map((n) => `${n} = ?`).join(', ')}, created = NOW(), modified = NOW()${extra}`, params)
    await writeLog(this.c, domainName, 'create_mailbox', username)
    return this.require(username)
  }

  async edit(username: string, patch: MailboxPatch, expectedVersion?: string): Promise<MailboxRow> {
    const p = MailboxPatch.parse(patch)
    const current = await this.require(username, { lock: true })
    checkVersion('mailbox', current.username, expectedVersion, current)
    const { t } = this.c.tables
    const s = this.c.settings
    const sets: string[] = []
    const params: unknown[] = []
    if (p.name !== undefined) {
      sets.push('name = ?')
      params.push(p.name)
    }
    if (p.quotaMb !== undefined && s.quota) {
      const domain = await new DomainRepository(this.c).require(current.domain, { lock: true })
      await this.checkQuota(p.quotaMb, domain, current.username)
      sets.push('quota = ?')
      params.push(quotaMbToBytes(p.quotaMb, s.quotaMultiplier))
    }
    if (p.active !== undefined) {
      sets.push('active = ?')
      params.push(p.active ? 1 : 0)
    }
    if (p.password !== undefined && p.password !== '') {
      this.checkPassword(p.password)
      sets.push('password = ?')
      params.push(await this.c.hashPassword(p.password))
      if ((await this.c.tables.columnsOf(this.c.q, 'mailbox')).has('password_expiry')) sets.push("password_expiry = DATE_FORMAT(DATE_ADD(NOW(), INTERVAL 365 DAY), '%Y-%m-%d %H:%i')")
    }
    // the mailbox's alias row: active follows, goto = forwards (+ the mailbox itself when keeping a copy)
    const aliasSets = ['modified = NOW()']
    const aliasParams: unknown[] = []
    if (p.active !== undefined) {
      aliasSets.push('active = ?')
      aliasParams.push(p.active ? 1 : 0)
    }
    if (p.forwards !== undefined || p.keepCopy !== undefined) {
      const forwards = cleanTargets(p.forwards ?? current.forwards).filter((f) => f !== current.username)
      const keep = p.keepCopy ?? (p.forwards !== undefined && forwards.length === 0 ? true : current.keepCopy)
      for (const f of forwards) {
        const err = checkAliasTarget(current.username, f, { forMailbox: true })
        if (err) throw invalid('forwards', err, `"${f}" is not a valid forwarding address.`, { target: f })
      }
      const goto = keep ? [...forwards, current.username] : forwards
      if (goto.length === 0) throw invalid('forwards', 'goto-empty', 'A mailbox that keeps no copy needs at least one forwarding address.')
      aliasSets.push('goto = ?')
      aliasParams.push(joinGoto(goto))
    }
    if (sets.length === 0 && aliasSets.length === 1) return current
    const aliasExists = (await this.c.q.query<Row[]>(`SELECT address FROM ${t('alias')} WHERE address = ?`, [current.username])).length > 0
    if (aliasExists) {
      await this.c.q.query(`UPDATE ${t('alias')} SET ${aliasSets.join(', ')} WHERE address = ?`, [...aliasParams, current.username])
    } else {
      // a mailbox without its alias row (made by hand): PostfixAdmin's AliasHandler would create it
      await this.c.q.query(`INSERT INTO ${t('alias')} (address, goto, domain, created, modified, active) VALUES (?, ?, ?, NOW(), NOW(), ?)`, [current.username, current.username, current.domain, (p.active ?? current.active) ? 1 : 0])
    }
    await writeLog(this.c, current.domain, aliasExists ? 'edit_alias' : 'create_alias', current.username)
    await this.c.q.query(`UPDATE ${t('mailbox')} SET ${[...sets, 'modified = NOW()'].join(', ')} WHERE username = ?`, [...params, current.username])
    await writeLog(this.c, current.domain, 'edit_mailbox', current.username)
    return this.require(current.username)
  }

  /**
   * Renames a mailbox (its local part) and/or moves it to another domain, in this transaction: the
   * mailbox row (username, local_part, domain, maildir), its own alias row, every alias whose goto
   * names it, and its quota, quota2, vacation, vacation_notification and fetchmail rows. The new
   * domain's limits apply as for a new mailbox. PostfixAdmin has no such operation.
   */
  async rename(username: string, to: { localPart?: string | undefined; domain?: string | undefined }, expectedVersion?: string): Promise<{ before: MailboxRow; after: MailboxRow; aliasesRepointed: number }> {
    const current = await this.require(username, { lock: true })
    checkVersion('mailbox', current.username, expectedVersion, current)
    const localPart = (to.localPart ?? current.localPart).trim().toLowerCase()
    const domainName = normalizeDomain(to.domain ?? current.domain)
    const addrErr = checkMailboxAddress(localPart, domainName)
    if (addrErr) throw invalid('localPart', addrErr, `"${localPart}@${domainName}" is not a valid mailbox address.`)
    const next = `${localPart}@${domainName}`
    if (next === current.username) throw invalid('localPart', 'same-address', `${next} is already this mailbox's address; nothing changed.`)
    const { t } = this.c.tables
    const s = this.c.settings
    if ((await this.c.q.query<Row[]>(`SELECT address FROM ${t('alias')} WHERE address = ? FOR UPDATE`, [next])).length) throw duplicate('address', next, 'address-exists')
    if ((await this.c.q.query<Row[]>(`SELECT username FROM ${t('mailbox')} WHERE username = ? FOR UPDATE`, [next])).length) throw duplicate('mailbox', next)
    if (domainName !== current.domain) {
      const domain = await new DomainRepository(this.c).require(domainName, { lock: true })
      if (!canCreateMore(domain.mailboxes, domain.mailboxCount)) {
        throw invalid('domain', domain.mailboxes < 0 ? 'mailboxes-disabled' : 'mailbox-limit', `The domain ${domain.domain} allows ${domain.mailboxes < 0 ? 'no' : `at most ${domain.mailboxes}`} mailboxes (it has ${domain.mailboxCount}).`, {
          limit: domain.mailboxes,
          count: domain.mailboxCount,
        })
      }
      await this.checkQuota(current.quotaMb, domain, current.username)
    }
    const maildir = maildirFor(localPart, domainName, s)
    await this.c.q.query(`UPDATE ${t('mailbox')} SET username = ?, local_part = ?, domain = ?, maildir = ?, modified = NOW() WHERE username = ?`, [next, localPart, domainName, maildir, current.username])
    // its own alias row: address, domain, and itself in goto
    const own = await this.c.q.query<Row[]>(`SELECT goto FROM ${t('alias')} WHERE address = ?`, [current.username])
    if (own[0]) {
      const goto = splitGoto(toText(own[0].goto)).map((g) => (g === current.username ? next : g))
      await this.c.q.query(`UPDATE ${t('alias')} SET address = ?, domain = ?, goto = ?, modified = NOW() WHERE address = ?`, [next, domainName, joinGoto(goto), current.username])
    } else {
      await this.c.q.query(`INSERT INTO ${t('alias')} (address, goto, domain, created, modified, active) VALUES (?, ?, ?, NOW(), NOW(), ?)`, [next, next, domainName, current.active ? 1 : 0])
    }
    // every other alias naming it (goto is comma-joined: match by LIKE, then compare exactly)
    const naming = await this.c.q.query<Row[]>(`SELECT address, domain, goto FROM ${t('alias')} WHERE address <> ? AND goto LIKE ? FOR UPDATE`, [next, likePattern(current.username)])
    let repointed = 0
    for (const a of naming) {
      const goto = splitGoto(toText(a.goto))
      if (!goto.includes(current.username)) continue
      const updated = [...new Set(goto.map((g) => (g === current.username ? next : g)))]
      await this.c.q.query(`UPDATE ${t('alias')} SET goto = ?, modified = NOW() WHERE address = ?`, [joinGoto(updated), toText(a.address)])
      await writeLog(this.c, toText(a.domain), 'edit_alias', `${toText(a.address)}: ${current.username} -> ${next}`)
      repointed++
    }
    await this.c.q.query(`UPDATE ${t('quota')} SET username = ? WHERE username = ?`, [next, current.username])
    await this.c.q.query(`UPDATE ${t('quota2')} SET username = ? WHERE username = ?`, [next, current.username])
    await this.c.q.query(`UPDATE ${t('vacation')} SET email = ?, domain = ? WHERE email = ?`, [next, domainName, current.username])
    await this.c.q.query(`UPDATE ${t('vacation_notification')} SET on_vacation = ? WHERE on_vacation = ?`, [next, current.username])
    if ((await this.c.tables.columnsOf(this.c.q, 'fetchmail')).has('domain')) await this.c.q.query(`UPDATE ${t('fetchmail')} SET mailbox = ?, domain = ? WHERE mailbox = ?`, [next, domainName, current.username])
    else await this.c.q.query(`UPDATE ${t('fetchmail')} SET mailbox = ? WHERE mailbox = ?`, [next, current.username])
    await writeLog(this.c, current.domain, 'edit_mailbox', `${current.username} -> ${next}`)
    if (domainName !== current.domain) await writeLog(this.c, domainName, 'edit_mailbox', `${current.username} -> ${next}`)
    return { before: current, after: await this.require(next), aliasesRepointed: repointed }
  }

  private async cascadeCounts(username: string): Promise<Record<string, number>> {
    const { t } = this.c.tables
    const one = async (sql: string): Promise<number> => toNumber((await this.c.q.query<Row[]>(sql, [username]))[0]?.n)
    return {
      fetchmail: await one(`SELECT COUNT(*) AS n FROM ${t('fetchmail')} WHERE mailbox = ?`),
      vacation: await one(`SELECT COUNT(*) AS n FROM ${t('vacation')} WHERE email = ?`),
      vacation_notification: await one(`SELECT COUNT(*) AS n FROM ${t('vacation_notification')} WHERE on_vacation = ?`),
      quota: await one(`SELECT COUNT(*) AS n FROM ${t('quota')} WHERE username = ?`),
      quota2: await one(`SELECT COUNT(*) AS n FROM ${t('quota2')} WHERE username = ?`),
      alias: await one(`SELECT COUNT(*) AS n FROM ${t('alias')} WHERE address = ?`),
    }
  }

  async deletePreview(username: string): Promise<DeleteSummary> {
    const m = await this.require(username)
    return { target: m.username, removed: { ...(await this.cascadeCounts(m.username)), mailbox: 1 } }
  }

  /** MailboxHandler::delete: fetchmail, vacation, vacation_notification, quota, quota2, its alias row, the mailbox. */
  async delete(username: string, expectedVersion?: string): Promise<DeleteSummary> {
    const m = await this.require(username, { lock: true })
    checkVersion('mailbox', m.username, expectedVersion, m)
    const removed = await this.cascadeCounts(m.username)
    const { t } = this.c.tables
    await this.c.q.query(`DELETE FROM ${t('fetchmail')} WHERE mailbox = ?`, [m.username])
    await this.c.q.query(`DELETE FROM ${t('vacation')} WHERE email = ?`, [m.username])
    await this.c.q.query(`DELETE FROM ${t('vacation_notification')} WHERE on_vacation = ?`, [m.username])
    await this.c.q.query(`DELETE FROM ${t('quota')} WHERE username = ?`, [m.username])
    await this.c.q.query(`DELETE FROM ${t('quota2')} WHERE username = ?`, [m.username])
    await this.c.q.query(`DELETE FROM ${t('alias')} WHERE address = ?`, [m.username])
    await this.c.q.query(`DELETE FROM ${t('mailbox')} WHERE username = ?`, [m.username])
    await writeLog(this.c, m.domain, 'delete_mailbox', m.username)
    return { target: m.username, removed: { ...removed, mailbox: 1 } }
  }
}
