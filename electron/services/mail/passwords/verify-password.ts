// Checks a password against a stored PostfixAdmin/Dovecot hash, recognising the format from the
// hash itself (its {SCHEME} prefix or crypt magic), as pacrypt($pw, $pw_db) and Dovecot do.
import { createHash, timingSafeEqual } from 'node:crypto'
import { AppError } from '../../../../shared/errors'
import { argon2Check } from './argon2'
import { cramMd5Context } from './cram-md5'
import { unixCrypt } from './unix-crypt'
import type { ShaCryptEngine } from './sha-crypt'

export interface VerifyPasswordOptions {
  /** the server's $CONF['encrypt']: needed for 'cleartext' and 'md5', whose values carry no marker */
  encrypt?: string
  sha512?: ShaCryptEngine
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
const sameText = (a: string, b: string): boolean => sameBytes(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))

/** Decodes Dovecot's hex or base64 encodings; `preferred` is the scheme's default. */
function decodeBinary(body: string, encoding: string | undefined, expectedLength: number | undefined): Uint8Array | undefined {
  const hex = /^[0-9a-fA-F]*$/.test(body) && body.length % 2 === 0
  const useHex = encoding === 'HEX' || (encoding === undefined && expectedLength !== undefined && hex && body.length === expectedLength * 2)
  if (useHex) return hex ? new Uint8Array(Buffer.from(body, 'hex')) : undefined
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return undefined
  return new Uint8Array(Buffer.from(body, 'base64'))
}

async function cryptMatches(password: Uint8Array, stored: string, sha512?: ShaCryptEngine): Promise<boolean | undefined> {
  const computed = await unixCrypt(password, stored, sha512)
  if (computed === undefined) return undefined
  if (/^\$2[aby]\$/.test(stored)) {
    // bcrypt: the salt's last character may carry unused bits; compare the 31-character checksum too
    return stored.length === 60 && sameText(computed.slice(0, 28), stored.slice(0, 28)) && sameText(computed.slice(29), stored.slice(29))
  }
  return sameText(computed, stored)
}

export async function verifyPassword(password: string, stored: string, opts: VerifyPasswordOptions = {}): Promise<boolean> {
  const P = utf8(password)
  if (opts.encrypt === 'cleartext') return sameBytes(P, utf8(stored))
  if (opts.encrypt === 'md5') return sameText(createHash('md5').update(P).digest('hex'), stored)

  const m = /^\{([A-Za-z0-9.-]+)\}([\s\S]*)$/.exec(stored)
  if (!m) {
    const crypt = await cryptMatches(P, stored, opts.sha512)
    if (crypt !== undefined) return crypt
    // PostfixAdmin strips the {SCHEME} of "old" dovecot hashes that were stored without it
    const legacy = /^dovecot:(.+)$/i.exec(opts.encrypt ?? '')
    if (legacy) return verifyPassword(password, `{${(legacy[1] as string).toUpperCase()}}${stored}`, { ...opts, encrypt: undefined })
    throw new AppError('unsupported', 'unrecognised password hash format', { format: stored.slice(0, 4) })
  }
  const [name, encoding] = (m[1] as string).toUpperCase().split('.', 2) as [string, string | undefined]
  const enc = encoding === 'BASE64' ? 'B64' : encoding
  let body = m[2] as string
  switch (name) {
    case 'PLAIN':
    case 'CLEAR':
    case 'CLEARTEXT':
      return sameBytes(P, utf8(body))
    case 'MD5':
    case 'CRYPT':
    case 'MD5-CRYPT':
    case 'SHA256-CRYPT':
    case 'SHA512-CRYPT':
    case 'BLF-CRYPT': {
      if (enc === 'B64') body = Buffer.from(body, 'base64').toString('latin1')
      else if (enc === 'HEX') body = Buffer.from(body, 'hex').toString('latin1')
      const crypt = await cryptMatches(P, body, opts.sha512)
      if (crypt === undefined) throw new AppError('unsupported', `unsupported ${name} hash`, { scheme: name })
      return crypt
    }
    case 'PLAIN-MD5':
    case 'LDAP-MD5': {
      const want = decodeBinary(body, enc ?? (name === 'PLAIN-MD5' ? undefined : 'B64'), 16)
      return want !== undefined && sameBytes(new Uint8Array(createHash('md5').update(P).digest()), want)
    }
    case 'CRAM-MD5':
    case 'HMAC-MD5': {
      const want = decodeBinary(body, enc ?? 'HEX', 32)
      return want !== undefined && sameBytes(cramMd5Context(P), want)
    }
    case 'SSHA512': {
      const raw = decodeBinary(body, enc ?? 'B64', undefined)
      if (!raw || raw.length <= 64) return false
      const digest = new Uint8Array(createHash('sha512').update(P).update(raw.subarray(64)).digest())
      return sameBytes(digest, raw.subarray(0, 64))
    }
    case 'ARGON2I':
    case 'ARGON2ID':
      return argon2Check(P, body)
  }
  throw new AppError('unsupported', `password scheme {${name}} is not supported`, { scheme: name })
}
