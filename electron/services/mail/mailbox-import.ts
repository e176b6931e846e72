// Bulk mailbox import: every row checked with PostfixAdmin's rules (address, domain, duplicates in the
// file and on the server, mailbox limits and quotas counting the rows before it, password policy), a
// verdict per row; nothing is written unless every row is good and it is not a dry run. Then the
// passwords are hashed across worker threads and the alias, mailbox and log rows go in as multi-row
// INSERTs, all in the caller's one transaction.
import { checkMailboxAddress, normalizeDomain } from '../../../shared/mail/address-rules'
import { maildirFor } from '../../../shared/mail/maildir'
import type { MailboxCsvRow } from '../../../shared/mail/mailbox-csv'
import { validatePassword } from '../../../shared/mail/password-policy'
import { canCreateMore, checkMailboxQuota, quotaBytesToMb, quotaMbToBytes } from '../../../shared/mail/quota-and-limits'
import { AppError } from '../../../shared/errors'
import type { ImportPhase, ImportResult, ImportVerdict } from '../../../shared/domain/mail'
import type { MailContext } from './mail-context'
import { isAsciiKey, toNumber, toText, type Row } from './mail-database'

export interface ImportOptions {
  dryRun: boolean
  hashMany(passwords: string[], onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<string[]>
  onProgress?(phase: ImportPhase, done: number, total: number): void
  /** Cancels the import: it throws 'cancelled' and the caller's transaction rolls back (nothing written). */
  signal?: AbortSignal
  /** rows per INSERT statement (default 500) */
  chunk?: number
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('cancelled', 'The import was cancelled; no mailbox of it was written.')
}

interface DomainState {
  maxquota: number
  quota: number
  mailboxes: number
  count: number
  totalMb: number
}

export async function importMailboxes(c: MailContext, rows: MailboxCsvRow[], o: ImportOptions): Promise<ImportResult> {
  const { t } = c.tables
  const s = c.settings
  throwIfCancelled(o.signal)
  const parsed = rows.map((r) => {
    const at = r.address.lastIndexOf('@')
    const localPart = (at > 0 ? r.address.slice(0, at) : r.address).trim().toLowerCase()
    const domain = at > 0 ? normalizeDomain(r.address.slice(at + 1)) : ''
    return { r, localPart, domain, username: `${localPart}@${domain}` }
  })
  const domainNames = [...new Set(parsed.map((p) => p.domain).filter((d) => d !== '' && isAsciiKey(d)))]
  const usernames = [...new Set(parsed.map((p) => p.username).filter(isAsciiKey))]
  const domains = new Map<string, DomainState>()
  if (domainNames.length) {
    const marks = domainNames.map(() => '?').join(', ')
    await c.q.query(`SELECT domain FROM ${t('domain')} WHERE domain IN (${marks}) FOR UPDATE`, domainNames)
    const found = await c.q.query<Row[]>(
      `SELECT d.domain, d.maxquota, d.quota, d.mailboxes, COALESCE(m.n, 0) AS n, COALESCE(m.total, 0) AS total FROM ${t('domain')} d
       LEFT JOIN (SELECT domain, COUNT(*) AS n, SUM(quota) AS total FROM ${t('mailbox')} WHERE domain IN (${marks}) GROUP BY domain) m ON m.domain = d.domain
       WHERE d.domain IN (${marks}) AND d.domain <> 'ALL'`,
      [...domainNames, ...domainNames],
    )
    for (const d of found) domains.set(toText(d.domain), { maxquota: toNumber(d.maxquota), quota: toNumber(d.quota), mailboxes: toNumber(d.mailboxes), count: toNumber(d.n), totalMb: quotaBytesToMb(toNumber(d.total), s.quotaMultiplier) })
  }
  const taken = new Set<string>()
  for (let i = 0; i < usernames.length; i += 1000) {
    const part = usernames.slice(i, i + 1000)
    const marks = part.map(() => '?').join(', ')
    for (const r of await c.q.query<Row[]>(`SELECT address AS a FROM ${t('alias')} WHERE address IN (${marks}) UNION SELECT username FROM ${t('mailbox')} WHERE username IN (${marks})`, [...part, ...part])) taken.add(toText(r.a))
  }

  const policy = { validation: s.passwordValidation, ...(s.minPasswordLength !== undefined ? { minLength: s.minPasswordLength } : {}) }
  const seen = new Set<string>()
  const verdicts: ImportVerdict[] = []
  const good: { p: (typeof parsed)[number]; quotaMb: number }[] = []
  parsed.forEach((p, i) => {
    const bad = (reason: string, message: string) => verdicts.push({ line: p.r.line, address: p.r.address, ok: false, reason, message })
    o.onProgress?.('check', i + 1, parsed.length)
    const addrErr = checkMailboxAddress(p.localPart, p.domain)
    if (addrErr) return bad(addrErr, `"${p.r.address}" is not a valid mailbox address.`)
    const d = domains.get(p.domain)
    if (!d) return bad('domain-missing', `The domain ${p.domain} does not exist.`)
    if (seen.has(p.username)) return bad('duplicate-in-file', `${p.username} appears more than once in the file.`)
    seen.add(p.username)
    if (taken.has(p.username)) return bad('address-exists', `${p.username} already exists (as a mailbox or an alias).`)
    if (!canCreateMore(d.mailboxes, d.count)) return bad(d.mailboxes < 0 ? 'mailboxes-disabled' : 'mailbox-limit', `The domain ${p.domain} allows ${d.mailboxes < 0 ? 'no' : `at most ${d.mailboxes}`} mailboxes.`)
    const quotaMb = !s.quota ? 0 : (p.r.quotaMb ?? (d.maxquota > 0 ? d.maxquota : d.maxquota < 0 ? -1 : 0))
    if (s.quota) {
      const qErr = checkMailboxQuota(quotaMb, { maxquota: d.maxquota, quota: d.quota, othersTotalMb: d.totalMb }, { quotaEnabled: true, domainQuotaEnabled: s.domainQuota })
      if (qErr) return bad(qErr, `A quota of ${quotaMb} MB is not allowed in ${p.domain}.`)
    }
    const violations = validatePassword(p.r.password, policy)
    if (violations.length) return bad('password-policy', `The password does not meet the server's policy (${violations.map((v) => v.key).join(', ')}).`)
    d.count++
    d.totalMb += Math.max(0, quotaMb)
    verdicts.push({ line: p.r.line, address: p.r.address, ok: true, create: { username: p.username, name: p.r.name, maildir: maildirFor(p.localPart, p.domain, s), quotaMb, active: p.r.active } })
    good.push({ p, quotaMb })
  })
  if (o.dryRun || verdicts.some((v) => !v.ok)) return { dryRun: o.dryRun, verdicts, created: 0 }

  throwIfCancelled(o.signal)
  o.onProgress?.('hash', 0, good.length)
  const hashes = await o.hashMany(
    good.map((g) => g.p.r.password),
    (done, total) => o.onProgress?.('hash', done, total),
    o.signal,
  ).catch((e: unknown) => {
    throwIfCancelled(o.signal)
    throw e
  })
  const cols = await c.tables.columnsOf(c.q, 'mailbox')
  const expiry = cols.has('password_expiry')
  const chunk = Math.max(1, o.chunk ?? 500)
  for (let i = 0; i < good.length; i += chunk) {
    throwIfCancelled(o.signal)
    const part = good.slice(i, i + chunk)
    await c.q.query(`INSERT INTO ${t('alias')} (address, goto, domain, created, modified, active) VALUES ${part.map(() => '(?, ?, ?, NOW(), NOW(), ?)').join(', ')}`, part.flatMap((g) => [g.p.username, g.p.username, g.p.domain, g.p.r.active ? 1 : 0]))
    const rowSql = `(?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW()${expiry ? ", DATE_FORMAT(DATE_ADD(NOW(), INTERVAL 365 DAY), '%Y-%m-%d %H:%i')" : ''})`
    await c.q.query(
      `INSERT INTO ${t('mailbox')} (username, password, name, maildir, quota, local_part, domain, active, created, modified${expiry ? ', password_expiry' : ''}) VALUES ${part.map(() => rowSql).join(', ')}`,
      part.flatMap((g, j) => [g.p.username, hashes[i + j], g.p.r.name, maildirFor(g.p.localPart, g.p.domain, s), quotaMbToBytes(g.quotaMb, s.quotaMultiplier), g.p.localPart, g.p.domain, g.p.r.active ? 1 : 0]),
    )
    if (s.logging) {
      await c.q.query(
        `INSERT INTO ${t('log')} (timestamp, username, domain, action, data) VALUES ${part.map(() => '(NOW(), ?, ?, ?, ?), (NOW(), ?, ?, ?, ?)').join(', ')}`,
        part.flatMap((g) => [c.actor, g.p.domain, 'create_alias', g.p.username, c.actor, g.p.domain, 'create_mailbox', g.p.username]),
      )
    }
    o.onProgress?.('write', Math.min(i + chunk, good.length), good.length)
  }
  throwIfCancelled(o.signal)
  return { dryRun: false, verdicts, created: good.length }
}
