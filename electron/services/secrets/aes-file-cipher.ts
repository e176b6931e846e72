import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import { ioError } from '../storage/io-error'
import { ensurePrivateDir } from '../storage/private-dir'
import type { SecretCipher } from './secret-store'

export const SECRET_KEY_FILE = 'secret.key'
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

/**
 * AES-256-GCM for the CLI and tests, where no OS keychain is reachable without Electron. The key is
 * either 32 random bytes in `secret.key` (mode 0600 in the data directory), or, when
 * POSTDESK_SECRET_PASSPHRASE is set, derived from that passphrase with scrypt (salt in `secret.key`).
 *
 * Trade-off: with the key file, the secrets are only as safe as the data directory (anyone who can
 * read both files as you can decrypt them; it still keeps them out of backups of profiles.json, of
 * logs and of screen shares). With a passphrase, a copied data directory is useless without it, but
 * the passphrase must be in the environment of every CLI run.
 */
export function aesFileCipher(dataDir: string, passphrase?: string): SecretCipher {
  const keyFile = join(dataDir, SECRET_KEY_FILE)
  // Read (or made) on first use, so that creating the services touches nothing on disk.
  let keyPromise: Promise<Buffer> | undefined
  const key = () =>
    (keyPromise ??= readOrCreateKeyFile(dataDir, keyFile).then((material) =>
      passphrase ? new Promise<Buffer>((resolve, reject) => scrypt(passphrase.normalize('NFC'), material, 32, SCRYPT, (e, k) => (e ? reject(e) : resolve(k)))) : material,
    )).catch((e: unknown) => {
      keyPromise = undefined
      throw e
    })
  const id = passphrase ? 'aes-256-gcm+scrypt' : 'aes-256-gcm+keyfile'
  const protection = passphrase ? 'AES-256-GCM, key derived from POSTDESK_SECRET_PASSPHRASE (scrypt)' : `AES-256-GCM, key file ${keyFile}`
  return {
    id,
    protection,
    async encrypt(plain, aad) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', await key(), iv)
      c.setAAD(Buffer.from(aad, 'utf8'))
      const body = Buffer.concat([c.update(plain), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    async decrypt(sealed, aad) {
      if (sealed.length < 28) throw new Error('sealed value too short')
      const d = createDecipheriv('aes-256-gcm', await key(), sealed.subarray(0, 12))
      d.setAAD(Buffer.from(aad, 'utf8'))
      d.setAuthTag(sealed.subarray(12, 28))
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()])
    },
  }
}

async function readOrCreateKeyFile(dataDir: string, path: string): Promise<Buffer> {
  try {
    const data = await readFile(path)
    if (data.length !== 32) throw new AppError('io', `${path} is not a Postdesk secret key (expected 32 bytes). Move it away; the secrets sealed with it are then lost and must be stored again.`, { path })
    return data
  } catch (e) {
    if (e instanceof AppError) throw e
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('read the secret key', path, e)
  }
  await ensurePrivateDir(dataDir)
  const key = randomBytes(32)
  try {
    const fh = await open(path, 'wx', 0o600)
    try {
      await fh.writeFile(key)
      await fh.sync()
    } finally {
      await fh.close()
    }
    return key
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKeyFile(dataDir, path)
    throw ioError('create the secret key', path, e)
  }
}

export const FILE_SECRETS = 'secrets.json'
