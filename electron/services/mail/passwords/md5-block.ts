// MD5 (RFC 1321) with access to the chaining state after whole 64-byte blocks, which Node's
// createHash does not give: Dovecot's CRAM-MD5 stores HMAC-MD5's inner and outer states.

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0)

export type Md5State = [number, number, number, number]
export const md5InitialState = (): Md5State => [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]

/** Compresses one 64-byte block into `state` (in place). */
export function md5Compress(state: Md5State, block: Uint8Array): void {
  const M = new Uint32Array(16)
  for (let i = 0; i < 16; i++) {
    M[i] = (block[i * 4] as number) | ((block[i * 4 + 1] as number) << 8) | ((block[i * 4 + 2] as number) << 16) | ((block[i * 4 + 3] as number) << 24)
  }
  let [a, b, c, d] = state
  for (let i = 0; i < 64; i++) {
    let f: number
    let g: number
    if (i < 16) {
      f = (b & c) | (~b & d)
      g = i
    } else if (i < 32) {
      f = (d & b) | (~d & c)
      g = (5 * i + 1) % 16
    } else if (i < 48) {
      f = b ^ c ^ d
      g = (3 * i + 5) % 16
    } else {
      f = c ^ (b | ~d)
      g = (7 * i) % 16
    }
    const s = S[(i >> 4) * 4 + (i % 4)] as number
    const x = (a + f + (K[i] as number) + (M[g] as number)) >>> 0
    a = d
    d = c
    c = b
    b = (b + ((x << s) | (x >>> (32 - s)))) >>> 0
  }
  state[0] = (state[0] + a) >>> 0
  state[1] = (state[1] + b) >>> 0
  state[2] = (state[2] + c) >>> 0
  state[3] = (state[3] + d) >>> 0
}

/** Little-endian bytes of the state words, as an MD5 digest or Dovecot's CDPUT writes them. */
export function md5StateBytes(state: Md5State): Uint8Array {
  const out = new Uint8Array(16)
  state.forEach((w, i) => {
    out[i * 4] = w & 0xff
    out[i * 4 + 1] = (w >>> 8) & 0xff
    out[i * 4 + 2] = (w >>> 16) & 0xff
    out[i * 4 + 3] = (w >>> 24) & 0xff
  })
  return out
}

/** Plain MD5 over whole data (used to test md5Compress against Node's md5). */
export function md5(data: Uint8Array): Uint8Array {
  const state = md5InitialState()
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64)
  padded.set(data)
  padded[data.length] = 0x80
  const bits = data.length * 8
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, bits >>> 0, true)
  view.setUint32(padded.length - 4, Math.floor(bits / 2 ** 32), true)
  for (let off = 0; off < padded.length; off += 64) md5Compress(state, padded.subarray(off, off + 64))
  return md5StateBytes(state)
}
