// crypt(password, setting) for the crypt(3) formats PostfixAdmin and Dovecot store:
// $1$ (md5crypt), $5$ / $6$ (SHA-crypt) and $2a$/$2b$/$2y$ (bcrypt).
import { bcryptCrypt, parseBcryptSetting } from './bcrypt'
import { md5Crypt, md5CryptSalt } from './md5-crypt'
import { parseShaCryptSetting, shaCrypt, wasmShaEngine, type ShaCryptEngine } from './sha-crypt'

/** Returns the crypt string, or undefined when `setting` is not one of these formats. */
export async function unixCrypt(password: Uint8Array, setting: string, sha512?: ShaCryptEngine): Promise<string | undefined> {
  if (setting.startsWith('$1$')) return md5Crypt(password, md5CryptSalt(setting))
  const sha = parseShaCryptSetting(setting)
  if (sha) return shaCrypt(password, sha, sha.magic === '6' ? (sha512 ?? wasmShaEngine(512)) : wasmShaEngine(256))
  const bf = parseBcryptSetting(setting)
  if (bf) return bcryptCrypt(password, bf)
  return undefined
}
