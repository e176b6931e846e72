import { describe, expect, it } from 'vitest'
import { identifyStoredHash, parseEncryptSetting, rateEncryptScheme, rateStoredHash } from '../../../shared/mail/password-schemes'

describe("parseEncryptSetting ($CONF['encrypt'] as pacrypt() dispatches)", () => {
  it.each([
    ['md5crypt', { kind: 'md5crypt', algorithm: 'MD5-CRYPT' }],
    ['md5', { kind: 'md5', algorithm: 'PLAIN-MD5' }],
    ['cleartext', { kind: 'cleartext', algorithm: 'CLEARTEXT' }],
    ['sha512.b64', { kind: 'sha512.b64', algorithm: 'SHA512-CRYPT' }],
    ['php_crypt', { kind: 'php_crypt', algorithm: 'SHA512-CRYPT', method: 'SHA512', difficulty: undefined, prefix: '' }],
    ['php_crypt:BLOWFISH', { kind: 'php_crypt', algorithm: 'BLF-CRYPT', method: 'BLOWFISH', difficulty: undefined, prefix: '' }],
    ['php_crypt:SHA256:8000:{SHA256-CRYPT}', { kind: 'php_crypt', algorithm: 'SHA256-CRYPT', method: 'SHA256', difficulty: 8000, prefix: '{SHA256-CRYPT}' }],
    ['dovecot:sha512-crypt', { kind: 'dovecot', algorithm: 'SHA512-CRYPT', scheme: 'SHA512-CRYPT' }],
    ['dovecot:CRAM-MD5', { kind: 'dovecot', algorithm: 'CRAM-MD5', scheme: 'CRAM-MD5' }],
  ])('%s', (setting, want) => {
    expect(parseEncryptSetting(setting)).toEqual(want)
  })

  it.each([
    ['system', 'needs-server'],
    ['mysql_encrypt', 'needs-server'],
    ['authlib', 'needs-server'],
    ['php_crypt:DES', 'needs-server'],
    ['dovecot:SCRAM-SHA-256', 'needs-server'],
    ['dovecot:DIGEST-MD5', 'not-supported-by-postfixadmin'],
    ['dovecot:bad scheme', 'invalid'],
    ['php_crypt:SHA512:999', 'invalid'], // PostfixAdmin throws: rounds must be 1000..999999999
    ['php_crypt:BLOWFISH:32', 'invalid'],
    ['php_crypt:WHIRLPOOL', 'invalid'],
    ['sha512', 'invalid'],
  ])('%s is unsupported (%s)', (setting, reason) => {
    expect(parseEncryptSetting(setting)).toEqual({ kind: 'unsupported', setting, reason })
  })
})

describe('identifyStoredHash', () => {
  it.each([
    ['$1$abcdefgh$0123456789012345678901', 'MD5-CRYPT', ''],
    ['{MD5-CRYPT}$1$abcdefgh$0123456789012345678901', 'MD5-CRYPT', 'MD5-CRYPT'],
    ['{SHA512-CRYPT}$6$rounds=20000$salt$hash', 'SHA512-CRYPT', 'SHA512-CRYPT'],
    ['{SHA512-CRYPT.B64}' + btoa('$6$saltsalt$hash'), 'SHA512-CRYPT', 'SHA512-CRYPT.B64'],
    ['{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuv', 'BLF-CRYPT', 'BLF-CRYPT'],
    ['{CRAM-MD5}8ba5a1e3', 'CRAM-MD5', 'CRAM-MD5'],
    ['{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$s$h', 'ARGON2ID', 'ARGON2ID'],
    ['{PLAIN}secret', 'CLEARTEXT', 'PLAIN'],
    ['61850494f6aa3bb0c279dc5006b44915', 'UNKNOWN', ''],
  ])('%s -> %s', (stored, algorithm, prefix) => {
    expect(identifyStoredHash(stored)).toMatchObject({ algorithm, prefix })
  })

  it('reads the cost', () => {
    expect(identifyStoredHash('$6$rounds=20000$salt$hash').cost).toBe(20000)
    expect(identifyStoredHash('$6$salt$hash').cost).toBe(5000)
    expect(identifyStoredHash('$2y$12$abcdefghijklmnopqrstuv').cost).toBe(12)
    expect(identifyStoredHash('{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$s$h')).toMatchObject({ cost: 4, memoryKiB: 32768 })
  })
})

describe('weakness ratings for the UI warning', () => {
  const rate = (s: string): string => {
    const p = parseEncryptSetting(s)
    if (p.kind === 'unsupported') throw new Error(s)
    return rateEncryptScheme(p).strength
  }
  it('warns about cleartext, unsalted MD5 and CRAM-MD5 as insecure, md5crypt and SSHA512 as weak', () => {
    expect(rate('cleartext')).toBe('insecure')
    expect(rate('md5')).toBe('insecure')
    expect(rate('dovecot:PLAIN-MD5')).toBe('insecure')
    expect(rate('dovecot:CRAM-MD5')).toBe('insecure')
    expect(rate('md5crypt')).toBe('weak')
    expect(rate('php_crypt:MD5')).toBe('weak')
    expect(rate('dovecot:SSHA512')).toBe('weak')
  })
  it('accepts SHA-crypt and rates bcrypt/Argon2 by their cost', () => {
    expect(rate('dovecot:SHA512-CRYPT')).toBe('acceptable')
    expect(rate('sha512.b64')).toBe('acceptable')
    expect(rate('php_crypt:BLOWFISH')).toBe('strong')
    expect(rate('dovecot:BLF-CRYPT')).toBe('acceptable') // doveadm's default cost 5
    expect(rate('dovecot:ARGON2ID')).toBe('strong')
  })
  it('rates stored hashes', () => {
    expect(rateStoredHash('{SHA512-CRYPT}$6$rounds=1000$s$h')).toEqual({ strength: 'weak', weaknesses: ['low-cost'] })
    expect(rateStoredHash('$1$abc$def').strength).toBe('weak')
    expect(rateStoredHash('nonsense').weaknesses).toEqual(['unknown-format'])
  })
})
