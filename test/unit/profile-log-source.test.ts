// The log view's source kept in the server profile: an optional `logSource` (absent = auto) that old
// profiles.json files load without, that a bad value is refused for with a message naming the field
// and the choices, and that the real store writes and removes. Also: an update that changes only the
// log source is told apart from one that changes how the server is reached.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { onlyLogSourceChanged } from '../../electron/services/profiles/profile-changes'
import { JsonProfileStore } from '../../electron/services/profiles/profile-store'
import { logSourceOf, NewServer, ServerProfile } from '../../shared/domain/server'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
const base = { name: 'Main VPS', host: 'mail.example.com', port: 22, user: 'admin', keyPath: '/home/me/.ssh/id_ed25519' }

describe('ServerProfile.logSource', () => {
  it('is optional: a profile without it parses unchanged and reads as auto', () => {
    const p = ServerProfile.parse({ ...base, id: 'main-vps', createdAt: '2026-01-02T03:04:05.000Z' })
    expect('logSource' in p).toBe(false)
    expect(logSourceOf(p)).toBe('auto')
  })

  it('keeps auto, journal and file', () => {
    for (const logSource of ['auto', 'journal', 'file'] as const) {
      const p = NewServer.parse({ ...base, logSource })
      expect([p.logSource, logSourceOf(p)]).toEqual([logSource, logSource])
    }
  })

  it('refuses any other value, naming the field and the choices', () => {
    for (const bad of ['syslog', 'Journal', '', 1, null]) {
      const r = NewServer.safeParse({ ...base, logSource: bad })
      expect(r.success, String(bad)).toBe(false)
      expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['logSource', 'must be one of auto, file, journal']])
    }
  })
})

describe('JsonProfileStore and logSource', () => {
  it('loads a profiles.json written before the field existed, and adds the field only when a source is saved', async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const store = new JsonProfileStore(dir)
    const old = { version: 1, servers: [{ ...base, id: 'main-vps', createdAt: '2025-06-01T00:00:00.000Z' }] }
    writeFileSync(store.path, JSON.stringify(old, null, 2) + '\n')
    const [p] = await store.list()
    expect(p && logSourceOf(p)).toBe('auto')

    await store.update('main-vps', { ...base, logSource: 'journal' })
    const onDisk = () => (JSON.parse(readFileSync(store.path, 'utf8')) as typeof old).servers[0] as Record<string, unknown>
    expect(onDisk()['logSource']).toBe('journal')
    expect(logSourceOf(await store.get('main-vps'))).toBe('journal')
    // back to auto: saved as no field, the profile as it was written before
    await store.update('main-vps', base)
    expect(onDisk()).toEqual(old.servers[0])
  })

  it('refuses a mistyped logSource in the file with where it is and what it may be, and leaves the file alone', async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const store = new JsonProfileStore(dir)
    const text = JSON.stringify({ version: 1, servers: [{ ...base, id: 'main-vps', createdAt: '2025-06-01T00:00:00.000Z', logSource: 'syslog' }] })
    writeFileSync(store.path, text)
    await expect(store.list()).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('is damaged (servers.0.logSource: must be one of auto, file, journal)') })
    await expect(store.update('main-vps', { ...base, logSource: 'file' })).rejects.toMatchObject({ code: 'io' })
    expect(readFileSync(store.path, 'utf8')).toBe(text)
  })

  it('refuses a bad value given to add or update, the stored profile unchanged', async () => {
    const store = new JsonProfileStore(tempDir())
    await store.add(base)
    const bad = { ...base, logSource: 'syslog' } as unknown as NewServer
    await expect(store.update('main-vps', bad)).rejects.toMatchObject({ code: 'invalid-input', message: 'Invalid server profile: logSource: must be one of auto, file, journal' })
    await expect(store.add({ ...bad, name: 'Other' })).rejects.toMatchObject({ code: 'invalid-input' })
    expect(await store.list()).toHaveLength(1)
    expect(logSourceOf(await store.get('main-vps'))).toBe('auto')
  })
})

describe('onlyLogSourceChanged', () => {
  const p = ServerProfile.parse({ ...base, id: 'main-vps', createdAt: '2025-06-01T00:00:00.000Z', db: { host: '127.0.0.1' } })
  it('is true when nothing or only the log source differs', () => {
    expect(onlyLogSourceChanged(p, { ...p })).toBe(true)
    expect(onlyLogSourceChanged(p, { ...p, logSource: 'journal' })).toBe(true)
    expect(onlyLogSourceChanged({ ...p, logSource: 'file' }, p)).toBe(true)
  })
  it('is false when anything else differs too', () => {
    expect(onlyLogSourceChanged(p, { ...p, logSource: 'journal', db: { host: '10.0.0.1' } })).toBe(false)
    expect(onlyLogSourceChanged(p, { ...p, port: 2222 })).toBe(false)
    const { db: _db, ...noDb } = p
    expect(onlyLogSourceChanged(p, noDb)).toBe(false)
  })
})
