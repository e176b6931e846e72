// PostfixAdmin 3.3's `$CONF['encrypt']` settings and the hash formats they store, as pure data:
// which algorithm a setting produces, which prefix PostfixAdmin stores, and how weak it is.
// Mirrors pacrypt() in functions.inc.php (md5crypt, md5, cleartext, sha512.b64, php_crypt[:M[:cost[:PREFIX]]],
// dovecot:SCHEME). Hashing itself lives in electron/services/mail/passwords/.
import { z } from 'zod'

/** Hash algorithms Postdesk computes (and Dovecot understands), named as Dovecot names them. */
export const HashAlgorithm = z.enum([
  'CLEARTEXT',
  'PLAIN-MD5',
  'CRAM-MD5',
  'MD5-CRYPT',
  'SSHA512',
  'SHA256-CRYPT',
  'SHA512-CRYPT',
  'BLF-CRYPT',
  'ARGON2I',
  'ARGON2ID',
])
export type HashAlgorithm = z.infer<typeof HashAlgorithm>

/** The `dovecot:SCHEME` values Postdesk hashes in-process (others need the server's `doveadm pw`). */
export const dovecotSchemes = [
  'SHA512-CRYPT',
  'SHA256-CRYPT',
  'BLF-CRYPT',
  'MD5-CRYPT',
  'CRAM-MD5',
  'ARGON2I',
  'ARGON2ID',
  'SSHA512',
  'PLAIN-MD5',
] as const satisfies readonly HashAlgorithm[]
export type DovecotScheme = (typeof dovecotSchemes)[number]

export const phpCryptMethods = ['MD5', 'BLOWFISH', 'SHA256', 'SHA512'] as const
export type PhpCryptMethod = (typeof phpCryptMethods)[number]

/** What one `$CONF['encrypt']` value means. */
export type EncryptScheme =
  | { kind: 'cleartext'; algorithm: 'CLEARTEXT' }
  | { kind: 'md5'; algorithm: 'PLAIN-MD5' } // PostfixAdmin 'md5': bare hex md5()
  | { kind: 'md5crypt'; algorithm: 'MD5-CRYPT' } // PostfixAdmin's own md5crypt(), no prefix
  | { kind: 'sha512.b64'; algorithm: 'SHA512-CRYPT' } // {SHA512-CRYPT.B64} + base64(crypt $6$)
  | {
      kind: 'php_crypt'
      algorithm: 'MD5-CRYPT' | 'BLF-CRYPT' | 'SHA256-CRYPT' | 'SHA512-CRYPT'
      method: PhpCryptMethod
      /** rounds for SHA256/SHA512 (1000..999999999), cost for BLOWFISH (4..31); undefined = crypt() default */
      difficulty: number | undefined
      /** stored verbatim in front of the hash, e.g. '{SHA512-CRYPT}' ('' when none) */
      prefix: string
    }
  | { kind: 'dovecot'; algorithm: DovecotScheme; scheme: DovecotScheme }

export type UnsupportedEncrypt = { kind: 'unsupported'; setting: string; reason: UnsupportedEncryptReason }
export type UnsupportedEncryptReason =
  | 'needs-server' // valid for PostfixAdmin, but only the server can compute it (DES crypt, MySQL ENCRYPT, authlib, other doveadm schemes)
  | 'not-supported-by-postfixadmin' // e.g. dovecot:DIGEST-MD5
  | 'invalid' // PostfixAdmin itself would throw

/** Parses `$CONF['encrypt']` exactly as pacrypt() dispatches on it. */
export function parseEncryptSetting(setting: string): EncryptScheme | UnsupportedEncrypt {
  const unsupported = (reason: UnsupportedEncryptReason): UnsupportedEncrypt => ({ kind: 'unsupported', setting, reason })
  switch (setting) {
    case 'md5crypt':
      return { kind: 'md5crypt', algorithm: 'MD5-CRYPT' }
    case 'md5':
      return { kind: 'md5', algorithm: 'PLAIN-MD5' }
    case 'cleartext':
      return { kind: 'cleartext', algorithm: 'CLEARTEXT' }
    case 'sha512.b64':
      return { kind: 'sha512.b64', algorithm: 'SHA512-CRYPT' }
    case 'system':
    case 'mysql_encrypt':
    case 'authlib':
      return unsupported('needs-server')
  }
  if (/^dovecot:/.test(setting)) {
    const method = (setting.split(':')[1] ?? '').toUpperCase()
    if (!/^[A-Z0-9.-]+$/.test(method)) return unsupported('invalid')
    if (method === 'DIGEST-MD5') return unsupported('not-supported-by-postfixadmin')
    const scheme = dovecotSchemes.find((s) => s === method)
    return scheme ? { kind: 'dovecot', algorithm: scheme, scheme } : unsupported('needs-server')
  }
  if (setting.startsWith('php_crypt')) {
    // 'php_crypt' alone means SHA512; 'php_crypt:METHOD[:difficulty[:PREFIX]]' (explode(':', ...))
    const spec = setting.split(':')
    const method = setting.includes(':') ? spec[1] : 'SHA512'
    if (method === 'DES') return unsupported('needs-server')
    const known = phpCryptMethods.find((m) => m === method)
    if (!known) return unsupported('invalid')
    const raw = spec[2]
    let difficulty: number | undefined
    // PHP: empty($hash_difficulty) -> default; else (int) and a range check that throws.
    if (raw !== undefined && raw !== '' && raw !== '0') {
      difficulty = phpIntval(raw)
      const [min, max] = known === 'BLOWFISH' ? [4, 31] : [1000, 999_999_999]
      if (known !== 'MD5' && (difficulty < min || difficulty > max)) return unsupported('invalid')
      if (known === 'MD5') difficulty = undefined // ignored by _php_crypt_generate_crypt_salt
    }
    const algorithm = ({ MD5: 'MD5-CRYPT', BLOWFISH: 'BLF-CRYPT', SHA256: 'SHA256-CRYPT', SHA512: 'SHA512-CRYPT' } as const)[known]
    return { kind: 'php_crypt', algorithm, method: known, difficulty, prefix: spec[3] ?? '' }
  }
  return unsupported('invalid')
}

/** PHP's (int)"123abc" === 123, (int)"abc" === 0. */
function phpIntval(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s)
  return m ? Number.parseInt(m[1] as string, 10) : 0
}

/** How a stored password hash is recognised (the `{SCHEME}` prefix wins, as in PostfixAdmin and Dovecot). */
export interface StoredHashFormat {
  algorithm: HashAlgorithm | 'UNKNOWN'
  /** the `{...}` prefix as stored, without braces, e.g. 'SHA512-CRYPT', 'SHA512-CRYPT.B64'; '' when none */
  prefix: string
  /** cost parameter when the hash carries one: rounds (sha-crypt), log2 cost (bcrypt), t (argon2) */
  cost?: number
  /** argon2 memory in KiB */
  memoryKiB?: number
}

const cryptAlgorithmByMagic: Record<string, HashAlgorithm> = {
  '1': 'MD5-CRYPT',
  '5': 'SHA256-CRYPT',
  '6': 'SHA512-CRYPT',
  '2a': 'BLF-CRYPT',
  '2b': 'BLF-CRYPT',
  '2y': 'BLF-CRYPT',
}

/** Recognises what kind of hash a `password` column holds. Pure string inspection; no verification. */
export function identifyStoredHash(stored: string): StoredHashFormat {
  const m = /^\{([A-Za-z0-9.-]+)\}([\s\S]*)$/.exec(stored)
  const prefix = m ? (m[1] as string) : ''
  let body = m ? (m[2] as string) : stored
  const [name, encoding] = prefix.toUpperCase().split('.', 2) as [string, string | undefined]
  if (prefix && encoding && /^(B64|BASE64)$/.test(encoding) && /-CRYPT$/.test(name)) {
    body = decodeBase64Text(body) ?? ''
  }
  const crypt = describeCrypt(body)
  if (!prefix) return crypt ?? { algorithm: 'UNKNOWN', prefix }
  switch (name) {
    case 'PLAIN':
    case 'CLEAR':
    case 'CLEARTEXT':
      return { algorithm: 'CLEARTEXT', prefix }
    case 'PLAIN-MD5':
    case 'LDAP-MD5':
    case 'MD5RAW':
      return { algorithm: 'PLAIN-MD5', prefix }
    case 'CRAM-MD5':
    case 'HMAC-MD5':
      return { algorithm: 'CRAM-MD5', prefix }
    case 'SSHA512':
      return { algorithm: 'SSHA512', prefix }
    case 'ARGON2I':
    case 'ARGON2ID':
      return { ...describeArgon2(body), algorithm: name, prefix }
    case 'MD5':
    case 'MD5-CRYPT':
    case 'SHA256-CRYPT':
    case 'SHA512-CRYPT':
    case 'BLF-CRYPT':
    case 'CRYPT':
      return crypt ? { ...crypt, prefix } : { algorithm: 'UNKNOWN', prefix }
  }
  return { algorithm: 'UNKNOWN', prefix }
}

function describeCrypt(body: string): StoredHashFormat | undefined {
  const m = /^\$(1|5|6|2[aby])\$/.exec(body)
  if (!m) return undefined
  const algorithm = cryptAlgorithmByMagic[m[1] as string] as HashAlgorithm
  if (algorithm === 'BLF-CRYPT') {
    const cost = /^\$2[aby]\$(\d\d)\$/.exec(body)
    return { algorithm, prefix: '', ...(cost ? { cost: Number(cost[1]) } : {}) }
  }
  if (algorithm === 'MD5-CRYPT') return { algorithm, prefix: '', cost: 1000 }
  const rounds = /^\$[56]\$rounds=(\d+)\$/.exec(body)
  const cost = rounds ? Math.min(999_999_999, Math.max(1000, Number(rounds[1]))) : 5000
  return { algorithm, prefix: '', cost }
}

function describeArgon2(body: string): Pick<StoredHashFormat, 'cost' | 'memoryKiB'> {
  const m = /\$m=(\d+),t=(\d+),p=\d+\$/.exec(body)
  return m ? { memoryKiB: Number(m[1]), cost: Number(m[2]) } : {}
}

function decodeBase64Text(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined
  try {
    return atob(b64)
  } catch {
    return undefined
  }
}

/** Strength for the UI warning: 'weak' and 'insecure' get a visible warning. */
export const HashStrength = z.enum(['strong', 'acceptable', 'weak', 'insecure'])
export type HashStrength = z.infer<typeof HashStrength>

/** Why a scheme is rated as it is: an i18n key suffix, e.g. `passwords.weakness.cleartext`. */
export type HashWeakness =
  | 'cleartext' // the password itself is stored
  | 'unsalted-fast' // one fast unsalted hash: rainbow tables, GPU cracking
  | 'password-equivalent' // CRAM-MD5: the stored value is enough to log in
  | 'fast-hash' // salted but one round of a fast hash (SSHA512)
  | 'md5-based' // md5crypt: 1000 MD5 rounds, cracked fast on GPUs
  | 'low-cost' // a slow hash with a cost below today's advice
  | 'unknown-format'

export interface HashRating {
  strength: HashStrength
  weaknesses: HashWeakness[]
}

/** Rates an algorithm (and its cost, when known) for the UI. */
export function rateHashAlgorithm(algorithm: HashAlgorithm | 'UNKNOWN', cost?: number, memoryKiB?: number): HashRating {
  switch (algorithm) {
    case 'CLEARTEXT':
      return { strength: 'insecure', weaknesses: ['cleartext'] }
    case 'PLAIN-MD5':
      return { strength: 'insecure', weaknesses: ['unsalted-fast'] }
    case 'CRAM-MD5':
      return { strength: 'insecure', weaknesses: ['unsalted-fast', 'password-equivalent'] }
    case 'MD5-CRYPT':
      return { strength: 'weak', weaknesses: ['md5-based'] }
    case 'SSHA512':
      return { strength: 'weak', weaknesses: ['fast-hash'] }
    case 'SHA256-CRYPT':
    case 'SHA512-CRYPT':
      // 5000 rounds is glibc's and Dovecot's default: fine, not strong.
      return cost !== undefined && cost < 5000
        ? { strength: 'weak', weaknesses: ['low-cost'] }
        : { strength: 'acceptable', weaknesses: [] }
    case 'BLF-CRYPT':
      // Dovecot's BLF-CRYPT default is cost 5; PHP's is 10.
      if (cost !== undefined && cost < 8) return { strength: 'acceptable', weaknesses: ['low-cost'] }
      return { strength: 'strong', weaknesses: [] }
    case 'ARGON2I':
    case 'ARGON2ID':
      if (memoryKiB !== undefined && memoryKiB < 19_456) return { strength: 'acceptable', weaknesses: ['low-cost'] }
      return { strength: 'strong', weaknesses: [] }
    case 'UNKNOWN':
      return { strength: 'weak', weaknesses: ['unknown-format'] }
  }
}

/** Rates what an `encrypt` setting will produce for new passwords. */
export function rateEncryptScheme(scheme: EncryptScheme): HashRating {
  if (scheme.kind === 'php_crypt') return rateHashAlgorithm(scheme.algorithm, scheme.difficulty ?? defaultCost(scheme.algorithm, 'php'))
  if (scheme.kind === 'dovecot') return rateHashAlgorithm(scheme.algorithm, defaultCost(scheme.algorithm, 'dovecot'))
  return rateHashAlgorithm(scheme.algorithm, defaultCost(scheme.algorithm, 'php'))
}

/** Rates a stored hash (e.g. a mailbox's `password` column). */
export function rateStoredHash(stored: string): HashRating {
  const f = identifyStoredHash(stored)
  return rateHashAlgorithm(f.algorithm, f.cost, f.memoryKiB)
}

function defaultCost(algorithm: HashAlgorithm, by: 'php' | 'dovecot'): number | undefined {
  if (algorithm === 'BLF-CRYPT') return by === 'php' ? 10 : 5
  if (algorithm === 'SHA256-CRYPT' || algorithm === 'SHA512-CRYPT') return 5000
  return undefined
}
