import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ConfigOwner, LastPushInfo, Snapshot, SnapshotKind } from '../../../../shared/domain/config-workspace'
import { AppError } from '../../../../shared/errors'
import { writeFileAtomic } from '../../storage/atomic-write'
import { ioError } from '../../storage/io-error'
import { readTextIfExists } from '../../storage/read-text'

/**
 * One server's configs workspace on disk, under DATA/configs/SERVER/:
 *   objects/ab/cdef…   file texts (secrets masked), named by their sha256: content-addressed, so a
 *                      snapshot of 40 files where 1 changed adds one object, and identical texts are one file
 *   snapshots/ID.json  a snapshot: who, when, why, and path -> object (+ owner/mode) for every file
 *   workspace.json     the working state: per file the merge base and the local text (objects), conflict flags
 * Objects and snapshots are written first, workspace.json last (atomically): a crash leaves the old state.
 */
export const FileMeta = z.object({
  kind: z.string(),
  mapType: z.string().optional(),
  owner: ConfigOwner,
  mode: z.string().optional(),
  user: z.string().optional(),
  group: z.string().optional(),
  /** A lookup table of a *_password_maps parameter (its values are secrets). */
  passwordMap: z.boolean().optional(),
})
export type FileMeta = z.infer<typeof FileMeta>

const Sha = z.string().regex(/^[0-9a-f]{64}$/)

export const FileState = z.object({
  meta: FileMeta,
  /** The merge base: the pulled text, or the server's text seen by the last compare; null: not on the server. */
  base: Sha.nullable(),
  local: Sha,
  conflict: z.boolean(),
  size: z.number().int().nonnegative(),
  hasSecrets: z.boolean(),
  /** The server's text at the last compare (null: gone from the server). */
  remote: Sha.nullable().optional(),
  /** Secrets the user set locally (save) since the base: a different value on the server is then a conflict. */
  localSecrets: z.array(z.string()).optional(),
})
export type FileState = z.infer<typeof FileState>

export const WorkspaceState = z.object({
  version: z.literal(1),
  server: z.string(),
  pulledAt: z.string().nullable(),
  baseSnapshot: z.string().nullable(),
  /** Object holding the catalogues captured at pull time (JSON), null: none (bundled ones are used). */
  catalogues: Sha.nullable(),
  postfixVersion: z.string().optional(),
  dovecotVersion: z.string().optional(),
  files: z.record(z.string(), FileState),
  newOnServer: z.array(z.string()).default([]),
  lastCompareAt: z.string().optional(),
  /** Set while an install runs: after a dropped link, the next connection asks the server how it ended. */
  pushInFlight: z.object({ startedAt: z.string(), kind: SnapshotKind, paths: z.array(z.string()), message: z.string() }).optional(),
  lastPush: LastPushInfo.optional(),
})
export type WorkspaceState = z.infer<typeof WorkspaceState>

export const SnapshotRecord = Snapshot.extend({
  files: z.record(z.string(), z.object({ object: Sha, meta: FileMeta })),
  catalogues: Sha.nullable().optional(),
})
export type SnapshotRecord = z.infer<typeof SnapshotRecord>

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex')

export class SnapshotStore {
  readonly dir: string

  constructor(dataDir: string, serverId: string) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(serverId)) throw new AppError('invalid-input', `Not a server id: ${JSON.stringify(serverId).slice(0, 80)}`)
    this.dir = join(dataDir, 'configs', serverId)
  }

  private objectPath(sha: string): string {
    return join(this.dir, 'objects', sha.slice(0, 2), sha.slice(2))
  }

  /** Stores a text; returns its sha256 (the object's name). */
  async putText(text: string): Promise<string> {
    const sha = sha256(text)
    const path = this.objectPath(sha)
    try {
      await stat(path)
      return sha
    } catch {
      await mkdir(join(this.dir, 'objects', sha.slice(0, 2)), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
        throw ioError('create', this.dir, e)
      })
      await writeFileAtomic(path, text)
      return sha
    }
  }

  async getText(sha: string): Promise<string> {
    const text = await readTextIfExists(this.objectPath(sha))
    if (text === undefined) throw new AppError('io', `The configs workspace is missing object ${sha.slice(0, 12)} (${this.dir}); pull again.`)
    return text
  }

  async readState(): Promise<WorkspaceState | null> {
    const text = await readTextIfExists(join(this.dir, 'workspace.json'))
    if (text === undefined) return null
    let parsed: ReturnType<typeof WorkspaceState.safeParse>
    try {
      parsed = WorkspaceState.safeParse(JSON.parse(text))
    } catch {
      parsed = WorkspaceState.safeParse(undefined)
    }
    if (!parsed.success) throw new AppError('io', `The configs workspace state ${join(this.dir, 'workspace.json')} is damaged; move it away and pull again.`)
    return parsed.data
  }

  async writeState(state: WorkspaceState): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
      throw ioError('create', this.dir, e)
    })
    await writeFileAtomic(join(this.dir, 'workspace.json'), JSON.stringify(state, null, 1) + '\n')
  }

  /** A new snapshot id: sortable by time, unique. */
  static newId(kind: string, time = new Date()): string {
    return `${time.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${kind}-${randomBytes(3).toString('hex')}`
  }

  async addSnapshot(rec: SnapshotRecord): Promise<void> {
    await mkdir(join(this.dir, 'snapshots'), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
      throw ioError('create', this.dir, e)
    })
    await writeFileAtomic(join(this.dir, 'snapshots', `${rec.id}.json`), JSON.stringify(rec, null, 1) + '\n')
  }

  async getSnapshot(id: string): Promise<SnapshotRecord> {
    if (!Snapshot.shape.id.safeParse(id).success) throw new AppError('invalid-input', `Not a snapshot id: ${id.slice(0, 80)}`)
    const text = await readTextIfExists(join(this.dir, 'snapshots', `${id}.json`))
    if (text === undefined) throw new AppError('not-found', `No snapshot ${id} in this server's config history.`)
    const parsed = SnapshotRecord.safeParse(JSON.parse(text))
    if (!parsed.success) throw new AppError('io', `The snapshot ${id} is damaged.`)
    return parsed.data
  }

  /** Every snapshot, newest first. */
  async listSnapshots(): Promise<SnapshotRecord[]> {
    let names: string[]
    try {
      names = await readdir(join(this.dir, 'snapshots'))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw ioError('read', join(this.dir, 'snapshots'), e)
    }
    const out: SnapshotRecord[] = []
    for (const n of names.filter((x) => x.endsWith('.json'))) out.push(await this.getSnapshot(n.slice(0, -5)))
    return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.id < b.id ? 1 : -1))
  }
}
