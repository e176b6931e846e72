import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { cramMd5Hex } from '../../../../electron/services/mail/passwords/cram-md5'
import { md5 } from '../../../../electron/services/mail/passwords/md5-block'
import { md5Crypt, md5CryptSalt } from '../../../../electron/services/mail/passwords/md5-crypt'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('MD5 block function', () => {
  it('equals Node md5 for lengths 0..200', () => {
    for (let len = 0; len <= 200; len++) {
      const d = new Uint8Array(randomBytes(len))
      expect(Buffer.from(md5(d)).toString('hex'), `len ${len}`).toBe(createHash('md5').update(d).digest('hex'))
    }
  })
})

describe('md5crypt', () => {
  it('matches known crypt(3) outputs', () => {
    // values from PHP's crypt() on this platform
    expect(md5Crypt(utf8('password'), 'saltstri')).toBe('$1$saltstri$qQY4WxjABChYG1ccLpfkz/')
    expect(md5Crypt(utf8(''), 'salt')).toBe('$1$salt$UsdFqFVB.FsuinRDK5eE..')
  })
  it('takes the salt from a stored hash like PostfixAdmin (at most 8 characters, up to $)', () => {
    expect(md5CryptSalt('$1$abcdefghij$xyz')).toBe('abcdefgh')
    expect(md5CryptSalt('$1$abc$xyz')).toBe('abc')
    expect(md5CryptSalt('abc')).toBe('abc')
  })
})

describe('CRAM-MD5 (Dovecot)', () => {
  it("writes the HMAC-MD5 outer and inner states as doveadm does", () => {
    // doveadm pw -s CRAM-MD5 -p 'Secret12!' on Dovecot 2.3.19
    expect(cramMd5Hex(utf8('Secret12!'))).toBe('8ba5a1e3ebc810de58eaa2fbe4536e0aed5cebefbe7b743a2ea4abca6d3bf3c7')
  })
})
