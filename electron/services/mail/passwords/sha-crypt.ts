// SHA-crypt ($5$ SHA-256, $6$ SHA-512) as specified by Ulrich Drepper ("Unix crypt using SHA-256
// and SHA-512") and implemented by glibc/libxcrypt, PHP's crypt() and Dovecot's SHA*-CRYPT.
import { createHash } from 'node:crypto'
import { encodeByGroups } from './crypt-base64'
import { ShaWasm } from './sha-wasm'

export interface ShaCryptEngine {
  readonly digestLength: 32 | 64
  digest(parts: readonly Uint8Array[]): Uint8Array
  /** step 21 in one call (fast engines); absent: the rounds are driven from JS */
  rounds?(count: number, p: Uint8Array, s: Uint8Array, a: Uint8Array): Uint8Array
}

/** Node's createHash per digest: the naive way (a hash object per round). */
export function nodeShaEngine(algorithm: 'sha256' | 'sha512'): ShaCryptEngine {
  return {
    digestLength: algorithm === 'sha256' ? 32 : 64,
    digest(parts) {
      const h = createHash(algorithm)
      for (const p of parts) h.update(p)
      return new Uint8Array(h.digest())
    },
  }
}

const sharedWasm = new Map<256 | 512, ShaWasm>()
/** SHA-256/512 in WebAssembly with the round loop inside it: the fast way. One instance per thread. */
export function wasmShaEngine(bits: 256 | 512, instance?: ShaWasm): ShaCryptEngine {
  let w = instance ?? sharedWasm.get(bits)
  if (!w) {
    w = new ShaWasm(bits)
    sharedWasm.set(bits, w)
  }
  const wasm = w
  return { digestLength: wasm.digestLength, digest: (parts) => wasm.digest(parts), rounds: (n, p, s, a) => wasm.rounds(n, p, s, a) }
}
export const wasmSha512Engine = (instance?: ShaWasm): ShaCryptEngine => wasmShaEngine(512, instance)

export const ROUNDS_DEFAULT = 5000
const ROUNDS_MIN = 1000
const ROUNDS_MAX = 999_999_999

export interface ShaCryptSetting {
  magic: '5' | '6'
  /** as written after rounds=, clamped like glibc; undefined when absent (5000, and not printed) */
  rounds: number | undefined
  /** up to 16 characters, cut at the first '$' */
  salt: string
}

/** Parses `$6$[rounds=N$]salt[$hash]`; undefined if it is not a SHA-crypt setting. */
export function parseShaCryptSetting(setting: string): ShaCryptSetting | undefined {
  const m = /^\$([56])\$(?:rounds=(\d+)\$)?([^$]*)/.exec(setting)
  if (!m) return undefined
  const rounds = m[2] === undefined ? undefined : Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(m[2])))
  return { magic: m[1] as '5' | '6', rounds, salt: (m[3] as string).slice(0, 16) }
}

const groups512 = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
] as const
const groups256 = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26],
  [27, 7, 17], [18, 28, 8], [9, 19, 29],
] as const

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)

/** crypt(password, setting) for $5$ / $6$ settings, e.g. `$6$rounds=5000$saltsalt`. */
export function shaCrypt(password: Uint8Array, setting: ShaCryptSetting, engine: ShaCryptEngine): string {
  const len = engine.digestLength
  if ((setting.magic === '6') !== (len === 64)) throw new Error('SHA-crypt engine does not match the setting')
  const rounds = setting.rounds ?? ROUNDS_DEFAULT
  const P = password
  const S = latin1(setting.salt)

  const B = engine.digest([P, S, P])
  const aParts: Uint8Array[] = [P, S]
  let i = P.length
  for (; i > len; i -= len) aParts.push(B)
  aParts.push(B.subarray(0, i))
  for (let n = P.length; n > 0; n >>>= 1) aParts.push(n & 1 ? B : P)
  const A = engine.digest(aParts)

  const DP = engine.digest(new Array<Uint8Array>(P.length).fill(P))
  const pSeq = repeatTo(DP, P.length)
  const DS = engine.digest(new Array<Uint8Array>(16 + (A[0] as number)).fill(S))
  const sSeq = DS.slice(0, S.length)

  let C: Uint8Array
  if (engine.rounds) {
    C = engine.rounds(rounds, pSeq, sSeq, A)
  } else {
    C = A
    for (let r = 0; r < rounds; r++) {
      const parts: Uint8Array[] = [r & 1 ? pSeq : C]
      if (r % 3) parts.push(sSeq)
      if (r % 7) parts.push(pSeq)
      parts.push(r & 1 ? C : pSeq)
      C = engine.digest(parts)
    }
  }
  const encoded = len === 64 ? encodeByGroups(C, groups512, [-1, -1, 63, 2]) : encodeByGroups(C, groups256, [-1, 31, 30, 3])
  const roundsPart = setting.rounds === undefined ? '' : `rounds=${rounds}$`
  return `$${setting.magic}$${roundsPart}${setting.salt}$${encoded}`
}

function repeatTo(d: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let off = 0; off < n; off += d.length) out.set(d.subarray(0, Math.min(d.length, n - off)), off)
  return out
}
