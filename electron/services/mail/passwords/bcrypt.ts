// bcrypt ($2y$, $2b$, $2a$) through hash-wasm's WebAssembly implementation, in the crypt(3) string
// form PHP's crypt() and Dovecot's BLF-CRYPT use. hash-wasm computes the corrected algorithm
// ($2b$/$2y$, identical); it writes '$2a$', which is relabelled.
import { bcrypt } from 'hash-wasm'
import { decodeBcryptSalt, encodeBcryptBase64 } from './crypt-base64'

export type BcryptVersion = '2a' | '2b' | '2y'

export interface BcryptSetting {
  version: BcryptVersion
  cost: number
  salt: Uint8Array
}

/** Parses `$2y$NN$<22 salt>[<31 hash>]`. */
export function parseBcryptSetting(setting: string): BcryptSetting | undefined {
  const m = /^\$(2[aby])\$(\d\d)\$([./A-Za-z0-9]{22})/.exec(setting)
  if (!m) return undefined
  const cost = Number(m[2])
  const salt = decodeBcryptSalt(m[3] as string)
  if (!salt || cost < 4 || cost > 31) return undefined
  return { version: m[1] as BcryptVersion, cost, salt }
}

/** crypt(password, setting) for bcrypt; the password is cut at 72 bytes as crypt_blowfish does. */
export async function bcryptCrypt(password: Uint8Array, setting: BcryptSetting): Promise<string> {
  const encoded = await bcrypt({ password: password.subarray(0, 72), salt: setting.salt, costFactor: setting.cost, outputType: 'encoded' })
  const cost = String(setting.cost).padStart(2, '0')
  // encoded: $2a$NN$ + 22 salt + 31 hash; re-encode the salt ourselves to keep it canonical
  return `$${setting.version}$${cost}$${encodeBcryptBase64(setting.salt)}${encoded.slice(29)}`
}
