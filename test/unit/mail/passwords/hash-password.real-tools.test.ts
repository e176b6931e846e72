// Judged by the real tools: every hash Postdesk makes must be accepted by Dovecot's `doveadm pw -t`
// and reproduced by PostfixAdmin's own pacrypt($pw, $hash); every hash PostfixAdmin or doveadm
// makes must pass verifyPassword(). A wrong password must fail everywhere.
import { describe, expect, it } from 'vitest'
import { hashPassword } from '../../../../electron/services/mail/passwords/hash-password'
import { verifyPassword } from '../../../../electron/services/mail/passwords/verify-password'
import { doveadmHash, doveadmVerifies, phpOk, runPostfixAdmin } from '../../../tools/real-mail-tools'

const dovecotSchemes = ['SHA512-CRYPT', 'SHA256-CRYPT', 'BLF-CRYPT', 'MD5-CRYPT', 'CRAM-MD5', 'ARGON2I', 'ARGON2ID', 'SSHA512', 'PLAIN-MD5']
const settings = [
  'md5crypt',
  'md5',
  'cleartext',
  'sha512.b64',
  'php_crypt',
  'php_crypt:MD5',
  'php_crypt:BLOWFISH',
  'php_crypt:BLOWFISH:6',
  'php_crypt:SHA256',
  'php_crypt:SHA256:8000:{SHA256-CRYPT}',
  'php_crypt:SHA512',
  'php_crypt:SHA512:7000:{SHA512-CRYPT}',
  ...dovecotSchemes.map((s) => `dovecot:${s}`),
]
const passwords = ['Secret12!', 'パスワード12', `q'uo"te$\\ sp ace9#`, `${'long-password-'.repeat(6)}12`]
/** Argon2 costs 32-64 MiB per hash: two passwords (ASCII, Unicode) keep the file fast. */
const passwordsFor = (s: string): string[] => (/ARGON2/.test(s) ? passwords.slice(0, 2) : passwords)

/** The form `doveadm pw -t` needs: PostfixAdmin stores some hashes without a {SCHEME}. */
function forDoveadm(setting: string, hash: string, password: string): string {
  if (setting === 'cleartext') return `{PLAIN}${password}`
  if (setting === 'md5') return `{PLAIN-MD5}${hash}`
  if (hash.startsWith('{')) return hash
  return `{CRYPT}${hash}`
}

describe.each(settings)("$CONF['encrypt'] = '%s'", (setting) => {
  it('Postdesk hashes pass doveadm and PostfixAdmin pacrypt(); wrong passwords do not', async () => {
    const made = await Promise.all(passwordsFor(setting).map(async (pw) => ({ pw, hash: await hashPassword(pw, setting) })))
    for (const { pw, hash } of made) {
      expect(doveadmVerifies(forDoveadm(setting, hash, pw), pw), `doveadm: ${hash}`).toBe(true)
    }
    expect(doveadmVerifies(forDoveadm(setting, made[0]!.hash, 'Secret12!'), 'Secret13!')).toBe(false)
    const results = runPostfixAdmin({ encrypt: setting }, [
      ...made.map(({ pw, hash }) => ({ fn: 'pacrypt' as const, args: [pw, hash] })),
      { fn: 'pacrypt', args: ['Secret13!', made[0]!.hash] },
    ])
    made.forEach(({ hash }, i) => expect(phpOk(results[i]), `pacrypt for ${hash}`).toBe(hash))
    // a wrong password: another hash, or (salted dovecot: schemes) doveadm's refusal as an exception
    expect(results[made.length]).not.toEqual({ ok: made[0]!.hash })
  }, 60_000)

  it("PostfixAdmin's own hashes pass verifyPassword(); wrong passwords do not", async () => {
    const results = runPostfixAdmin({ encrypt: setting }, passwordsFor(setting).map((pw) => ({ fn: 'pacrypt' as const, args: [pw] })))
    for (const [i, pw] of passwordsFor(setting).entries()) {
      const hash = phpOk(results[i]) as string
      expect(await verifyPassword(pw, hash, { encrypt: setting }), `verify ${hash}`).toBe(true)
      // changed at the front: bcrypt ignores bytes past 72, as crypt() does
      expect(await verifyPassword(`x${pw}`, hash, { encrypt: setting })).toBe(false)
    }
  }, 60_000)
})

describe.each(dovecotSchemes)('doveadm pw -s %s', (scheme) => {
  it('verifies in verifyPassword() (and a wrong password does not)', async () => {
    for (const pw of passwordsFor(scheme)) {
      const hash = doveadmHash(scheme, pw)
      expect(hash.startsWith(`{${scheme}}`)).toBe(true)
      expect(await verifyPassword(pw, hash), hash).toBe(true)
      expect(await verifyPassword(pw.slice(1), hash)).toBe(false)
    }
  }, 60_000)

  it('matches the format and defaults Postdesk writes (prefix, salt and cost layout)', async () => {
    const theirs = doveadmHash(scheme, 'Secret12!')
    const ours = await hashPassword('Secret12!', `dovecot:${scheme}`)
    const shape = (h: string): string => h.replace(/[A-Za-z0-9./+]/g, 'x')
    expect(shape(ours)).toBe(shape(theirs))
    expect(ours.length).toBe(theirs.length)
  })
})

describe('settings Postdesk calls invalid', () => {
  it('make PostfixAdmin throw too; Postdesk refuses them with AppError unsupported', async () => {
    for (const setting of ['php_crypt:SHA512:999', 'php_crypt:BLOWFISH:32', 'php_crypt:WHIRLPOOL', 'sha512', 'dovecot:DIGEST-MD5']) {
      const [r] = runPostfixAdmin({ encrypt: setting }, [{ fn: 'pacrypt', args: ['Secret12!'] }])
      expect(r, setting).toHaveProperty('error')
      await expect(hashPassword('Secret12!', setting)).rejects.toMatchObject({ code: 'unsupported' })
    }
  })
})
