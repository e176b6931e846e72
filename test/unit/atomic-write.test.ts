import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../electron/services/storage/atomic-write'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

describe('writeFileAtomic', () => {
  it('replaces the file with mode 0600 and leaves no temp file behind', async () => {
    const dir = tempDir()
    const file = join(dir, 'x.json')
    writeFileSync(file, 'old', { mode: 0o644 })
    await writeFileAtomic(file, 'new')
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['x.json'])
  })

  it('fails with io naming the file when the directory does not exist, and creates nothing', async () => {
    const dir = join(tempDir(), 'missing')
    await expect(writeFileAtomic(join(dir, 'x.json'), 'data')).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('x.json') })
    expect(existsSync(dir)).toBe(false)
  })

  it('never lets a reader see a partial file, even when the writer is killed mid-write', async () => {
    const dir = tempDir()
    const file = join(dir, 'profiles.json')
    const size = 2_000_000
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/atomic-writer-child.ts'), file, String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve())
      child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)))
    })
    let reads = 0
    const until = Date.now() + 1500
    while (Date.now() < until) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { fill: string }
      expect(parsed.fill.length).toBe(size)
      expect(parsed.fill[0] === 'a' || parsed.fill[0] === 'b').toBe(true)
      reads++
      await new Promise((r) => setImmediate(r))
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect(reads).toBeGreaterThan(10)
    expect((JSON.parse(readFileSync(file, 'utf8')) as { fill: string }).fill.length).toBe(size)
  }, 20_000)
})
