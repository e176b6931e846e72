// Bulk password hashing across worker threads (e.g. a CSV import of 1,000 mailboxes): batches of
// passwords go to a WorkerPool running hash-worker; results come back in input order.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { EncryptScheme } from '../../../../shared/mail/password-schemes'
import { requireEncryptScheme } from './hash-password'
import { siblingEntry, WorkerPool } from './worker-pool'

export interface HashBatch {
  passwords: string[]
  encrypt: EncryptScheme
}

export interface HashManyOptions {
  /** passwords per message to a worker (default 16) */
  batchSize?: number
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export const hashWorkerEntry = (): URL => siblingEntry(import.meta.url, 'hash-worker', existsSync)

export class PasswordHashPool {
  private readonly pool: WorkerPool<HashBatch, string[]>

  constructor(opts: { size?: number; entry?: URL } = {}) {
    // the main thread only posts batches and awaits: one worker per core, up to 4
    const size = opts.size ?? Math.max(1, Math.min(4, availableParallelism()))
    this.pool = new WorkerPool({ entry: opts.entry ?? hashWorkerEntry(), size })
  }

  get size(): number {
    return this.pool.size
  }

  /** Hashes every password per `encrypt` (validated before any work starts). */
  async hashMany(passwords: readonly string[], encrypt: string | EncryptScheme, opts: HashManyOptions = {}): Promise<string[]> {
    const scheme = requireEncryptScheme(encrypt)
    const batchSize = Math.max(1, opts.batchSize ?? 16)
    const out = new Array<string>(passwords.length)
    let done = 0
    const jobs: Promise<void>[] = []
    for (let start = 0; start < passwords.length; start += batchSize) {
      const batch = passwords.slice(start, start + batchSize)
      jobs.push(
        (async () => {
          opts.signal?.throwIfAborted()
          const hashes = await this.pool.run({ passwords: batch, encrypt: scheme })
          opts.signal?.throwIfAborted()
          hashes.forEach((h, i) => (out[start + i] = h))
          done += batch.length
          opts.onProgress?.(done, passwords.length)
        })(),
      )
    }
    await Promise.all(jobs)
    return out
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
