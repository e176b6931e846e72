// Dovecot's CRAM-MD5 scheme: the HMAC-MD5 contexts after the key block (hmac_md5_get_cram_context):
// outer state then inner state, each as four little-endian words, written as 64 hex digits.
import { md5, md5Compress, md5InitialState, md5StateBytes } from './md5-block'

export function cramMd5Context(password: Uint8Array): Uint8Array {
  const key = new Uint8Array(64)
  key.set(password.length > 64 ? md5(password) : password)
  const inner = md5InitialState()
  const outer = md5InitialState()
  md5Compress(inner, key.map((b) => b ^ 0x36))
  md5Compress(outer, key.map((b) => b ^ 0x5c))
  const out = new Uint8Array(32)
  out.set(md5StateBytes(outer), 0)
  out.set(md5StateBytes(inner), 16)
  return out
}

export const cramMd5Hex = (password: Uint8Array): string => Buffer.from(cramMd5Context(password)).toString('hex')
