// The base64 flavours of Unix crypt(3): the "itoa64" alphabet of md5crypt and SHA-crypt
// (little-endian 24-bit groups), and bcrypt's own alphabet (big-endian, like RFC 4648 but reordered).

export const itoa64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const bcryptAlphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** crypt's b64_from_24bit: `n` characters of (b2 << 16 | b1 << 8 | b0), least significant 6 bits first. */
export function b64From24bit(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0
  let out = ''
  for (let i = 0; i < n; i++) {
    out += itoa64[w & 0x3f]
    w >>>= 6
  }
  return out
}

/** Encodes a digest by the byte triples (and final tail) of a crypt scheme. */
export function encodeByGroups(digest: Uint8Array, groups: readonly (readonly [number, number, number])[], tail: readonly number[]): string {
  const byte = (i: number): number => (i < 0 ? 0 : (digest[i] as number))
  let out = ''
  for (const [a, b, c] of groups) out += b64From24bit(byte(a), byte(b), byte(c), 4)
  const [a, b, c, n] = tail as [number, number, number, number]
  return out + b64From24bit(byte(a), byte(b), byte(c), n)
}

const bcryptIndex = new Map([...bcryptAlphabet].map((c, i) => [c, i]))

/** Decodes bcrypt's 22-character salt to its 16 bytes (the last character's low 4 bits are dropped). */
export function decodeBcryptSalt(salt22: string): Uint8Array | undefined {
  if (salt22.length !== 22) return undefined
  const values: number[] = []
  for (const c of salt22) {
    const v = bcryptIndex.get(c)
    if (v === undefined) return undefined
    values.push(v)
  }
  const out = new Uint8Array(16)
  let bits = 0
  let acc = 0
  let o = 0
  for (const v of values) {
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      if (o < 16) out[o++] = (acc >> bits) & 0xff
    }
  }
  return out
}

/** Encodes bytes in bcrypt's alphabet without padding (16 bytes -> 22 characters). */
export function encodeBcryptBase64(bytes: Uint8Array): string {
  let out = ''
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 6) {
      bits -= 6
      out += bcryptAlphabet[(acc >> bits) & 0x3f]
    }
    acc &= (1 << bits) - 1
  }
  if (bits > 0) out += bcryptAlphabet[(acc << (6 - bits)) & 0x3f]
  return out
}
