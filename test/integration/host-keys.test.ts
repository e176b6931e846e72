import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sha256Fingerprint } from '../../electron/services/ssh/fingerprint'
import type { AppError } from '../../shared/errors'
import { tempDataDir, vpsServices } from './support/vps-services'

describe('host key verification against the test mail server', () => {
  it('refuses an unknown key with host-key-unknown and the exact SHA256 fingerprint, storing nothing', async () => {
    const { conn, services, profile, dataDir, states } = await vpsServices()
    const e = (await services.connections.connect(profile.id).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('host-key-unknown')
    expect(e.detail).toEqual({ algorithm: 'ssh-ed25519', fingerprint: conn.hostKeySha256, host: conn.host, port: conn.port })
    expect(e.message).toContain(conn.hostKeySha256)
    expect(states()).toEqual(['connecting', 'offline'])
    expect(services.connections.status(profile.id).state).toBe('offline')
    expect(() => readFileSync(join(dataDir, 'known_hosts'))).toThrow()
  })

  it('refuses a different accepted fingerprint and stores nothing', async () => {
    const { conn, services, profile, dataDir } = await vpsServices()
    const wrong = `SHA256:${'A'.repeat(43)}`
    const e = (await services.connections.connect(profile.id, { acceptFingerprint: wrong }).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('host-key-unknown')
    expect(e.detail).toMatchObject({ fingerprint: conn.hostKeySha256, acceptedFingerprint: wrong })
    expect(() => readFileSync(join(dataDir, 'known_hosts'))).toThrow()
  })

  it('connects after accepting that fingerprint, stores it OpenSSH-style, journals it, and needs no acceptance next time', async () => {
    const { conn, services, profile, dataDir, states } = await vpsServices()
    const status = await services.connections.connect(profile.id, { acceptFingerprint: conn.hostKeySha256 })
    expect(status).toMatchObject({ serverId: profile.id, state: 'connected', hostKey: { algorithm: 'ssh-ed25519', fingerprint: conn.hostKeySha256 } })
    expect(states()).toEqual(['connecting', 'connected'])

    const knownHosts = join(dataDir, 'known_hosts')
    expect(readFileSync(knownHosts, 'utf8')).toBe(readFileSync(join(conn.keyPath, '../known_hosts'), 'utf8').trim().split(/\s+/).slice(0, 3).join(' ') + '\n')
    expect(execFileSync('ssh-keygen', ['-l', '-F', conn.host, '-f', knownHosts], { encoding: 'utf8' })).toContain(conn.hostKeySha256)

    const journal = await services.journal.list({ server: profile.id })
    expect(journal[0]).toMatchObject({ area: 'servers', action: 'accept-host-key', result: 'ok', target: `${conn.host} ssh-ed25519 ${conn.hostKeySha256}` })

    await services.connections.disconnect(profile.id)
    expect(services.connections.status(profile.id).state).toBe('offline')
    // A new app session over the same data dir: the stored key is enough.
    const again = await vpsServices({ dataDir })
    expect((await again.services.connections.connect(again.profile.id)).state).toBe('connected')
    await again.services.connections.disconnect(again.profile.id)
  })

  it('refuses a changed key with host-key-mismatch, never connects, even if the new fingerprint is offered for acceptance', async () => {
    const dataDir = tempDataDir()
    const wrongKey = join(dataDir, 'wrong')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey])
    const wrongLine = readFileSync(`${wrongKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2)
    const storedFingerprint = sha256Fingerprint(Buffer.from(wrongLine[1] ?? '', 'base64'))
    const { conn, services, profile, states } = await vpsServices({ dataDir })
    writeFileSync(join(dataDir, 'known_hosts'), `# mine\n${conn.host} ${wrongLine.join(' ')}\n`, { mode: 0o600 })

    for (const opts of [{}, { acceptFingerprint: conn.hostKeySha256 }]) {
      const e = (await services.connections.connect(profile.id, opts).catch((x: unknown) => x)) as AppError
      expect(e.code).toBe('host-key-mismatch')
      expect(e.detail).toMatchObject({ fingerprint: conn.hostKeySha256, storedFingerprint, line: 2, host: conn.host, port: conn.port, knownHostsPath: join(dataDir, 'known_hosts') })
      expect(e.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED')
      expect(e.message).toContain(storedFingerprint)
      expect(e.message).toContain(conn.hostKeySha256)
      expect(e.message).toMatch(/remove the old key in Postdesk/)
    }
    expect(states()).not.toContain('connected')
    expect(services.connections.status(profile.id).state).toBe('offline')
    await expect(services.connections.exec(profile.id, ['true'])).rejects.toMatchObject({ code: 'not-connected' })
    // The stored (wrong) key was left alone.
    expect(readFileSync(join(dataDir, 'known_hosts'), 'utf8')).toContain(wrongLine[1])

    // The way out: forget the old key, then accept the new one.
    expect(await services.connections.forgetHostKey(profile.id)).toEqual({ removed: 1 })
    expect(readFileSync(join(dataDir, 'known_hosts'), 'utf8')).toBe('# mine\n')
    expect((await services.connections.connect(profile.id, { acceptFingerprint: conn.hostKeySha256 })).state).toBe('connected')
    expect((await services.journal.list({ server: profile.id })).map((j) => j.action)).toEqual(['accept-host-key', 'forget-host-key', 'add'])
  })
})

describe('authentication against the test mail server', () => {
  it('reports a key the server does not accept as auth-failed, saying what was tried', async () => {
    const dataDir = tempDataDir()
    const keyPath = join(dataDir, 'id_unknown')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath])
    const { conn, services, profile } = await vpsServices({ dataDir, keyPath })
    const e = (await services.connections.connect(profile.id, { acceptFingerprint: conn.hostKeySha256 }).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('auth-failed')
    expect(e.message).toContain(`Tried: publickey (ssh-ed25519 key ${keyPath})`)
    expect(e.message).toContain(`~${conn.user}/.ssh/authorized_keys`)
    expect(e.detail).toMatchObject({ triedMethods: ['publickey'], serverMethods: expect.arrayContaining(['publickey']) })
    expect(services.connections.status(profile.id).state).toBe('offline')
  })
})
