// Argon2i / Argon2id in the PHC string form Dovecot (libsodium) writes, through hash-wasm.
import { argon2Verify, argon2i, argon2id } from 'hash-wasm'

export interface Argon2Params {
  variant: 'argon2i' | 'argon2id'
  memoryKiB: number
  iterations: number
  parallelism: number
}

/** What `doveadm pw -s ARGON2I|ARGON2ID` writes on Dovecot 2.3 (libsodium's interactive limits). */
export const dovecotArgon2Defaults: Record<'ARGON2I' | 'ARGON2ID', Argon2Params> = {
  ARGON2I: { variant: 'argon2i', memoryKiB: 32768, iterations: 4, parallelism: 1 },
  ARGON2ID: { variant: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 },
}

export async function argon2Hash(password: Uint8Array, salt: Uint8Array, p: Argon2Params): Promise<string> {
  const fn = p.variant === 'argon2i' ? argon2i : argon2id
  return fn({ password, salt, iterations: p.iterations, memorySize: p.memoryKiB, parallelism: p.parallelism, hashLength: 32, outputType: 'encoded' })
}

export async function argon2Check(password: Uint8Array, encoded: string): Promise<boolean> {
  if (!/^\$argon2(i|id|d)\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(encoded)) return false
  return argon2Verify({ password, hash: encoded })
}
