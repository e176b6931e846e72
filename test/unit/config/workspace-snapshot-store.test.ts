import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sha256, SnapshotStore, type SnapshotRecord, type WorkspaceState } from '../../../electron/services/config/workspace/snapshot-store'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const meta = { kind: 'postfix-main', owner: 'postfix' as const, mode: '0644', user: 'root', group: 'root' }

function record(id: string, time: string, files: Record<string, string>): SnapshotRecord {
  return { id, kind: 'pull', time, author: 'me@desk (ssh root@vps)', message: 'm', changed: Object.keys(files), fileCount: Object.keys(files).length, files: Object.fromEntries(Object.entries(files).map(([p, o]) => [p, { object: o, meta }])), catalogues: null }
}

describe('configs snapshot store', () => {
  it('stores texts by content (one object for equal texts), private files, read back exactly', async () => {
    const dir = tempDir()
    const s = new SnapshotStore(dir, 'vps')
    const a = await s.putText('myhostname = a\n')
    expect(a).toBe(sha256('myhostname = a\n'))
    expect(await s.putText('myhostname = a\n')).toBe(a)
    const b = await s.putText('ünïcode = ✓\n')
    expect(await s.getText(a)).toBe('myhostname = a\n')
    expect(await s.getText(b)).toBe('ünïcode = ✓\n')
    const objects = join(s.dir, 'objects')
    const all = readdirSync(objects).flatMap((d) => readdirSync(join(objects, d)).map((f) => join(objects, d, f)))
    expect(all).toHaveLength(2)
    for (const f of all) expect(statSync(f).mode & 0o777).toBe(0o600)
    await expect(s.getText('0'.repeat(64))).rejects.toMatchObject({ code: 'io' })
  })

  it('keeps snapshots newest first and returns a snapshot file by id', async () => {
    const s = new SnapshotStore(tempDir(), 'vps')
    const o = await s.putText('x')
    await s.addSnapshot(record('20260101T000000Z-pull-aaaaaa', '2026-01-01T00:00:00.000Z', { '/etc/postfix/main.cf': o }))
    await s.addSnapshot(record('20260102T000000Z-push-bbbbbb', '2026-01-02T00:00:00.000Z', { '/etc/postfix/main.cf': o }))
    expect((await s.listSnapshots()).map((r) => r.id)).toEqual(['20260102T000000Z-push-bbbbbb', '20260101T000000Z-pull-aaaaaa'])
    expect((await s.getSnapshot('20260101T000000Z-pull-aaaaaa')).files['/etc/postfix/main.cf']?.object).toBe(o)
    await expect(s.getSnapshot('nope')).rejects.toMatchObject({ code: 'not-found' })
    await expect(s.getSnapshot('../../etc/passwd')).rejects.toMatchObject({ code: 'invalid-input' })
    expect(SnapshotStore.newId('pull', new Date('2026-11-28T11:07:32.123Z'))).toMatch(/^20261128T110732Z-pull-[0-9a-f]{6}$/)
  })

  it('writes the workspace state atomically and refuses a damaged one instead of overwriting it', async () => {
    const s = new SnapshotStore(tempDir(), 'vps')
    expect(await s.readState()).toBeNull()
    const st: WorkspaceState = { version: 1, server: 'vps', pulledAt: null, baseSnapshot: null, catalogues: null, files: {}, newOnServer: [] }
    await s.writeState(st)
    expect(await s.readState()).toEqual(st)
    writeFileSync(join(s.dir, 'workspace.json'), '{"version": 1, "files": 3')
    await expect(s.readState()).rejects.toMatchObject({ code: 'io' })
    expect(readFileSync(join(s.dir, 'workspace.json'), 'utf8')).toContain('"files": 3')
  })

  it('refuses server ids that would leave the data directory', () => {
    expect(() => new SnapshotStore(tempDir(), '../x')).toThrow(/Not a server id/)
  })
})
