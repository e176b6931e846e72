import { describe, expect, it } from 'vitest'
import { defaultAliasRows, newDomainDefaults } from '../../../../shared/mail/domain-defaults'
import { maildirFor } from '../../../../shared/mail/maildir'
import { allowedMailboxQuotaMb, canCreateMore, checkMailboxQuota, limitKind, quotaBytesToMb, quotaMbToBytes } from '../../../../shared/mail/quota-and-limits'
import { phpOk, runPostfixAdmin } from '../../../tools/real-mail-tools'

describe('maildir (MailboxHandler::_missing_maildir)', () => {
  it('follows domain_path / domain_in_mailbox with a trailing slash', () => {
    expect(maildirFor('a', 'example.com', { domainPath: true, domainInMailbox: false })).toBe('example.com/a/')
    expect(maildirFor('a', 'example.com', { domainPath: true, domainInMailbox: true })).toBe('example.com/a@example.com/')
    expect(maildirFor('a', 'example.com', { domainPath: false, domainInMailbox: false })).toBe('a@example.com/')
    expect(maildirFor('a', 'example.com', { domainPath: false, domainInMailbox: true })).toBe('a@example.com/')
  })
})

describe('quota MB <-> bytes by quota_multiplier', () => {
  it('stores MB x multiplier, keeps -1, treats a 0 multiplier as 1', () => {
    expect(quotaMbToBytes(100, '1024000')).toBe(102_400_000)
    expect(quotaMbToBytes(-1, '1024000')).toBe(-1)
    expect(quotaMbToBytes(0, '1024000')).toBe(0)
    expect(quotaMbToBytes(5, '0')).toBe(5)
  })
  it("shows bytes as MB exactly like PostfixAdmin's divide_quota()", () => {
    const cases: [number, string][] = [[102_400_000, '1024000'], [1_500_000, '1024000'], [-1, '1024000'], [0, '1048576'], [123_456_789, '1048576'], [7, '3']]
    for (const [bytes, mult] of cases) {
      const [php] = runPostfixAdmin({ quota_multiplier: mult }, [{ fn: 'divide_quota', args: [bytes] }])
      expect(quotaBytesToMb(bytes, mult), `${bytes} / ${mult}`).toBe(Number(phpOk(php)))
    }
  })
})

describe('limits: -1 disabled, 0 unlimited', () => {
  it('creation allowed per create_allowed()', () => {
    expect(limitKind(-1)).toBe('disabled')
    expect(limitKind(0)).toBe('unlimited')
    expect(limitKind(10)).toBe('limited')
    expect(canCreateMore(0, 10_000)).toBe(true)
    expect(canCreateMore(-1, 0)).toBe(false)
    expect(canCreateMore(10, 9)).toBe(true)
    expect(canCreateMore(10, 10)).toBe(false)
  })
  it('mailbox quota against maxquota and the domain quota (check_quota)', () => {
    const on = { quotaEnabled: true, domainQuotaEnabled: true }
    const d = { maxquota: 100, quota: 250, othersTotalMb: 200 }
    expect(checkMailboxQuota(50, d, on)).toBeUndefined()
    expect(checkMailboxQuota(51, d, on)).toBe('quota-over-domain-quota')
    expect(checkMailboxQuota(101, { ...d, quota: 0 }, on)).toBe('quota-over-maxquota')
    expect(checkMailboxQuota(0, d, on)).toBe('quota-unlimited-not-allowed')
    expect(checkMailboxQuota(0, { maxquota: 0, quota: 0, othersTotalMb: 0 }, on)).toBeUndefined()
    expect(checkMailboxQuota(-1, { maxquota: -1, quota: 0, othersTotalMb: 0 }, on)).toBeUndefined()
    expect(checkMailboxQuota(5000, d, { quotaEnabled: false, domainQuotaEnabled: true })).toBeUndefined()
    expect(checkMailboxQuota(60, d, { quotaEnabled: true, domainQuotaEnabled: false })).toBeUndefined()
    expect(allowedMailboxQuotaMb(d, on)).toBe(50)
    expect(allowedMailboxQuotaMb({ maxquota: 0, quota: 250, othersTotalMb: 100 }, on)).toBe(150)
  })
})

describe('new domain (DomainHandler)', () => {
  it('takes the configured defaults and writes the default aliases', () => {
    expect(newDomainDefaults('example.com', { aliases: 10, mailboxes: 10, maxquota: 10, domainQuotaDefault: null, transportDefault: 'virtual', defaultAliases: {} })).toMatchObject({
      aliases: 10, mailboxes: 10, maxquota: 10, quota: -1, transport: 'virtual', active: true, backupmx: false,
    })
    expect(defaultAliasRows('example.com', { abuse: 'abuse@change-this-to-your.domain.tld', postmaster: 'admin' })).toEqual([
      { address: 'abuse@example.com', goto: 'abuse@change-this-to-your.domain.tld', domain: 'example.com' },
      { address: 'postmaster@example.com', goto: 'admin@example.com', domain: 'example.com' },
    ])
  })
})
