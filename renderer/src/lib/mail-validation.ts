// The mail forms' checks, with PostfixAdmin's own rules from shared/mail, as i18n keys under mail.err.
import type { MailSettingsView } from '../../../shared/domain/mail'
import { checkAliasAddress, checkAliasTarget, checkDomain, checkMailboxAddress, normalizeDomain, normalizeEmail } from '../../../shared/mail/address-rules'
import { validatePassword, type PasswordViolation } from '../../../shared/mail/password-policy'

export type FieldErrors = Record<string, string>

export function domainErrors(v: { domain: string; aliases: number; mailboxes: number; maxquota: number; quota: number }): FieldErrors {
  const e: FieldErrors = {}
  const d = normalizeDomain(v.domain)
  if (d === '') e.domain = 'mail.err.empty'
  else if (d.toUpperCase() === 'ALL' || checkDomain(d)) e.domain = 'mail.err.invalid-domain'
  for (const k of ['aliases', 'mailboxes', 'maxquota', 'quota'] as const) if (!Number.isInteger(v[k]) || v[k] < -1) e[k] = 'mail.err.limit'
  return e
}

export function passwordViolations(password: string, s: MailSettingsView | null): PasswordViolation[] {
  return validatePassword(password, { validation: s?.passwordValidation ?? {}, ...(s?.minPasswordLength !== undefined ? { minLength: s.minPasswordLength } : {}) })
}

export function mailboxErrors(v: { localPart: string; domain: string; password: string; password2: string; quotaMb: number }, s: MailSettingsView | null, creating: boolean): FieldErrors {
  const e: FieldErrors = {}
  if (creating) {
    const err = checkMailboxAddress(v.localPart.trim().toLowerCase(), normalizeDomain(v.domain))
    if (err) e.localPart = `mail.err.${err}`
  }
  if (creating || v.password !== '') {
    if (v.password === '') e.password = 'mail.err.password-empty'
    else if (passwordViolations(v.password, s).length) e.password = 'mail.err.password-policy'
    else if (v.password !== v.password2) e.password2 = 'mail.err.password-mismatch'
  }
  if (!Number.isInteger(v.quotaMb) || v.quotaMb < -1) e.quotaMb = 'mail.err.limit'
  return e
}

/** Targets one per line or comma-separated. */
export const splitTargets = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)

export function aliasErrors(v: { address: string; goto: string }, creating: boolean): FieldErrors {
  const e: FieldErrors = {}
  const raw = v.address.trim()
  const address = raw.startsWith('*@') ? `@${normalizeDomain(raw.slice(2))}` : raw.startsWith('@') ? `@${normalizeDomain(raw.slice(1))}` : normalizeEmail(raw)
  if (creating) {
    const err = checkAliasAddress(address)
    if (err) e.address = `mail.err.${err}`
  }
  const targets = splitTargets(v.goto)
  if (targets.length === 0) e.goto = 'mail.err.goto-empty'
  for (const t of targets) {
    const err = checkAliasTarget(address, t.startsWith('@') ? t : normalizeEmail(t))
    if (err) {
      e.goto = `mail.err.${err}`
      break
    }
  }
  return e
}
