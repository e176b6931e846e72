// PostfixAdmin's numbers: quotas entered in MB and stored in bytes via $CONF['quota_multiplier'],
// and per-domain limits where -1 means disabled and 0 unlimited (DomainHandler, MailboxHandler,
// AliasHandler, functions.inc.php divide_quota).
import { z } from 'zod'

/** A limit or quota as PostfixAdmin accepts it (_inp_num: numeric and >= -1). */
export const LimitValue = z.number().int().min(-1)
export type LimitKind = 'disabled' | 'unlimited' | 'limited'

export function limitKind(limit: number): LimitKind {
  if (limit < 0) return 'disabled'
  return limit === 0 ? 'unlimited' : 'limited'
}

/** Can one more be created? (create_allowed in Mailbox/AliasHandler) */
export function canCreateMore(limit: number, count: number): boolean {
  if (limit === 0) return true
  if (limit < 0) return false
  return count < limit
}

/** MailboxHandler::preSave: a multiplier of 0 or not a number counts as 1. */
export function effectiveMultiplier(quotaMultiplier: string | number | undefined): number {
  const n = typeof quotaMultiplier === 'number' ? quotaMultiplier : Number(quotaMultiplier)
  return Number.isFinite(n) && n !== 0 ? n : 1
}

/** MB as entered -> the `quota` column; -1 (disabled) stays -1. */
export function quotaMbToBytes(mb: number, quotaMultiplier: string | number | undefined): number {
  return mb === -1 ? -1 : Math.trunc(mb * effectiveMultiplier(quotaMultiplier))
}

/** The `quota` column -> MB as shown (divide_quota: round to 2 decimals; -1 stays). */
export function quotaBytesToMb(bytes: number, quotaMultiplier: string | number | undefined): number {
  if (bytes === -1) return -1
  const m = Math.trunc(Number(quotaMultiplier)) || 1
  return Math.round((bytes / m) * 100) / 100
}

export interface DomainQuotaState {
  /** domain.maxquota (MB per mailbox; 0 unlimited, -1 disabled) */
  maxquota: number
  /** domain.quota (MB for the whole domain) */
  quota: number
  /** sum of the other mailboxes' quotas, MB */
  othersTotalMb: number
}

export type QuotaError = 'quota-unlimited-not-allowed' | 'quota-over-maxquota' | 'quota-over-domain-quota'

/**
 * MailboxHandler::check_quota for a wanted quota in MB. `quotaEnabled` = $CONF['quota'],
 * `domainQuotaEnabled` = $CONF['domain_quota'].
 */
export function checkMailboxQuota(wantedMb: number, d: DomainQuotaState, opts: { quotaEnabled: boolean; domainQuotaEnabled: boolean }): QuotaError | undefined {
  if (!opts.quotaEnabled) return undefined
  const q = Math.trunc(wantedMb)
  if (d.maxquota < 0 && q < 0) return undefined
  if (d.maxquota > 0 && q === 0) return 'quota-unlimited-not-allowed'
  if (d.maxquota !== 0 && q > d.maxquota) return 'quota-over-maxquota'
  if (!opts.domainQuotaEnabled || d.quota <= 0) return undefined
  if (q === 0) return 'quota-unlimited-not-allowed'
  return q + d.othersTotalMb > d.quota ? 'quota-over-domain-quota' : undefined
}

/** MailboxHandler::allowed_quota: the most a mailbox may get, MB (0 = no limit). */
export function allowedMailboxQuotaMb(d: DomainQuotaState, opts: { quotaEnabled: boolean; domainQuotaEnabled: boolean }): number {
  if (!opts.quotaEnabled) return 0
  let max = d.maxquota
  if (opts.domainQuotaEnabled && d.quota) {
    // quota - total_quota (all mailboxes) + this mailbox's own quota
    const left = d.quota - d.othersTotalMb
    if (left < max) max = left
    if (max === 0) max = left
  }
  return max
}
