import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** A fresh directory per call (a data dir, key files, ...), all removed after the file's tests (safe with concurrent tests). */
export function useTempDirs(): () => string {
  const made: string[] = []
  afterAll(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'postdesk-unit-'))
    made.push(d)
    return d
  }
}
