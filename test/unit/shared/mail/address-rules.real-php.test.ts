// shared/mail's address rules give PostfixAdmin's own verdicts: check_email() and check_domain()
// run by php-cli from the installed package on the same inputs.
import { describe, expect, it } from 'vitest'
import { checkAliasAddress, checkAliasTarget, checkDomain, checkEmail, checkMailboxAddress, DomainName, EmailAddress, normalizeEmail } from '../../../../shared/mail/address-rules'
import { phpOk, runPostfixAdmin } from '../../../tools/real-mail-tools'

const emails = [
  'user@example.com', 'User.Name+tag@Example.COM', 'a@b', 'a@b.c', 'a@b.co', 'a@-b.com', 'a@b-.com', 'a@b..com',
  'a..b@example.com', '.a@example.com', 'a.@example.com', 'a_b@example.com', "o'neil@example.com", 'a b@example.com',
  '"quoted"@example.com', 'a@[1.2.3.4]', 'a@[IPv6:::1]', 'a@example.com.', 'a@xn--r8jz45g.jp', 'a@例え.jp', 'ü@example.com',
  `${'x'.repeat(64)}@example.com`, `${'x'.repeat(65)}@example.com`, `a@${'l'.repeat(63)}.com`, `a@${'l'.repeat(64)}.com`,
  `a@example.${'t'.repeat(13)}`, `a@example.${'t'.repeat(14)}`, `a@${'abcdefghij.'.repeat(30)}com`, 'a@example.123', 'a@1.2.3.4',
  'a@sub_domain.example.com', 'a@@example.com', '@example.com', 'a@', 'a', '', 'a{b}|c~@example.com', 'a/b=c?d^e@example.com',
  'a@example.c-m', 'a@example-.com', 'a@ex--ample.com', 'a@xn--bcher-kva.de', '#!$%&*@example.com', 'a\\b@example.com',
  'a@example.com\n', ' a@example.com', 'A@EXAMPLE.COM',
]
const domains = [
  'example.com', 'EXAMPLE.com', 'example', 'a.b', '-a.com', 'a-.com', 'a_b.com', 'xn--r8jz45g.jp', '例え.jp', 'a..com',
  'example.com.', `example.${'t'.repeat(13)}`, `example.${'t'.repeat(14)}`, 'test.local', '1.2.3.4', 'a.b.c.d.e.f', '',
]

describe('check_email / check_domain verdicts equal PostfixAdmin', () => {
  it.each([['check_email', emails, checkEmail] as const, ['check_domain', domains, checkDomain] as const])('%s', (fn, inputs, ours) => {
    const php = runPostfixAdmin({}, inputs.map((x) => ({ fn, args: [x] })))
    const theirs = php.map((r) => phpOk(r) === '')
    const mine = inputs.map((x) => ours(x) === undefined)
    const diff = inputs.filter((_, i) => theirs[i] !== mine[i])
    expect(diff, 'inputs judged differently').toEqual([])
    expect(mine.filter(Boolean).length).toBeGreaterThan(3)
    expect(mine.filter((v) => !v).length).toBeGreaterThan(3)
  })
})

describe('mailbox and alias addresses (MailboxHandler / AliasHandler)', () => {
  it('rejects an @ in the local part and empty parts', () => {
    expect(checkMailboxAddress('a@b', 'example.com')).toBe('local-part-has-at')
    expect(checkMailboxAddress('', 'example.com')).toBe('empty')
    expect(checkMailboxAddress('Info', 'Example.com')).toBeUndefined()
  })
  it('alias addresses: exactly one @, catch-all @domain allowed', () => {
    expect(checkAliasAddress('@example.com')).toBeUndefined()
    expect(checkAliasAddress('@domain@<script>@example.com')).toBe('alias-not-one-at')
    expect(checkAliasAddress('info@example.com')).toBeUndefined()
    expect(checkAliasAddress('@bad_domain')).toBe('invalid-domain')
  })
  it('alias targets: addresses, local accounts, domain-wide forward only from a catch-all, never itself', () => {
    expect(checkAliasTarget('info@example.com', 'a@example.org')).toBeUndefined()
    expect(checkAliasTarget('info@example.com', 'root')).toBeUndefined()
    expect(checkAliasTarget('info@example.com', 'Root')).toBe('invalid-email')
    expect(checkAliasTarget('@example.com', '@example.org')).toBeUndefined()
    expect(checkAliasTarget('info@example.com', '@example.org')).toBe('invalid-email')
    expect(checkAliasTarget('info@example.com', 'info@example.com')).toBe('alias-points-to-itself')
    expect(checkAliasTarget('info@example.com', 'info@example.com', { forMailbox: true })).toBeUndefined()
  })
  it('zod schemas store the ASCII lowercase form and report the error code', () => {
    expect(EmailAddress.parse(' Info@例え.JP ')).toBe('info@xn--r8jz45g.jp')
    expect(DomainName.parse('Bücher.de')).toBe('xn--bcher-kva.de')
    const r = EmailAddress.safeParse('not an address')
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toBe('invalid-email')
    expect(normalizeEmail('A@EXAMPLE.COM')).toBe('a@example.com')
  })
})
