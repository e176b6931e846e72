import { afterEach, describe, expect, it } from 'vitest'
import { PasswordHashPool } from '../../../../electron/services/mail/passwords/password-hash-pool'
import { verifyPassword } from '../../../../electron/services/mail/passwords/verify-password'
import { WorkerPool } from '../../../../electron/services/mail/passwords/worker-pool'

type Req = { op: 'echo' | 'fail' | 'die' | 'slow'; value?: string }
const echoEntry = new URL('../../../fixtures/workers/echo-worker.ts', import.meta.url)
const pools: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

describe('WorkerPool', () => {
  it('spreads tasks over its workers and passes workerData', async () => {
    const pool = new WorkerPool<Req, string>({ entry: echoEntry, size: 2, workerData: { tag: 't' } })
    pools.push(pool)
    const out = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.run({ op: 'slow', value: String(i) })))
    expect(out.map((s) => s.split(':')[2])).toEqual(['0', '1', '2', '3', '4', '5'])
    expect(out.every((s) => s.startsWith('t:'))).toBe(true)
    expect(new Set(out.map((s) => s.split(':')[1])).size).toBe(2)
  }, 30_000)

  it("rejects with the worker's AppError (code and detail survive)", async () => {
    const pool = new WorkerPool<Req, string>({ entry: echoEntry, size: 1, workerData: { tag: 't' } })
    pools.push(pool)
    await expect(pool.run({ op: 'fail', value: 'v' })).rejects.toMatchObject({ code: 'conflict', message: 'asked to fail', detail: { value: 'v' } })
    await expect(pool.run({ op: 'echo', value: 'after' })).resolves.toMatch(/:after$/)
  }, 30_000)

  it('a worker that dies fails its task and is replaced', async () => {
    const pool = new WorkerPool<Req, string>({ entry: echoEntry, size: 1, workerData: { tag: 't' } })
    pools.push(pool)
    await expect(pool.run({ op: 'die' })).rejects.toMatchObject({ code: 'internal' })
    await expect(pool.run({ op: 'echo', value: 'again' })).resolves.toMatch(/:again$/)
  }, 30_000)

  it('close() rejects running and queued tasks, and later ones', async () => {
    const pool = new WorkerPool<Req, string>({ entry: echoEntry, size: 1, workerData: { tag: 't' } })
    const running = expect(pool.run({ op: 'slow' })).rejects.toMatchObject({ code: 'cancelled' })
    const queued = expect(pool.run({ op: 'echo' })).rejects.toMatchObject({ code: 'cancelled' })
    await pool.close()
    await running
    await queued
    await expect(pool.run({ op: 'echo' })).rejects.toMatchObject({ code: 'cancelled' })
  }, 30_000)
})

describe('PasswordHashPool', () => {
  it('hashes in input order with distinct salts, reporting progress', async () => {
    const pool = new PasswordHashPool({ size: 2 })
    pools.push(pool)
    const passwords = Array.from({ length: 40 }, (_, i) => `user${i}-Secret12`)
    const progress: number[] = []
    const hashes = await pool.hashMany(passwords, 'dovecot:SHA512-CRYPT', { batchSize: 7, onProgress: (d) => progress.push(d) })
    expect(hashes).toHaveLength(40)
    expect(new Set(hashes).size).toBe(40)
    for (const i of [0, 13, 39]) expect(await verifyPassword(passwords[i]!, hashes[i]!)).toBe(true)
    expect(await verifyPassword(passwords[1]!, hashes[0]!)).toBe(false)
    expect(progress.at(-1)).toBe(40)
    expect([...progress].sort((a, b) => a - b)).toEqual(progress)
  }, 60_000)

  it('refuses an encrypt setting it cannot compute before starting any work', async () => {
    const pool = new PasswordHashPool({ size: 1 })
    pools.push(pool)
    await expect(pool.hashMany(['a'], 'mysql_encrypt')).rejects.toMatchObject({ code: 'unsupported' })
  }, 30_000)
})
