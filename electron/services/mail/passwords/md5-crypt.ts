// md5crypt ($1$), Poul-Henning Kamp's FreeBSD algorithm, as PostfixAdmin's md5crypt() writes it
// (functions.inc.php) and as crypt(3), PHP and Dovecot's MD5-CRYPT compute it.
import { createHash } from 'node:crypto'
import { encodeByGroups } from './crypt-base64'

const md5 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('md5')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)
const MAGIC = latin1('$1$')

/** The salt of a `$1$salt$hash` string or of a bare salt: up to 8 characters, cut at '$'. */
export function md5CryptSalt(settingOrSalt: string): string {
  const body = settingOrSalt.startsWith('$1$') ? settingOrSalt.slice(3) : settingOrSalt
  return (body.split('$')[0] ?? '').slice(0, 8)
}

export function md5Crypt(password: Uint8Array, salt: string): string {
  const S = latin1(salt.slice(0, 8))
  const P = password
  const alt = md5(P, S, P)
  const ctx: Uint8Array[] = [P, MAGIC, S]
  for (let i = P.length; i > 0; i -= 16) ctx.push(alt.subarray(0, Math.min(16, i)))
  const zero = new Uint8Array(1)
  const first = P.subarray(0, 1)
  for (let i = P.length; i > 0; i >>>= 1) ctx.push(i & 1 ? zero : first)
  let fin = md5(...ctx)
  for (let i = 0; i < 1000; i++) {
    const parts: Uint8Array[] = [i & 1 ? P : fin]
    if (i % 3) parts.push(S)
    if (i % 7) parts.push(P)
    parts.push(i & 1 ? fin : P)
    fin = md5(...parts)
  }
  const encoded = encodeByGroups(fin, [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]], [-1, -1, 11, 2])
  return `$1$${salt.slice(0, 8)}$${encoded}`
}
