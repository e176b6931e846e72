import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { NewServer, ServerProfile } from '../../../shared/domain/server'
import type { ProfileStore } from '../types'
import { writeFileAtomic } from '../storage/atomic-write'
import { Mutex } from '../storage/mutex'
import { ensurePrivateDir } from '../storage/private-dir'
import { readTextIfExists } from '../storage/read-text'
import { slugify, uniqueId } from './slugify'

export const PROFILES_FILE = 'profiles.json'

const ProfilesFile = z.object({ version: z.literal(1), servers: z.array(ServerProfile) })
type ProfilesFile = z.infer<typeof ProfilesFile>

/**
 * Server profiles in `profiles.json` (mode 0600, replaced atomically). A profile holds where and as whom
 * to connect and the key file's path, never a secret: parsing through NewServer drops any extra field.
 */
export class JsonProfileStore implements ProfileStore {
  readonly path: string
  private readonly mutex = new Mutex()

  constructor(
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = join(dataDir, PROFILES_FILE)
  }

  async list(): Promise<ServerProfile[]> {
    return (await this.load()).servers
  }

  async get(idOrName: string): Promise<ServerProfile> {
    const found = findProfile((await this.load()).servers, idOrName)
    if (!found) throw new AppError('not-found', `No server profile with the id or name "${idOrName}".`, { server: idOrName })
    return found
  }

  add(input: NewServer): Promise<ServerProfile> {
    return this.mutex.run(async () => {
      const parsed = NewServer.safeParse(input)
      if (!parsed.success) {
        throw new AppError('invalid-input', `Invalid server profile: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`)
      }
      const file = await this.load()
      const wanted = parsed.data.name.toLowerCase()
      const clash = file.servers.find((s) => s.name.toLowerCase() === wanted)
      if (clash) {
        throw new AppError('conflict', `A server profile named "${clash.name}" already exists; choose another name or remove that one first.`, { id: clash.id, name: clash.name })
      }
      const id = uniqueId(slugify(parsed.data.name), new Set(file.servers.map((s) => s.id)))
      const profile = ServerProfile.parse({ ...parsed.data, id, createdAt: this.now().toISOString() })
      await this.save({ ...file, servers: [...file.servers, profile] })
      return profile
    })
  }

  update(id: string, input: NewServer): Promise<ServerProfile> {
    return this.mutex.run(async () => {
      const parsed = NewServer.safeParse(input)
      if (!parsed.success) {
        throw new AppError('invalid-input', `Invalid server profile: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`)
      }
      const file = await this.load()
      const current = file.servers.find((s) => s.id === id)
      if (!current) throw new AppError('not-found', `No server profile with the id "${id}".`, { server: id })
      const wanted = parsed.data.name.toLowerCase()
      const clash = file.servers.find((s) => s.id !== id && s.name.toLowerCase() === wanted)
      if (clash) throw new AppError('conflict', `A server profile named "${clash.name}" already exists; choose another name.`, { id: clash.id, name: clash.name })
      const profile = ServerProfile.parse({ ...parsed.data, id, createdAt: current.createdAt })
      await this.save({ ...file, servers: file.servers.map((s) => (s.id === id ? profile : s)) })
      return profile
    })
  }

  remove(idOrName: string): Promise<boolean> {
    return this.mutex.run(async () => {
      const file = await this.load()
      const found = findProfile(file.servers, idOrName)
      if (!found) return false
      await this.save({ ...file, servers: file.servers.filter((s) => s.id !== found.id) })
      return true
    })
  }

  private async load(): Promise<ProfilesFile> {
    const text = await readTextIfExists(this.path)
    if (text === undefined) return { version: 1, servers: [] }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw corrupt(this.path, e instanceof Error ? e.message : String(e))
    }
    const parsed = ProfilesFile.safeParse(json)
    if (!parsed.success) {
      // where in the file, so that a hand edit (e.g. a mistyped logSource) can be found and fixed
      const issue = parsed.error.issues[0]
      throw corrupt(this.path, issue ? `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'unexpected shape')
    }
    return parsed.data
  }

  private async save(file: ProfilesFile): Promise<void> {
    await ensurePrivateDir(this.dataDir)
    await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n')
  }
}

/** By id first (ids are what the app passes around), then by name, case-insensitively. */
export function findProfile(servers: readonly ServerProfile[], idOrName: string): ServerProfile | undefined {
  const key = idOrName.trim()
  return servers.find((s) => s.id === key) ?? servers.find((s) => s.name.toLowerCase() === key.toLowerCase())
}

// Refuse rather than start over: silently dropping someone's server list would be worse than an error.
function corrupt(path: string, reason: string): AppError {
  return new AppError('io', `The server list ${path} is damaged (${reason}). Fix it by hand or move it away; Postdesk will not overwrite it.`, { path })
}
