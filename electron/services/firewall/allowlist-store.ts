import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { Allowlist, FirewallHistoryItem } from '../../../shared/domain/firewall'
import { AppError } from '../../../shared/errors'
import { writeFileAtomic } from '../storage/atomic-write'
import { Mutex } from '../storage/mutex'
import { ensurePrivateDir } from '../storage/private-dir'
import { readTextIfExists } from '../storage/read-text'

const StoredAllowlist = z.object({
  allowlist: Allowlist,
  /** The owned rule lines as Postdesk last confirmed them (rules outside this set were not written by Postdesk). */
  applied: z.array(z.string()).default([]),
  history: z.array(FirewallHistoryItem).default([]),
})
export type StoredAllowlist = z.infer<typeof StoredAllowlist>

const HISTORY_SIZE = 200

/** One JSON file per server in `<data dir>/firewall/`: the allowlist, what was last applied, and a history. */
export class AllowlistStore {
  private readonly dir: string
  private readonly mutex = new Mutex()

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'firewall')
  }

  read(server: string): Promise<StoredAllowlist> {
    return this.mutex.run(() => this.load(server))
  }

  update(server: string, change: (s: StoredAllowlist) => StoredAllowlist): Promise<StoredAllowlist> {
    return this.mutex.run(async () => {
      const next = StoredAllowlist.parse(change(await this.load(server)))
      next.history = next.history.slice(0, HISTORY_SIZE)
      await ensurePrivateDir(this.dir)
      await writeFileAtomic(this.path(server), JSON.stringify(next, null, 2) + '\n')
      return next
    })
  }

  /** Removes the server's file (its profile was removed); true when there was one. */
  forget(server: string): Promise<boolean> {
    return this.mutex.run(async () => {
      try {
        await unlink(this.path(server))
        return true
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
        throw e
      }
    })
  }

  private path(server: string): string {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(server)) throw new AppError('invalid-input', `Not a server id: ${server}`)
    return join(this.dir, `${server}.json`)
  }

  private async load(server: string): Promise<StoredAllowlist> {
    const text = await readTextIfExists(this.path(server))
    if (text === undefined) return { allowlist: Allowlist.parse({ server }), applied: [], history: [] }
    const parsed = StoredAllowlist.safeParse(JSON.parse(text))
    if (!parsed.success) throw new AppError('io', `The allowlist file of "${server}" is damaged: ${parsed.error.issues[0]?.message ?? ''}`)
    return parsed.data
  }
}
