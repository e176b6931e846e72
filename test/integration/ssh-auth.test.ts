import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppError } from '../../shared/errors'
import { startExtraSshd, type ExtraSshd } from './support/extra-sshd'
import { createTestUser, type TestUser } from './support/vps-admin'
import { tempDataDir, vpsServices } from './support/vps-services'
import { loadConnection } from './support/vps'

// Every way to log in, against real sshds: the test server's own (keys), a second sshd inside its
// namespace with password and keyboard-interactive auth, and a host-side sshd as a jump host.
const conn = loadConnection()
const PASSPHRASE = 'correct horse battery staple «ü»'
const PASSWORD = "pw-'$(touch /tmp/pd-pwned)`x`;\"ü"
let user: TestUser
let keyDir: string
let lockedKey: string
let pwSshd: ExtraSshd
let bastion: ExtraSshd

beforeAll(async () => {
  keyDir = tempDataDir()
  lockedKey = join(keyDir, 'id_locked')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', lockedKey])
  user = createTestUser({ password: PASSWORD, authorizedKeys: [readFileSync(`${lockedKey}.pub`, 'utf8').trim()] })
  pwSshd = await startExtraSshd({ listen: conn.host, port: 2223, inNamespace: true, extraConfig: ['PasswordAuthentication yes', 'KbdInteractiveAuthentication yes', `AllowUsers ${user.name}`] })
  bastion = await startExtraSshd({ listen: conn.clientAddresses[0] as string, port: 2222 })
})
afterAll(async () => {
  await pwSshd?.stop()
  await bastion?.stop()
  user?.remove()
})

describe('private key with a passphrase', () => {
  it('says the passphrase is missing, refuses a wrong one, connects with the stored one', async () => {
    const v = await vpsServices({ profile: { user: user.name, keyPath: lockedKey, authMethods: ['publickey'] } })
    const id = v.profile.id
    const missing = (await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 }).catch((e: unknown) => e)) as AppError
    expect(missing).toMatchObject({ code: 'secret-missing', detail: { kind: 'passphrase' } })

    await v.services.secrets.set(id, 'passphrase', 'wrong passphrase')
    const wrong = (await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 }).catch((e: unknown) => e)) as AppError
    expect(wrong.code).toBe('auth-failed')
    expect(wrong.message).not.toContain('wrong passphrase')

    await v.services.secrets.set(id, 'passphrase', PASSPHRASE)
    expect((await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })).state).toBe('connected')
    expect((await v.services.connections.exec(id, ['id', '-un'])).stdout).toBe(`${user.name}\n`)
    for (const f of ['profiles.json', 'journal.jsonl', 'secrets.json']) expect(readFileSync(join(v.dataDir, f), 'utf8')).not.toContain('horse')
    await v.services.connections.disconnect(id)
  })
})

describe('ssh-agent', () => {
  it('logs in with a key held by a real ssh-agent (SSH_AUTH_SOCK), and says so when there is none', async () => {
    const dir = tempDataDir()
    const sock = join(dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' })
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100))
      // ssh-add reads the passphrase through SSH_ASKPASS when there is no terminal.
      const askpass = join(dir, 'askpass.sh')
      writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${PASSPHRASE}'\n`, { mode: 0o700 })
      execFileSync('ssh-add', [lockedKey], { env: { ...process.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdio: ['ignore', 'ignore', 'pipe'] })

      const v = await vpsServices({ env: { HOME: dir, SSH_AUTH_SOCK: sock }, profile: { user: user.name, authMethods: ['agent'] } })
      expect((await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })).state).toBe('connected')
      expect((await v.services.connections.exec(v.profile.id, ['id', '-un'])).stdout).toBe(`${user.name}\n`)
      await v.services.connections.disconnect(v.profile.id)

      const none = await vpsServices({ profile: { user: user.name, authMethods: ['agent'] } })
      await expect(none.services.connections.connect(none.profile.id, { acceptFingerprint: conn.hostKeySha256 })).rejects.toMatchObject({ code: 'secret-missing', message: expect.stringContaining('agent (no SSH_AUTH_SOCK)') })
    } finally {
      agent.kill()
    }
  })
})

describe('password and keyboard-interactive (a second sshd that allows them)', () => {
  for (const method of ['password', 'keyboard-interactive'] as const) {
    it(`logs in with ${method} and the stored password; a wrong one is auth-failed naming the method`, async () => {
      const v = await vpsServices({ profile: { host: conn.host, port: pwSshd.port, user: user.name, authMethods: [method] } })
      const id = v.profile.id
      await v.services.secrets.set(id, 'password', 'not-the-password')
      const e = (await v.services.connections.connect(id, { acceptFingerprint: pwSshd.fingerprint }).catch((x: unknown) => x)) as AppError
      expect(e.code).toBe('auth-failed')
      expect(e.detail?.['triedMethods']).toEqual([method])
      expect(e.message).toContain(`Tried: ${method}.`)
      expect(e.message).not.toContain('not-the-password')

      await v.services.secrets.set(id, 'password', PASSWORD)
      expect((await v.services.connections.connect(id)).state).toBe('connected')
      expect((await v.services.connections.exec(id, ['id', '-un'])).stdout).toBe(`${user.name}\n`)
      expect(existsSync('/tmp/pd-pwned')).toBe(false)
      await v.services.connections.disconnect(id)
    })
  }

  it('tries the methods in the profile order, skipping what it cannot try, and says all of it on failure', async () => {
    const stranger = join(keyDir, 'id_stranger')
    if (!existsSync(stranger)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger])
    const v = await vpsServices({ profile: { host: conn.host, port: pwSshd.port, user: user.name, keyPath: stranger, authMethods: ['agent', 'publickey', 'password'] } })
    await v.services.secrets.set(v.profile.id, 'password', 'wrong')
    const e = (await v.services.connections.connect(v.profile.id, { acceptFingerprint: pwSshd.fingerprint }).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('auth-failed')
    // A key the user has not authorised: publickey is tried and refused, then the (wrong) password.
    expect(e.detail).toMatchObject({ triedMethods: ['publickey', 'password'], skipped: ['agent (no SSH_AUTH_SOCK)'] })
    expect(e.message).toMatch(/Tried: publickey \(ssh-ed25519 key .*\), password\. Not tried: agent \(no SSH_AUTH_SOCK\)\./)
    await v.services.secrets.set(v.profile.id, 'password', PASSWORD)
    expect((await v.services.connections.connect(v.profile.id)).state).toBe('connected')
    await v.services.connections.disconnect(v.profile.id)
  })
})

describe('ProxyJump', () => {
  it('connects through a jump host, checking each host key on first use, and the server sees the jump host', async () => {
    const v = await vpsServices({ profile: { jumpHosts: [{ host: bastion.host, port: bastion.port, user: 'root' }] } })
    const id = v.profile.id
    const first = (await v.services.connections.connect(id).catch((e: unknown) => e)) as AppError
    expect(first).toMatchObject({ code: 'host-key-unknown', detail: { host: bastion.host, port: bastion.port, fingerprint: bastion.fingerprint } })
    const second = (await v.services.connections.connect(id, { acceptFingerprint: bastion.fingerprint }).catch((e: unknown) => e)) as AppError
    expect(second).toMatchObject({ code: 'host-key-unknown', detail: { host: conn.host, port: 22, fingerprint: conn.hostKeySha256 } })
    expect((await v.services.connections.connect(id, { acceptFingerprint: conn.hostKeySha256 })).state).toBe('connected')
    const seen = (await v.services.connections.exec(id, ['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.split(' ')
    expect(seen[0]).toBe(bastion.host)
    expect(seen[2]).toBe(conn.host)
    expect((await v.services.journal.list({ server: id })).filter((j) => j.action === 'accept-host-key').map((j) => j.target.split(' ')[0])).toEqual([conn.host, `[${bastion.host}]:${bastion.port}`])
    await v.services.connections.disconnect(id)
  })

  it('goes through several hops (bastion, then the server, then the server again) and says which hop failed', async () => {
    const dataDir = tempDataDir()
    writeFileSync(join(dataDir, 'known_hosts'), `[${bastion.host}]:${bastion.port} ssh-ed25519 ${readFileSync(join(bastion.dir, 'ssh_host_ed25519_key.pub'), 'utf8').split(/\s+/)[1]}\n${readFileSync(join(conn.keyPath, '../known_hosts'), 'utf8')}`)
    const hops = [
      { host: bastion.host, port: bastion.port, user: 'root' },
      { host: conn.host, port: 22, user: 'root' },
    ]
    const v = await vpsServices({ dataDir, profile: { jumpHosts: hops } })
    expect((await v.services.connections.connect(v.profile.id)).state).toBe('connected')
    expect((await v.services.connections.exec(v.profile.id, ['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.split(' ')[0]).toBe(conn.host)
    await v.services.connections.disconnect(v.profile.id)

    // A hop that cannot reach the next: the error names the jump chain.
    const bad = await vpsServices({ dataDir, name: 'bad hop', profile: { port: 2, jumpHosts: hops } })
    const e = (await bad.services.connections.connect(bad.profile.id).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('unreachable')
    expect(e.message).toContain(`via root@${bastion.host}:${bastion.port} -> root@${conn.host}:22`)
  })
})

describe("the user's ~/.ssh/known_hosts", () => {
  it('trusts a hashed entry there without asking, and writes nothing to it or to the app store', async () => {
    const dir = tempDataDir()
    const userKnown = join(dir, 'known_hosts')
    writeFileSync(userKnown, readFileSync(join(conn.keyPath, '../known_hosts')))
    execFileSync('ssh-keygen', ['-H', '-f', userKnown], { stdio: 'ignore' })
    const hashed = readFileSync(userKnown, 'utf8')
    expect(hashed).toMatch(/^\|1\|/)
    const v = await vpsServices({ userKnownHostsPath: userKnown })
    expect((await v.services.connections.connect(v.profile.id)).state).toBe('connected')
    await v.services.connections.disconnect(v.profile.id)
    expect(readFileSync(userKnown, 'utf8')).toBe(hashed)
    expect(existsSync(join(v.dataDir, 'known_hosts'))).toBe(false)
  })

  it('refuses a conflicting key there and says to run ssh-keygen -R on that file', async () => {
    const dir = tempDataDir()
    const other = join(dir, 'other')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
    const userKnown = join(dir, 'known_hosts')
    writeFileSync(userKnown, `${conn.host} ${readFileSync(`${other}.pub`, 'utf8').split(/\s+/).slice(0, 2).join(' ')}\n`)
    const v = await vpsServices({ userKnownHostsPath: userKnown })
    const e = (await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 }).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('host-key-mismatch')
    expect(e.detail).toMatchObject({ knownHostsPath: userKnown, line: 1 })
    expect(e.message).toContain(`ssh-keygen -R ${conn.host} -f ${userKnown}`)
  })
})
