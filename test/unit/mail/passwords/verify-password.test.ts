import { describe, expect, it } from 'vitest'
import { hashPassword } from '../../../../electron/services/mail/passwords/hash-password'
import { verifyPassword } from '../../../../electron/services/mail/passwords/verify-password'
import { isAppError } from '../../../../shared/errors'

describe('verifyPassword', () => {
  it('reads Dovecot encodings: PLAIN-MD5 in hex or base64, .HEX/.B64 suffixes', async () => {
    // md5('Secret12!') = 61850494f6aa3bb0c279dc5006b44915
    expect(await verifyPassword('Secret12!', '{PLAIN-MD5}61850494f6aa3bb0c279dc5006b44915')).toBe(true)
    expect(await verifyPassword('Secret12!', '{PLAIN-MD5}YYUElPaqO7DCedxQBrRJFQ==')).toBe(true)
    expect(await verifyPassword('Secret12!', '{LDAP-MD5}YYUElPaqO7DCedxQBrRJFQ==')).toBe(true)
    expect(await verifyPassword('Secret12!', '{PLAIN-MD5.HEX}61850494f6aa3bb0c279dc5006b44915')).toBe(true)
    expect(await verifyPassword('Secret12!', '{PLAIN-MD5}61850494f6aa3bb0c279dc5006b44916')).toBe(false)
    expect(await verifyPassword('Secret12!', '{PLAIN}Secret12!')).toBe(true)
  })

  it("needs the encrypt setting for values without a marker ('cleartext', 'md5')", async () => {
    expect(await verifyPassword('Secret12!', 'Secret12!', { encrypt: 'cleartext' })).toBe(true)
    expect(await verifyPassword('Secret12!', 'secret12!', { encrypt: 'cleartext' })).toBe(false)
    expect(await verifyPassword('Secret12!', '61850494f6aa3bb0c279dc5006b44915', { encrypt: 'md5' })).toBe(true)
    await expect(verifyPassword('Secret12!', 'Secret12!')).rejects.toSatisfy((e) => isAppError(e) && e.code === 'unsupported')
  })

  it('accepts old dovecot hashes stored without their {SCHEME}, as PostfixAdmin does', async () => {
    const withPrefix = await hashPassword('Secret12!', 'dovecot:SSHA512')
    const bare = withPrefix.replace('{SSHA512}', '')
    expect(await verifyPassword('Secret12!', bare, { encrypt: 'dovecot:SSHA512' })).toBe(true)
    expect(await verifyPassword('Secret13!', bare, { encrypt: 'dovecot:SSHA512' })).toBe(false)
  })

  it('a php_crypt hash with a {PREFIX} verifies whatever the current setting is', async () => {
    const h = await hashPassword('Secret12!', 'php_crypt:SHA256:5000:{SHA256-CRYPT}')
    expect(h).toMatch(/^\{SHA256-CRYPT\}\$5\$rounds=5000\$/)
    expect(await verifyPassword('Secret12!', h, { encrypt: 'md5crypt' })).toBe(true)
  })

  it('refuses formats it cannot check instead of saying "wrong password"', async () => {
    for (const stored of ['{DIGEST-MD5}abc', '{SCRAM-SHA-256}x', 'abXyZ12', '{SHA512-CRYPT}notacrypt']) {
      await expect(verifyPassword('x', stored)).rejects.toSatisfy((e) => isAppError(e) && e.code === 'unsupported')
    }
  })

  it('rejects malformed hashes of known schemes as non-matching', async () => {
    expect(await verifyPassword('x', '{ARGON2I}$argon2i$v=19$garbage')).toBe(false)
    expect(await verifyPassword('x', '{SSHA512}c2hvcnQ=')).toBe(false)
    expect(await verifyPassword('x', '{CRAM-MD5}zz')).toBe(false)
  })
})
