import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JsonlActivityJournal } from '../../electron/services/journal/activity-journal'
import { JournaledProfileStore } from '../../electron/services/profiles/journaled-profile-store'
import { JsonProfileStore } from '../../electron/services/profiles/profile-store'
import { slugify, uniqueId } from '../../electron/services/profiles/slugify'
import type { NewServer } from '../../shared/domain/server'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
const server = (name: string, extra: Partial<NewServer> = {}): NewServer => ({ name, host: 'mail.example.com', port: 22, user: 'admin', keyPath: '/home/me/.ssh/id_ed25519', ...extra })

describe('slugify / uniqueId', () => {
  it('makes ServerId-shaped ids from any name', () => {
    expect(slugify('Main VPS')).toBe('main-vps')
    expect(slugify('  Café  Server!! ')).toBe('cafe-server')
    expect(slugify('本番サーバ')).toBe('server')
    expect(slugify('a'.repeat(100))).toHaveLength(63)
    expect(uniqueId('main-vps', new Set(['main-vps', 'main-vps-2']))).toBe('main-vps-3')
    expect(uniqueId('a'.repeat(63), new Set(['a'.repeat(63)]))).toBe('a'.repeat(61) + '-2')
  })
})

describe('JsonProfileStore', () => {
  it('adds, lists, gets by id or by name (case-insensitive), and removes', async () => {
    const store = new JsonProfileStore(tempDir(), () => new Date('2026-01-02T03:04:05Z'))
    const p = await store.add(server('Main VPS', { port: 2222, localAddress: '10.0.0.3' }))
    expect(p).toEqual({ ...server('Main VPS', { port: 2222, localAddress: '10.0.0.3' }), id: 'main-vps', createdAt: '2026-01-02T03:04:05.000Z' })
    expect(await store.list()).toEqual([p])
    expect(await store.get('main-vps')).toEqual(p)
    expect(await store.get('MAIN vps')).toEqual(p)
    await expect(store.get('nope')).rejects.toMatchObject({ code: 'not-found' })
    expect(await store.remove('Main VPS')).toBe(true)
    expect(await store.remove('Main VPS')).toBe(false)
    expect(await store.list()).toEqual([])
  })

  it('refuses a name that exists in another case with conflict', async () => {
    const store = new JsonProfileStore(tempDir())
    await store.add(server('Main VPS'))
    await expect(store.add(server('main vps'))).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('Main VPS') })
    expect(await store.list()).toHaveLength(1)
  })

  it('gives distinct names with the same slug distinct ids', async () => {
    const store = new JsonProfileStore(tempDir())
    const ids = [(await store.add(server('Main VPS'))).id, (await store.add(server('main_vps'))).id, (await store.add(server('本番'))).id, (await store.add(server('本番2'))).id]
    expect(ids).toEqual(['main-vps', 'main-vps-2', 'server', '2'])
  })

  it('validates input (host, user, port) with invalid-input', async () => {
    const store = new JsonProfileStore(tempDir())
    await expect(store.add(server('x', { host: 'bad host;rm' }))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('host') })
    await expect(store.add(server('x', { port: 70000 }))).rejects.toMatchObject({ code: 'invalid-input' })
  })

  it('stores no secrets: extra fields such as a password never reach the file', async () => {
    const dir = tempDir()
    const store = new JsonProfileStore(dir)
    const sneaky = { ...server('Main'), password: 'hunter2', passphrase: 'swordfish' } as NewServer
    const p = await store.add(sneaky)
    expect(Object.keys(p).sort()).toEqual(['createdAt', 'host', 'id', 'keyPath', 'name', 'port', 'user'])
    const text = readFileSync(store.path, 'utf8')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('swordfish')
  })

  it('keeps the file private (0600) in a private directory (0700)', async () => {
    const dir = join(tempDir(), 'data')
    const store = new JsonProfileStore(dir)
    await store.add(server('Main'))
    expect(statSync(store.path).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('serialises concurrent adds: none is lost', async () => {
    const store = new JsonProfileStore(tempDir())
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.add(server(`Server ${i}`))))
    expect((await store.list()).map((p) => p.name).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `Server ${i}`).sort())
  })

  it('refuses to work on a damaged file and leaves it untouched', async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const store = new JsonProfileStore(dir)
    writeFileSync(store.path, '{"version":1,"servers":[{"name":')
    await expect(store.list()).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('damaged') })
    await expect(store.add(server('x'))).rejects.toMatchObject({ code: 'io' })
    expect(readFileSync(store.path, 'utf8')).toBe('{"version":1,"servers":[{"name":')
  })
})

describe('JournaledProfileStore', () => {
  it('records adding and removing a profile in the journal (area servers, server = id)', async () => {
    const dir = tempDir()
    const journal = new JsonlActivityJournal(dir, () => undefined)
    const store = new JournaledProfileStore(new JsonProfileStore(dir), journal)
    await store.add(server('Main VPS'))
    await expect(store.add(server('MAIN VPS'))).rejects.toMatchObject({ code: 'conflict' })
    await store.remove('main-vps')
    const entries = await journal.list()
    expect(entries.map((e) => [e.server, e.area, e.action, e.result])).toEqual([
      ['main-vps', 'servers', 'remove', 'ok'],
      ['main-vps', 'servers', 'add', 'ok'],
    ])
    expect(entries[0]?.target).toBe('Main VPS (admin@mail.example.com:22)')
  })
})
