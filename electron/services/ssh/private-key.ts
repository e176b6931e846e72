import { readFile } from 'node:fs/promises'
// ssh2 is CommonJS: Node's ESM loader only offers its default export (named imports fail at run time).
import ssh2 from 'ssh2'
import type { ParsedKey } from 'ssh2'
import { AppError } from '../../../shared/errors'
import { ioError } from '../storage/io-error'

export interface PrivateKey {
  /** The decrypted key, handed to ssh2. */
  key: ParsedKey
  /** e.g. `ssh-ed25519`, for "which methods were tried" messages. */
  type: string
  /** Whether the file is protected by a passphrase. */
  encrypted: boolean
}

/** What loadPrivateKey found: a usable key, or an encrypted one with no passphrase to open it. */
export type LoadedKey = { ok: true; value: PrivateKey } | { ok: false; needsPassphrase: true; path: string }

/**
 * Reads and checks a private key before any network traffic, so that a wrong path or an unusable key
 * is reported as such (not as an authentication failure). An encrypted key is opened with the stored
 * passphrase; messages name the file only, never the passphrase.
 */
export async function loadPrivateKey(path: string, passphrase?: () => Promise<string | undefined>): Promise<LoadedKey> {
  let data: Buffer
  try {
    data = await readFile(path)
  } catch (e) {
    throw ioError('read the private key file', path, e)
  }
  let parsed = ssh2.utils.parseKey(data)
  let encrypted = false
  if (parsed instanceof Error && /no passphrase given|encrypted/i.test(parsed.message)) {
    encrypted = true
    const secret = passphrase ? await passphrase() : undefined
    if (secret === undefined) return { ok: false, needsPassphrase: true, path }
    parsed = ssh2.utils.parseKey(data, secret)
    if (parsed instanceof Error) {
      throw new AppError('auth-failed', `The stored passphrase does not open the private key ${path}. Store the right passphrase for this server.`, { path, reason: 'bad-passphrase' })
    }
  }
  if (parsed instanceof Error) throw new AppError('io', `The file ${path} is not a private key Postdesk can read (${parsed.message}).`, { path })
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key || !key.isPrivateKey()) throw new AppError('io', `The file ${path} holds a public key, not a private key. Give the path of the private key (without .pub).`, { path })
  return { ok: true, value: { key, type: key.type, encrypted } }
}

/** The key, or the error to show when only public-key auth is possible and its passphrase is missing. */
export function passphraseMissing(path: string): AppError {
  return new AppError('secret-missing', `The private key ${path} is protected by a passphrase and none is stored for this server. Store it (server editor, or \`postdesk server secret NAME --kind passphrase\`).`, { path, kind: 'passphrase' })
}
