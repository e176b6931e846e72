// New password hashes exactly as PostfixAdmin 3.3's pacrypt($pw) stores them for each
// $CONF['encrypt'] setting, computed in-process (no doveadm, no PHP).
import { createHash } from 'node:crypto'
import { parseEncryptSetting, type EncryptScheme } from '../../../../shared/mail/password-schemes'
import { AppError } from '../../../../shared/errors'
import { argon2Hash, dovecotArgon2Defaults } from './argon2'
import { bcryptCrypt } from './bcrypt'
import { cramMd5Hex } from './cram-md5'
import { md5Crypt } from './md5-crypt'
import { randomString, secureRandomBytes, type RandomBytes } from './salt'
import { shaCrypt, wasmShaEngine, type ShaCryptEngine } from './sha-crypt'

export interface HashPasswordOptions {
  randomBytes?: RandomBytes
  /** SHA-512 engine for SHA-crypt; default: WebAssembly with the rounds inside it */
  sha512?: ShaCryptEngine
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const md5Hex = (b: Uint8Array): string => createHash('md5').update(b).digest('hex')

/** Resolves an `encrypt` setting, throwing AppError('unsupported') for the ones computed only on the server. */
export function requireEncryptScheme(encrypt: string | EncryptScheme): EncryptScheme {
  if (typeof encrypt !== 'string') return encrypt
  const scheme = parseEncryptSetting(encrypt)
  if (scheme.kind === 'unsupported') {
    throw new AppError('unsupported', `$CONF['encrypt'] = '${encrypt}' cannot be computed by Postdesk (${scheme.reason})`, { encrypt, reason: scheme.reason })
  }
  return scheme
}

export async function hashPassword(password: string, encrypt: string | EncryptScheme, opts: HashPasswordOptions = {}): Promise<string> {
  const scheme = requireEncryptScheme(encrypt)
  const P = utf8(password)
  const rnd = opts.randomBytes ?? secureRandomBytes
  const sha512 = (): ShaCryptEngine => opts.sha512 ?? wasmShaEngine(512)
  switch (scheme.kind) {
    case 'cleartext':
      return password
    case 'md5':
      return md5Hex(P)
    case 'md5crypt':
      return md5Crypt(P, randomString(8))
    case 'sha512.b64': {
      // PostfixAdmin: 16 characters of base64(random_bytes(16)) without '=', then crypt('$6$'.salt)
      const salt = Buffer.from(rnd(16)).toString('base64').replace(/=+$/, '').slice(0, 16)
      const crypted = shaCrypt(P, { magic: '6', rounds: undefined, salt }, sha512())
      return `{SHA512-CRYPT.B64}${Buffer.from(crypted, 'latin1').toString('base64')}`
    }
    case 'php_crypt':
      return scheme.prefix + (await phpCrypt(P, scheme.method, scheme.difficulty, rnd, sha512))
    case 'dovecot':
      return `{${scheme.scheme}}${await dovecotHash(P, scheme.scheme, rnd, sha512)}`
  }
}

async function phpCrypt(P: Uint8Array, method: 'MD5' | 'BLOWFISH' | 'SHA256' | 'SHA512', difficulty: number | undefined, rnd: RandomBytes, sha512: () => ShaCryptEngine): Promise<string> {
  switch (method) {
    case 'MD5':
      return md5Crypt(P, randomString(8)) // PHP makes 12 characters; crypt() keeps 8
    case 'BLOWFISH':
      return bcryptCrypt(P, { version: '2y', cost: difficulty ?? 10, salt: rnd(16) })
    case 'SHA256':
      return shaCrypt(P, { magic: '5', rounds: difficulty, salt: randomString(16) }, wasmShaEngine(256))
    case 'SHA512':
      return shaCrypt(P, { magic: '6', rounds: difficulty, salt: randomString(16) }, sha512())
  }
}

/** The part after `{SCHEME}` that `doveadm pw -s SCHEME` prints on Dovecot 2.3, with its defaults. */
async function dovecotHash(P: Uint8Array, scheme: Extract<EncryptScheme, { kind: 'dovecot' }>['scheme'], rnd: RandomBytes, sha512: () => ShaCryptEngine): Promise<string> {
  switch (scheme) {
    case 'SHA512-CRYPT':
      return shaCrypt(P, { magic: '6', rounds: undefined, salt: randomString(16) }, sha512())
    case 'SHA256-CRYPT':
      return shaCrypt(P, { magic: '5', rounds: undefined, salt: randomString(16) }, wasmShaEngine(256))
    case 'BLF-CRYPT':
      return bcryptCrypt(P, { version: '2y', cost: 5, salt: rnd(16) })
    case 'MD5-CRYPT':
      return md5Crypt(P, randomString(8))
    case 'CRAM-MD5':
      return cramMd5Hex(P)
    case 'ARGON2I':
    case 'ARGON2ID':
      return argon2Hash(P, rnd(16), dovecotArgon2Defaults[scheme])
    case 'SSHA512': {
      const salt = rnd(4)
      const digest = createHash('sha512').update(P).update(salt).digest()
      return Buffer.concat([digest, salt]).toString('base64')
    }
    case 'PLAIN-MD5':
      return md5Hex(P)
  }
}
