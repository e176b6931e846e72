import { join } from 'node:path'
import { z } from 'zod'
import { SecretKind } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import { writeFileAtomic } from '../storage/atomic-write'
import { Mutex } from '../storage/mutex'
import { ensurePrivateDir } from '../storage/private-dir'
import { readTextIfExists } from '../storage/read-text'
import type { SecretCipher, SecretStore } from './secret-store'

const SecretsFile = z.object({
  version: z.literal(1),
  cipher: z.string(),
  /** `serverId/kind` -> base64 of the sealed value. */
  entries: z.record(z.string(), z.string()),
})
type SecretsFile = z.infer<typeof SecretsFile>

const slot = (serverId: string, kind: SecretKind) => `${serverId}/${kind}`
const aadOf = (serverId: string, kind: SecretKind) => `postdesk-secret:v1:${serverId}:${kind}`

/**
 * Secrets in one JSON file (mode 0600, replaced atomically) whose values are sealed by a cipher: the
 * OS keychain through Electron's safeStorage in the app, AES-256-GCM with a local key in the CLI and
 * tests. The file holds no plaintext; messages never include a value.
 */
export class CipherSecretStore implements SecretStore {
  readonly path: string
  private readonly mutex = new Mutex()

  constructor(
    private readonly dataDir: string,
    private readonly cipher: SecretCipher,
    fileName: string,
  ) {
    this.path = join(dataDir, fileName)
  }

  get protection(): string {
    return this.cipher.protection
  }

  async get(serverId: string, kind: SecretKind): Promise<string | undefined> {
    const sealed = (await this.load()).entries[slot(serverId, kind)]
    if (sealed === undefined) return undefined
    try {
      return (await this.cipher.decrypt(Buffer.from(sealed, 'base64'), aadOf(serverId, kind))).toString('utf8')
    } catch (e) {
      if (e instanceof AppError) throw e
      throw new AppError('io', `The stored ${kind} of server "${serverId}" cannot be decrypted with ${this.cipher.protection} (the key changed or the file ${this.path} was altered). Store it again.`, { server: serverId, kind })
    }
  }

  set(serverId: string, kind: SecretKind, value: string): Promise<void> {
    return this.mutex.run(async () => {
      if (value.length === 0) throw new AppError('invalid-input', `An empty ${kind} is not stored; delete it instead.`)
      if (value.length > 4096) throw new AppError('invalid-input', `The ${kind} is longer than 4096 characters.`)
      const file = await this.load()
      const sealed = await this.cipher.encrypt(Buffer.from(value, 'utf8'), aadOf(serverId, kind))
      await this.save({ ...file, entries: { ...file.entries, [slot(serverId, kind)]: sealed.toString('base64') } })
    })
  }

  delete(serverId: string, kind?: SecretKind): Promise<number> {
    return this.mutex.run(async () => {
      const file = await this.load()
      const drop = Object.keys(file.entries).filter((k) => (kind ? k === slot(serverId, kind) : k.startsWith(`${serverId}/`)))
      if (!drop.length) return 0
      const entries = { ...file.entries }
      for (const k of drop) delete entries[k]
      await this.save({ ...file, entries })
      return drop.length
    })
  }

  async kinds(serverId: string): Promise<SecretKind[]> {
    const entries = (await this.load()).entries
    return SecretKind.options.filter((k) => entries[slot(serverId, k)] !== undefined)
  }

  private async load(): Promise<SecretsFile> {
    const text = await readTextIfExists(this.path)
    if (text === undefined) return { version: 1, cipher: this.cipher.id, entries: {} }
    let parsed: ReturnType<typeof SecretsFile.safeParse>
    try {
      parsed = SecretsFile.safeParse(JSON.parse(text))
    } catch {
      parsed = SecretsFile.safeParse(undefined)
    }
    if (!parsed.success) throw new AppError('io', `The secret store ${this.path} is damaged. Move it away and store the secrets again; Postdesk will not overwrite it.`, { path: this.path })
    if (parsed.data.cipher !== this.cipher.id) {
      throw new AppError('io', `The secret store ${this.path} was written with ${parsed.data.cipher}, not ${this.cipher.id}. Use the same protection as when the secrets were stored, or move the file away.`, { path: this.path })
    }
    return parsed.data
  }

  private async save(file: SecretsFile): Promise<void> {
    await ensurePrivateDir(this.dataDir)
    await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n')
  }
}
