import { createHash } from 'node:crypto'

/** OpenSSH's fingerprint of a public key blob: `SHA256:` + unpadded base64 of its SHA-256 (as `ssh-keygen -l`). */
export function sha256Fingerprint(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

/** The key type a public key blob starts with (an SSH string), e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`. */
export function keyTypeOfBlob(blob: Uint8Array): string {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)
  if (buf.length < 4) throw new Error('public key blob too short')
  const len = buf.readUInt32BE(0)
  if (len === 0 || len > 64 || 4 + len > buf.length) throw new Error('public key blob has no valid key type')
  return buf.toString('latin1', 4, 4 + len)
}
