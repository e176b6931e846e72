import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SnapshotStore } from '../../electron/services/config/workspace/snapshot-store'
import { createServices } from '../../electron/services/create-services'
import { FILE_SECRETS } from '../../electron/services/secrets/aes-file-cipher'
import { createHandlers } from '../../electron/main/handlers'
import { runPostdesk } from './support/run-postdesk'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

/** A server with everything the desktop keeps for it: secrets of each kind, config secrets, a configs workspace. */
async function seedServer(s: Awaited<ReturnType<typeof createServices>>, dataDir: string, name: string) {
  const p = await s.profiles.add({ name, host: `${name}.example.com`, port: 22, user: 'admin', keyPath: '/home/me/.ssh/id_ed25519' })
  await s.secrets.set(p.id, 'passphrase', `pass-${name}`)
  await s.secrets.set(p.id, 'db', `db-${name}`)
  // As the workspace stores them: SERVER/config/NAME (and the base of a value typed locally).
  await s.secrets.set(`${p.id}/config/etc/dovecot/dovecot-sql.conf.ext:connect-password`, 'password', `sql-${name}`)
  await s.secrets.set(`${p.id}/config-base/etc/postfix/mysql_virtual.cf:password`, 'password', `base-${name}`)
  const store = new SnapshotStore(dataDir, p.id)
  const obj = await store.putText('myhostname = mail.example.com\n')
  await store.writeState({ version: 1, server: p.id, pulledAt: new Date().toISOString(), baseSnapshot: null, catalogues: null, files: { '/etc/postfix/main.cf': { meta: { kind: 'postfix-main', owner: 'postfix' }, base: obj, local: obj, conflict: false, size: 30, hasSecrets: false } }, newOnServer: [] })
  await s.firewall.store.update(p.id, (x) => x) // its allowlist file, as the first save writes it
  expect(existsSync(join(dataDir, 'firewall', `${p.id}.json`))).toBe(true)
  expect(await s.configs.status(p.id)).toMatchObject({ pulledAt: expect.any(String), files: [{ path: '/etc/postfix/main.cf' }] })
  return p
}

const secretSlots = (dataDir: string) => Object.keys((JSON.parse(readFileSync(join(dataDir, FILE_SECRETS), 'utf8')) as { entries: Record<string, string> }).entries).sort()

describe('removing a server profile removes what the desktop kept for it', { timeout: 60_000 }, () => {
  it('servers.remove (app) and `server remove` (CLI): the configs workspace and every secret, config secrets included; other servers keep theirs', async () => {
    const dataDir = tempDir()
    const s = await createServices({ dataDir, version: 'test', harness: false, emit: () => undefined, env: { HOME: dataDir, USER: 'tester' }, userKnownHostsPath: null })
    const a = await seedServer(s, dataDir, 'alpha')
    const b = await seedServer(s, dataDir, 'bravo')
    const c = await seedServer(s, dataDir, 'charlie')
    expect(secretSlots(dataDir)).toHaveLength(12)

    // The app's IPC handler.
    const h = createHandlers(s, async () => false)
    expect(await h['servers.remove']({ id: a.id }, {} as never)).toEqual({ removed: true })
    expect(existsSync(join(dataDir, 'configs', a.id))).toBe(false)
    expect(existsSync(join(dataDir, 'configs', b.id))).toBe(true)
    expect(existsSync(join(dataDir, 'firewall', `${a.id}.json`))).toBe(false)
    expect(existsSync(join(dataDir, 'firewall', `${b.id}.json`))).toBe(true)
    expect(secretSlots(dataDir).filter((k) => k.startsWith(`${a.id}/`))).toEqual([])
    expect(await s.secrets.get(`${a.id}/config/etc/dovecot/dovecot-sql.conf.ext:connect-password`, 'password')).toBeUndefined()
    expect(await s.secrets.get(`${b.id}/config/etc/dovecot/dovecot-sql.conf.ext:connect-password`, 'password')).toBe('sql-bravo')
    // A profile added again under the same name starts with nothing pulled.
    const again = await s.profiles.add({ name: 'alpha', host: 'alpha.example.com', port: 22, user: 'admin', keyPath: '/k' })
    expect(again.id).toBe(a.id)
    expect((await s.configs.status(again.id)).pulledAt).toBeNull()
    await s.profiles.remove(again.id)
    await s.connections.closeAll()

    // The CLI over the same data dir.
    const r = await runPostdesk(dataDir, ['server', 'remove', 'bravo', '--yes', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ removed: true, id: b.id, name: 'bravo', secrets: 4, configsWorkspace: true, allowlist: true })
    const text = await runPostdesk(dataDir, ['server', 'remove', 'charlie', '--yes'])
    expect(text.stdout).toBe(`Removed server "charlie" (id ${c.id}), its 4 stored secrets, its configs workspace and its allowlist.\n`)
    expect(existsSync(join(dataDir, 'configs', b.id))).toBe(false)
    expect(existsSync(join(dataDir, 'configs', c.id))).toBe(false)
    expect(existsSync(join(dataDir, 'firewall', `${c.id}.json`))).toBe(false)
    expect(secretSlots(dataDir)).toEqual([])
  })
})
