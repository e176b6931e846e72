import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppError } from '../../shared/errors'
import { createTestUser, killPids, signalSshd, type TestUser } from './support/vps-admin'
import { vpsServices, type VpsServices } from './support/vps-services'
import { loadConnection } from './support/vps'

// Root through sudo (NOPASSWD and password variants, made here and removed afterwards), SFTP reads,
// atomic writes that keep owner and mode, and what a cut connection leaves behind.
const conn = loadConnection()
const SUDO_PW = `sudo-${randomBytes(6).toString('hex')}-"'$x`
const dir = `/var/tmp/postdesk-it-${randomBytes(4).toString('hex')}`
let pwUser: TestUser
let nopwUser: TestUser
let rootVps: VpsServices

beforeAll(async () => {
  pwUser = createTestUser({ password: SUDO_PW, sudo: 'password' })
  nopwUser = createTestUser({ password: randomBytes(8).toString('hex'), sudo: 'nopasswd' })
  // A directory only root may write, holding a file owned by another user with a special mode.
  mkdirSync(dir, { mode: 0o755 })
  writeFileSync(join(dir, 'owned.cf'), 'old\n')
  chownSync(join(dir, 'owned.cf'), 8, 12) // mail:man on Debian: not root, not the login user
  chmodSync(join(dir, 'owned.cf'), 0o640)
  rootVps = await vpsServices({ name: 'root' })
  await rootVps.services.connections.connect(rootVps.profile.id, { acceptFingerprint: conn.hostKeySha256 })
})
afterAll(() => {
  pwUser?.remove()
  nopwUser?.remove()
  rmSync(dir, { recursive: true, force: true })
})

async function asUser(user: TestUser, sudo: 'none' | 'sudo-n' | 'sudo-S', secret?: string) {
  const v = await vpsServices({ name: `${user.name}-${sudo}`, profile: { user: user.name, sudo } })
  if (secret) await v.services.secrets.set(v.profile.id, 'sudo', secret)
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })
  return v
}

describe('root commands', () => {
  it('runs as root when logged in as root (sudo mode none)', async () => {
    expect((await rootVps.services.connections.execAsRoot(rootVps.profile.id, ['id', '-u'])).stdout).toBe('0\n')
  })

  it('uses sudo -n with a NOPASSWD rule, passing stdin through to the command', async () => {
    const v = await asUser(nopwUser, 'sudo-n')
    expect((await v.services.connections.execAsRoot(v.profile.id, ['id', '-u'])).stdout).toBe('0\n')
    const r = await v.services.connections.execAsRoot(v.profile.id, ['cat'], { stdin: 'through sudo\n' })
    expect(r).toEqual({ code: 0, stdout: 'through sudo\n', stderr: '' })
    expect((await v.services.connections.execAsRoot(v.profile.id, ['sh', '-c', 'echo err >&2; exit 4'])).stderr).toBe('err\n')
  })

  it('says sudo needs a password when the rule wants one and the mode is sudo -n', async () => {
    const v = await asUser(pwUser, 'sudo-n')
    const e = (await v.services.connections.execAsRoot(v.profile.id, ['id', '-u']).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('sudo-password-required')
    expect(e.message).toMatch(/NOPASSWD/)
  })

  it('uses sudo -S with the stored password on stdin, never in argv (checked with ps while it runs), and stdin after it', async () => {
    const v = await asUser(pwUser, 'sudo-S', SUDO_PW)
    const id = v.profile.id
    const running = v.services.connections.execAsRoot(id, ['sh', '-c', 'sleep 1.5; id -u; cat'], { stdin: 'payload\n' })
    await new Promise((r) => setTimeout(r, 700))
    const ps = await rootVps.services.connections.exec(rootVps.profile.id, ['ps', '-eo', 'args', '--no-headers'])
    expect(ps.stdout).toContain('sleep 1.5')
    expect(ps.stdout).not.toContain(SUDO_PW.slice(0, 12))
    // Nor in any environment the server's processes got.
    const environ = execFileSync('sh', ['-c', `cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -F -- ${JSON.stringify(SUDO_PW.slice(0, 12))} || true`], { encoding: 'utf8' })
    expect(environ.trim()).toBe('0')
    expect(await running).toEqual({ code: 0, stdout: '0\npayload\n', stderr: '' })

    // With a NOPASSWD rule sudo does not prompt: the password must not leak into the command's stdin.
    const n = await asUser(nopwUser, 'sudo-S', 'unused-password')
    expect((await n.services.connections.execAsRoot(n.profile.id, ['cat'], { stdin: 'only this\n' })).stdout).toBe('only this\n')
  })

  it('reports a wrong or missing sudo password without the password anywhere', async () => {
    const v = await asUser(pwUser, 'sudo-S', 'wrong-sudo-password')
    const e = (await v.services.connections.execAsRoot(v.profile.id, ['id', '-u']).catch((x: unknown) => x)) as AppError
    expect(e.code).toBe('sudo-password-required')
    expect(JSON.stringify(e)).not.toContain('wrong-sudo-password')
    const none = await asUser(pwUser, 'sudo-S')
    await expect(none.services.connections.execAsRoot(none.profile.id, ['id'])).rejects.toMatchObject({ code: 'sudo-password-required', message: expect.stringContaining('none is stored') })
    for (const f of ['profiles.json', 'journal.jsonl', 'secrets.json']) expect(readFileSync(join(v.dataDir, f), 'utf8')).not.toContain('wrong-sudo-password')
  })

  it('stops a timed-out root command on the server (the kill goes through sudo too)', async () => {
    const v = await asUser(pwUser, 'sudo-S', SUDO_PW)
    await expect(v.services.connections.execAsRoot(v.profile.id, ['sleep', '977.5'], { timeoutMs: 1500 })).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('it was stopped') })
    // Neither the command nor the sudo that ran it is left ("977.[5]" does not match this grep itself).
    const left = await rootVps.services.connections.exec(rootVps.profile.id, ['sh', '-c', 'ps -eo args | grep "977.[5]" || echo none'])
    expect(left.stdout).toBe('none\n')
  })
})

describe('files', () => {
  it('reads over SFTP, and through sudo when the login user may not', async () => {
    expect((await rootVps.services.connections.readFile(rootVps.profile.id, join(dir, 'owned.cf'))).toString()).toBe('old\n')
    const plain = await asUser(nopwUser, 'none')
    await expect(plain.services.connections.readFile(plain.profile.id, '/etc/shadow')).rejects.toMatchObject({ code: 'permission-denied' })
    await expect(plain.services.connections.readFile(plain.profile.id, join(dir, 'nope'))).rejects.toMatchObject({ code: 'not-found' })
    const sudo = await asUser(pwUser, 'sudo-S', SUDO_PW)
    expect((await sudo.services.connections.readFile(sudo.profile.id, '/etc/shadow')).toString()).toContain(`${pwUser.name}:`)
  })

  it('writes atomically as root over SFTP, keeping owner and mode, leaving no temp file', async () => {
    const target = join(dir, 'owned.cf')
    const r = await rootVps.services.connections.writeFile(rootVps.profile.id, target, 'new by root\n')
    expect(r.via).toBe('sftp')
    expect(readFileSync(target, 'utf8')).toBe('new by root\n')
    const st = statSync(target)
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([8, 12, 0o640])
    expect(readdirSync(dir).filter((n) => n.includes('postdesk'))).toEqual([])
    // A new file gets the requested mode.
    await rootVps.services.connections.writeFile(rootVps.profile.id, join(dir, 'fresh'), 'x', { mode: 0o600 })
    expect(statSync(join(dir, 'fresh')).mode & 0o7777).toBe(0o600)
  })

  it('writes through sudo when the login user cannot write the directory, keeping owner and mode', async () => {
    const target = join(dir, 'owned.cf')
    const plain = await asUser(nopwUser, 'none')
    await expect(plain.services.connections.writeFile(plain.profile.id, target, 'nope')).rejects.toMatchObject({ code: 'permission-denied' })
    for (const [user, mode, secret] of [
      [nopwUser, 'sudo-n', undefined],
      [pwUser, 'sudo-S', SUDO_PW],
    ] as const) {
      const v = await asUser(user, mode, secret)
      const text = `written by ${user.name} via ${mode}\n`
      expect((await v.services.connections.writeFile(v.profile.id, target, text)).via).toBe('root')
      expect(readFileSync(target, 'utf8')).toBe(text)
      const st = statSync(target)
      expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([8, 12, 0o640])
    }
    expect(readdirSync(dir).filter((n) => n.includes('postdesk'))).toEqual([])
  })

  for (const how of ['sftp as root', 'sudo -S'] as const) {
    it(`a connection killed in the middle of a large write (${how}) leaves the old content, then a retry installs the new`, async () => {
      const target = join(dir, `big-${how.replace(/\W+/g, '-')}`)
      const old = Buffer.alloc(3 * 1024 * 1024, 'o')
      writeFileSync(target, old)
      const v = how === 'sudo -S' ? await asUser(pwUser, 'sudo-S', SUDO_PW) : await vpsServices({ name: `kill-${how}` })
      if (how !== 'sudo -S') await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })
      const big = randomBytes(96 * 1024 * 1024)
      const pids = await (await import('./support/vps-admin')).sshdPidsOf(v.services, v.profile.id)
      const writing = v.services.connections.writeFile(v.profile.id, target, big).then(
        () => 'finished',
        (e: AppError) => e.code,
      )
      // Wait until the temp file next to the target has started to grow, then cut the link.
      for (let i = 0; i < 400; i++) {
        const growing = readdirSync(dir).some((n) => n.startsWith(`.${target.split('/').pop()}.postdesk-`) && statSync(join(dir, n)).size > 0)
        if (growing) break
        await new Promise((r) => setTimeout(r, 10))
      }
      killPids(pids)
      const outcome = await writing
      expect(outcome).not.toBe('finished')
      const now = readFileSync(target)
      expect(now.equals(old)).toBe(true)
      // Leftovers of the cut write are temp files only (removed by the script's trap, or left by SFTP).
      for (const n of readdirSync(dir).filter((x) => x.includes('.postdesk-'))) rmSync(join(dir, n), { force: true }) // the trap may remove it first
      // The connection comes back by itself; the write then succeeds.
      await expect.poll(() => v.services.connections.status(v.profile.id).state, { timeout: 20_000 }).toBe('connected')
      const small = randomBytes(1024 * 1024)
      await v.services.connections.writeFile(v.profile.id, target, small)
      expect(readFileSync(target).equals(small)).toBe(true)
    })
  }
})

describe('hostile names and contents round-trip', () => {
  const names: (string | Buffer)[] = [
    "it's",
    '"double"',
    '$(touch postdesk-remote-pwned)',
    '`touch postdesk-remote-pwned`',
    'a;b && c | d',
    'line1\nline2',
    ' leading space',
    '-n',
    'ü日本語🙂',
    '\x01\x1b[31m',
    'x'.repeat(200),
    Buffer.from([0x6e, 0x6f, 0x6e, 0x2d, 0xff, 0xfe, 0x80, 0x2e, 0x63, 0x66]), // not UTF-8
  ]
  it('through SFTP (and the shell writer for non-UTF-8 names): names and bytes exactly', async () => {
    const id = rootVps.profile.id
    const c = rootVps.services.connections
    const hostileDir = join(dir, 'names')
    mkdirSync(hostileDir)
    for (const name of names) {
      const content = Buffer.concat([Buffer.from(typeof name === 'string' ? name : 'bytes'), Buffer.from([0, 0xff, 0x0a, 0x27, 0x22, 0x24]), randomBytes(5000)])
      const path = typeof name === 'string' ? join(hostileDir, name) : Buffer.concat([Buffer.from(hostileDir + '/'), name])
      await c.writeFile(id, path, content)
      // The file exists under exactly that name (read back by the local file system, which shares it).
      const local = typeof name === 'string' ? join(hostileDir, name) : Buffer.concat([Buffer.from(hostileDir + '/'), name])
      expect(readFileSync(local).equals(content)).toBe(true)
      expect((await c.readFile(id, path)).equals(content)).toBe(true)
    }
    const listed = readdirSync(hostileDir, { encoding: 'buffer' }).map((b) => b.toString('latin1')).sort()
    expect(listed).toEqual(names.map((n) => (typeof n === 'string' ? Buffer.from(n) : n).toString('latin1')).sort())
    expect((await c.exec(id, ['sh', '-c', 'test -e ~/postdesk-remote-pwned && echo yes || echo no'])).stdout).toBe('no\n')
  })

  it('through exec: argv bytes that are not UTF-8, and output bytes, exactly', async () => {
    const raw = Buffer.from([0x41, 0xff, 0xfe, 0x0a, 0x27, 0x80, 0x24, 0x28])
    const r = await rootVps.services.connections.execBytes(rootVps.profile.id, ['printf', '%s', raw])
    expect(r.code).toBe(0)
    expect(r.stdout.equals(raw)).toBe(true)
    const cat = await rootVps.services.connections.execBytes(rootVps.profile.id, ['cat'], { stdin: raw })
    expect(cat.stdout.equals(raw)).toBe(true)
  })
})

describe('dead and killed links', () => {
  it('signalSshd finds the server side of the connection', async () => {
    const v = await vpsServices({ name: 'probe' })
    await v.services.connections.connect(v.profile.id, { acceptFingerprint: conn.hostKeySha256 })
    const pids = await signalSshd(v.services, v.profile.id, 'KILL')
    expect(pids.length).toBeGreaterThan(0)
    await v.services.connections.disconnect(v.profile.id)
  })
})
