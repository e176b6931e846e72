import { describe, expect, it } from 'vitest'
import { isAsciiKey, likeOn, likePattern, rowVersion } from '../../../electron/services/mail/mail-database'
import { normalizeAliasAddress } from '../../../electron/services/mail/alias-repository'
import { cleanTargets } from '../../../electron/services/mail/mail-context'
import { aliasErrors, domainErrors, mailboxErrors, splitTargets } from '../../../renderer/src/lib/mail-validation'
import { defaultPasswordValidation } from '../../../shared/mail/password-policy'

const settings = {
  encrypt: 'dovecot:SHA512-CRYPT',
  encryptStrength: 'strong' as const,
  quotaEnabled: false,
  domainQuotaEnabled: true,
  quotaMultiplier: 1024000,
  aliasDomainEnabled: true,
  passwordValidation: defaultPasswordValidation,
  defaults: { aliases: 10, mailboxes: 10, maxquota: 10, quota: -1, transport: 'virtual' },
  defaultAliases: {},
  logging: true,
}

describe('mail form checks (PostfixAdmin rules from shared/mail)', () => {
  it('domains: names, ALL, limits', () => {
    expect(domainErrors({ domain: 'example.com', aliases: 0, mailboxes: -1, maxquota: 10, quota: 0 })).toEqual({})
    expect(domainErrors({ domain: '例え.jp', aliases: 0, mailboxes: 0, maxquota: 0, quota: 0 })).toEqual({})
    expect(domainErrors({ domain: 'ALL', aliases: 0, mailboxes: 0, maxquota: 0, quota: 0 }).domain).toBe('mail.err.invalid-domain')
    expect(domainErrors({ domain: 'no spaces.com', aliases: -2, mailboxes: 1.5, maxquota: 0, quota: 0 })).toEqual({ domain: 'mail.err.invalid-domain', aliases: 'mail.err.limit', mailboxes: 'mail.err.limit' })
  })
  it('mailboxes: address, policy, confirmation; edits may leave the password empty', () => {
    const ok = { localPart: 'kenji', domain: 'example.com', password: 'Secret12pw', password2: 'Secret12pw', quotaMb: 0 }
    expect(mailboxErrors(ok, settings, true)).toEqual({})
    expect(mailboxErrors({ ...ok, localPart: 'a b' }, settings, true).localPart).toBe('mail.err.invalid-email')
    expect(mailboxErrors({ ...ok, localPart: 'a@b' }, settings, true).localPart).toBe('mail.err.local-part-has-at')
    expect(mailboxErrors({ ...ok, password: 'abc', password2: 'abc' }, settings, true).password).toBe('mail.err.password-policy')
    expect(mailboxErrors({ ...ok, password2: 'x' }, settings, true).password2).toBe('mail.err.password-mismatch')
    expect(mailboxErrors({ ...ok, password: '', password2: '' }, settings, false)).toEqual({})
  })
  it('aliases: catch-all, targets, self', () => {
    expect(aliasErrors({ address: '*@example.com', goto: 'a@example.com' }, true)).toEqual({})
    expect(aliasErrors({ address: 'x@example.com', goto: 'x@example.com' }, true).goto).toBe('mail.err.alias-points-to-itself')
    expect(aliasErrors({ address: 'x@@example.com', goto: 'a@example.com' }, true).address).toBe('mail.err.alias-not-one-at')
    expect(aliasErrors({ address: 'x@example.com', goto: '' }, true).goto).toBe('mail.err.goto-empty')
    expect(splitTargets(' a@b.c,\n d@e.f  g@h.i ')).toEqual(['a@b.c', 'd@e.f', 'g@h.i'])
  })
})

describe('repository helpers', () => {
  it('alias addresses and targets in stored form', () => {
    expect(normalizeAliasAddress('*@Example.COM')).toBe('@example.com')
    expect(normalizeAliasAddress(' Info@例え.jp ')).toBe('info@xn--r8jz45g.jp')
    expect(cleanTargets(['A@B.c', ' a@b.c ', '', '@x.org'])).toEqual(['a@b.c', '@x.org'])
  })
  it('LIKE patterns escape wildcards; non-ASCII searches compare latin1 columns converted', () => {
    expect(likePattern("50%_a\\b'")).toBe("%50\\%\\_a\\\\b'%")
    expect(likeOn('d.domain', '%abc%')).toBe('d.domain LIKE ?')
    expect(likeOn('d.domain', '%日本%')).toBe('CONVERT(d.domain USING utf8mb4) LIKE ?')
    expect(isAsciiKey('a@b.c')).toBe(true)
    expect(isAsciiKey('ü@b.c')).toBe(false)
  })
  it('row versions change with any column and ignore key order', () => {
    const v = rowVersion({ a: 1, b: '2026-11-28 09:00:00' })
    expect(rowVersion({ b: '2026-11-28 09:00:00', a: 1 })).toBe(v)
    expect(rowVersion({ a: 2, b: '2026-11-28 09:00:00' })).not.toBe(v)
  })
})
