// Random salts from the platform CSPRNG (never Math.random, unlike PostfixAdmin's create_salt()).
import { randomBytes, randomInt } from 'node:crypto'
import { itoa64 } from './crypt-base64'

export type RandomBytes = (n: number) => Uint8Array

export const secureRandomBytes: RandomBytes = (n) => new Uint8Array(randomBytes(n))

/** `length` characters drawn uniformly from `alphabet`, as _php_crypt_random_string() does with random_int(). */
export function randomString(length: number, alphabet = itoa64): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}
