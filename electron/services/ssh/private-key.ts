import { readFile } from 'node:fs/promises'
// ssh2 is CommonJS: Node's ESM loader only offers its default export (named imports fail at run time).
import ssh2 from 'ssh2'
import { AppError } from '../../../shared/errors'
import { ioError } from '../storage/io-error'

export interface PrivateKey {
  /** The file's bytes, handed to ssh2 as is. */
  data: Buffer
  /** e.g. `ssh-ed25519`, for "which methods were tried" messages. */
  type: string
}

/**
 * Reads and checks the profile's private key before any network traffic, so that a wrong path or an
 * unusable key is reported as such (not as an authentication failure). Messages name the file only.
 */
export async function loadPrivateKey(path: string): Promise<PrivateKey> {
  let data: Buffer
  try {
    data = await readFile(path)
  } catch (e) {
    throw ioError('read the private key file', path, e)
  }
  const parsed = ssh2.utils.parseKey(data)
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) {
      throw new AppError('unsupported', `The private key ${path} is protected by a passphrase; Postdesk cannot use passphrase-protected keys yet. Use a key without a passphrase for now.`, { path })
    }
    throw new AppError('io', `The file ${path} is not a private key Postdesk can read (${parsed.message}).`, { path })
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key || !key.isPrivateKey()) throw new AppError('io', `The file ${path} holds a public key, not a private key. Give the path of the private key (without .pub).`, { path })
  return { data, type: key.type }
}
