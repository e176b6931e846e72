// PostfixAdmin 3.3's address rules (functions.inc.php check_domain / check_email, model/*Handler.php),
// as pure functions returning error codes for the UI to translate. DNS checks
// ($CONF['emailcheck_resolve_domain']) need the server and are not done here.
import { z } from 'zod'
import { toAsciiDomain, toAsciiEmail } from './idn'

export type AddressError =
  | 'empty'
  | 'invalid-domain' // pInvalidDomainRegex
  | 'invalid-email' // pInvalidMailRegex
  | 'local-part-has-at' // pCreate_mailbox_local_part_error
  | 'alias-not-one-at' // pCreate_alias_address_text_error1
  | 'alias-points-to-itself'

/** check_domain(): `/^([-0-9A-Z]+\.)+([-0-9A-Z]){1,13}$/i` on the ASCII form. */
export function checkDomain(domain: string): AddressError | undefined {
  return /^([-0-9A-Z]+\.)+([-0-9A-Z]){1,13}$/i.test(domain) ? undefined : 'invalid-domain'
}

// PHP 8.2's FILTER_VALIDATE_EMAIL (ext/filter/logical_filters.c, without FILTER_FLAG_EMAIL_UNICODE),
// flags /iD; in JS `$` without the m flag already means the very end, like PCRE's D.
const phpFilterValidateEmail =
  // eslint-disable-next-line no-control-regex -- a verbatim port of PHP's pattern, control characters included
  /^(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){255,})(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){65,}@)(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22))(?:\.(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22)))*@(?:(?:(?!.*[^.]{64,})(?:(?:(?:xn--)?[a-z0-9]+(?:-+[a-z0-9]+)*\.){1,126}){1,}(?:(?:[a-z][a-z0-9]*)|(?:(?:xn--)[a-z0-9]+))(?:-+[a-z0-9]+)*)|(?:\[(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){7})|(?:(?!(?:.*[a-f0-9][:\]]){7,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?::(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?)))|(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){5}:)|(?:(?!(?:.*[a-f0-9]:){5,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3})?::(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3}:)?)))?(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))(?:\.(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))){3}))\]))$/i

/** PHP's filter_var($email, FILTER_VALIDATE_EMAIL) !== false. */
export function phpValidatesEmail(email: string): boolean {
  // PHP measures bytes: the limit is 320 octets (RFC 2821); non-ASCII never matches anyway.
  return new TextEncoder().encode(email).length <= 320 && phpFilterValidateEmail.test(email)
}

/** check_email() with vacation off: the local-part charset regex, FILTER_VALIDATE_EMAIL, check_domain. */
export function checkEmail(email: string): AddressError | undefined {
  if (!/^[-!#$%&'*+\\./0-9=?A-Z^_{|}~]+@[^@]+$/i.test(email)) return 'invalid-email'
  if (!phpValidatesEmail(email)) return 'invalid-email'
  return checkDomain(email.slice(email.indexOf('@') + 1))
}

/** Normalises what a user typed into the stored form: trimmed, lowercase, IDN domain as xn--. */
export function normalizeEmail(input: string): string {
  const trimmed = input.trim()
  return (toAsciiEmail(trimmed) ?? trimmed).toLowerCase()
}
export function normalizeDomain(input: string): string {
  const trimmed = input.trim()
  return (toAsciiDomain(trimmed) ?? trimmed).toLowerCase()
}

/** A new mailbox `local_part@domain` (MailboxHandler: local part without '@', then check_email). */
export function checkMailboxAddress(localPart: string, domain: string): AddressError | undefined {
  if (localPart === '' || domain === '') return 'empty'
  if (localPart.includes('@')) return 'local-part-has-at'
  return checkEmail(`${localPart}@${domain}`.toLowerCase())
}

/** A new alias address: `local@domain` or the catch-all `@domain` (AliasHandler::validate_new_id). */
export function checkAliasAddress(address: string): AddressError | undefined {
  if (address === '') return 'empty'
  if (address.split('@').length !== 2) return 'alias-not-one-at'
  const [local, domain] = address.split('@') as [string, string]
  return local === '' ? checkDomain(domain) : checkEmail(address)
}

export const isCatchAll = (address: string): boolean => address.startsWith('@')

/**
 * One alias target (AliasHandler::_validate_goto): an address, a local system account
 * (`/^[a-z0-9]+$/`), or `@domain` when the alias itself is a catch-all (domain-wide forward).
 */
export function checkAliasTarget(aliasAddress: string, target: string, opts: { forMailbox?: boolean } = {}): AddressError | undefined {
  if (!opts.forMailbox && target === aliasAddress) return 'alias-points-to-itself'
  if (isCatchAll(aliasAddress) && target.startsWith('@')) return checkDomain(target.slice(1))
  if (checkEmail(target) === undefined || /^[a-z0-9]+$/.test(target)) return undefined
  return 'invalid-email'
}

/** `goto` column <-> list: comma-joined, as PostfixAdmin stores and splits it. */
export const splitGoto = (goto: string): string[] => goto.split(',').filter((s) => s !== '')
export const joinGoto = (targets: readonly string[]): string => targets.join(',')

const refineWith =
  (check: (s: string) => AddressError | undefined) =>
  (s: string, ctx: z.RefinementCtx): void => {
    const err = check(s)
    if (err) ctx.addIssue({ code: 'custom', message: err })
  }

/** Stored forms (ASCII, lowercase); the issue message is the AddressError code. */
export const DomainName = z.string().transform(normalizeDomain).superRefine(refineWith(checkDomain))
export const EmailAddress = z.string().transform(normalizeEmail).superRefine(refineWith(checkEmail))
export const AliasAddress = z.string().transform((s) => (s.trim().startsWith('@') ? `@${normalizeDomain(s.trim().slice(1))}` : normalizeEmail(s))).superRefine(refineWith(checkAliasAddress))
