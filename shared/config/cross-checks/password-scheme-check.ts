import { findingAt, relatedAt, type Finding } from '../finding'
import type { CrossContext } from './cross-context'
import { sideFileSetting } from './dovecot-view'
import { lastSetting } from '../dovecot/dovecot-tree'

/**
 * What PostfixAdmin stores for an `encrypt` setting (PostfixAdmin 3.3 functions.inc.php pacrypt()):
 * either hashes with a {SCHEME} prefix (Dovecot needs nothing else) or bare hashes that Dovecot reads
 * with default_pass_scheme, which must then be one of `accepts`.
 */
export function storedPasswordFormat(encrypt: string): { prefixed: string } | { bare: string; accepts: string[] } | undefined {
  const e = encrypt.trim()
  const dovecot = /^dovecot:(.+)$/i.exec(e)
  if (dovecot) return { prefixed: (dovecot[1] as string).toUpperCase() }
  if (e === 'sha512.b64') return { prefixed: 'SHA512-CRYPT.B64' }
  const php = /^php_crypt(?::([A-Za-z0-9]*))?(?::([^:]*))?(?::(.*))?$/.exec(e)
  if (php) {
    if (php[3]) return { prefixed: php[3].replace(/[{}]/g, '').toUpperCase() }
    const method = (php[1] || 'SHA512').toUpperCase()
    const scheme = { SHA512: 'SHA512-CRYPT', SHA256: 'SHA256-CRYPT', MD5: 'MD5-CRYPT', BLOWFISH: 'BLF-CRYPT', DES: 'DES-CRYPT' }[method] ?? 'CRYPT'
    return { bare: `crypt(3) ${method}`, accepts: scheme === 'BLF-CRYPT' ? ['BLF-CRYPT'] : [scheme, 'CRYPT'] }
  }
  switch (e) {
    case 'md5crypt':
      return { bare: 'MD5-crypt ($1$)', accepts: ['MD5-CRYPT', 'MD5', 'CRYPT'] }
    case 'md5':
      return { bare: 'plain MD5 hex', accepts: ['PLAIN-MD5'] }
    case 'system':
      return { bare: 'crypt(3) DES', accepts: ['CRYPT', 'DES-CRYPT'] }
    case 'cleartext':
      return { bare: 'clear text', accepts: ['PLAIN', 'CLEAR', 'CLEARTEXT', 'PLAIN-TRUNC'] }
    case 'mysql_encrypt':
      return { bare: 'MySQL ENCRYPT() SHA512-crypt', accepts: ['SHA512-CRYPT', 'CRYPT'] }
  }
  return undefined
}

const PLAINTEXT_SCHEMES = ['PLAIN', 'CLEAR', 'CLEARTEXT', 'PLAIN-TRUNC']

/**
 * PostfixAdmin's `encrypt` decides how new passwords are stored; Dovecot's sql passdb must be able to
 * verify them (default_pass_scheme for bare hashes), and challenge-response mechanisms (CRAM-MD5,
 * DIGEST-MD5) need clear text or a matching hash. A mismatch makes every login fail.
 */
export function checkPasswordScheme(ctx: CrossContext): Finding[] {
  const pa = ctx.postfixadmin
  const dovecot = ctx.dovecot
  const encrypt = pa?.conf.values.get('encrypt')
  if (!pa || !dovecot || !encrypt || typeof encrypt.value !== 'string') return []
  const format = storedPasswordFormat(encrypt.value)
  if (!format) {
    return [
      findingAt(pa.where, encrypt.valueSpan, {
        severity: 'error',
        code: 'cross.postfixadmin-unknown-encrypt',
        message: `PostfixAdmin does not know $CONF['encrypt'] = '${encrypt.value}': creating or changing a password fails ("unknown/invalid $CONF["encrypt"] setting")`,
        hint: "Use e.g. 'dovecot:SHA512-CRYPT' or 'php_crypt:SHA512'.",
      }),
    ]
  }
  const out: Finding[] = []
  // The sql passdb's side file.
  for (const passdb of dovecot.sections('passdb')) {
    if (lastSetting(passdb, 'driver')?.value !== 'sql') continue
    const args = lastSetting(passdb, 'args')?.value.trim()
    const side = args ? [...ctx.dovecotSideFiles.entries()].find(([p]) => p === args || p.endsWith('/' + args.split('/').pop()))?.[1] : undefined
    if (!side) continue
    const schemeLine = sideFileSetting(side.lines, 'default_pass_scheme')
    const scheme = (schemeLine?.value ?? 'MD5').toUpperCase()
    if ('bare' in format && !format.accepts.includes(scheme))
      out.push(
        findingAt(pa.where, encrypt.valueSpan, {
          severity: 'error',
          code: 'cross.password-scheme-mismatch',
          message: `PostfixAdmin stores passwords as ${format.bare} without a {SCHEME} prefix ($CONF['encrypt'] = '${encrypt.value}'), but Dovecot reads them as ${scheme} (default_pass_scheme${schemeLine ? '' : ', the sql default'}): every login fails`,
          hint: `Set default_pass_scheme = ${format.accepts[0]} in ${side.where.path}, or switch PostfixAdmin to 'dovecot:${format.accepts[0]}' (stores the {SCHEME} prefix).`,
          related: schemeLine ? [relatedAt(side.where, schemeLine.valueSpan.from, `default_pass_scheme = ${schemeLine.value}`)] : undefined,
        }),
      )
  }
  // Challenge-response mechanisms need the clear text (or, for CRAM-MD5, a CRAM-MD5 hash).
  const mechs = (dovecot.value('auth_mechanisms') ?? '').toLowerCase().split(/\s+/)
  const stored = 'prefixed' in format ? format.prefixed : format.accepts[0] ?? ''
  for (const mech of ['cram-md5', 'digest-md5']) {
    if (!mechs.includes(mech)) continue
    const ok = PLAINTEXT_SCHEMES.includes(stored) || (mech === 'cram-md5' && (stored === 'CRAM-MD5' || stored === 'HMAC-MD5'))
    if (ok) continue
    const node = dovecot.setting('auth_mechanisms')
    const where = node && ctx.located(node.file)
    if (where && node)
      out.push(
        findingAt(where, node.valueSpan, {
          severity: 'warning',
          code: 'cross.auth-mechanism-needs-plaintext',
          message: `auth_mechanisms offers ${mech.toUpperCase()}, which needs clear-text${mech === 'cram-md5' ? ' or CRAM-MD5' : ''} passwords, but PostfixAdmin stores ${stored} ($CONF['encrypt'] = '${encrypt.value}'): clients that choose ${mech.toUpperCase()} cannot log in`,
          hint: `Remove ${mech} from auth_mechanisms (plain and login over TLS are enough).`,
          related: [relatedAt(pa.where, encrypt.valueSpan.from, `$CONF['encrypt'] = '${encrypt.value}'`)],
        }),
      )
  }
  return out
}
