import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { loadConnection } from './support/vps'
import { tempDataDir } from './support/vps-services'

const conn = loadConnection()
const addArgs = (name: string) => ['server', 'add', name, '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath]

function expectOneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^postdesk: /)
  return lines[0] ?? ''
}

describe('postdesk CLI against the test mail server', () => {
  it('facts: refuses an unknown host key naming the fingerprint and the flag, then works with --accept-host-key --json', async () => {
    const home = tempDataDir()
    expect((await runPostdesk(home, addArgs('vps'))).code).toBe(0)

    const refused = await runPostdesk(home, ['facts', 'vps'])
    expect(refused.code).toBe(1)
    const line = expectOneLine(refused.stderr)
    expect(line).toContain(conn.hostKeySha256)
    expect(line).toContain(`--accept-host-key ${conn.hostKeySha256}`)

    const ok = await runPostdesk(home, ['facts', 'vps', '--accept-host-key', conn.hostKeySha256, '--json'])
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    const out = JSON.parse(ok.stdout)
    expect(out).toMatchObject({ server: 'vps', hostKey: { algorithm: 'ssh-ed25519', fingerprint: conn.hostKeySha256 } })
    expect(out.facts).toMatchObject({ os: { id: 'debian', version: '12' }, initSystem: 'sysv', postfixadmin: { schemaVersion: 1847 }, mailLog: '/var/log/mail.log' })

    // The key is now stored: no flag needed, human output.
    const human = await runPostdesk(home, ['facts', 'vps'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^Init system\s+sysv$/m)
    expect(human.stdout).toMatch(/^Host key\s+ssh-ed25519 SHA256:/m)
  })

  it('server add --accept-host-key verifies and stores the key in one go', async () => {
    const home = tempDataDir()
    const r = await runPostdesk(home, [...addArgs('vps'), '--accept-host-key', conn.hostKeySha256, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'vps', hostKey: { fingerprint: conn.hostKeySha256 } })
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).toMatch(new RegExp(`^${conn.host.replace(/\./g, '\\.')} ssh-ed25519 `))
    expect((await runPostdesk(home, ['facts', 'vps', '--json'])).code).toBe(0)
  })

  it('server add with a wrong --accept-host-key fails with one line and keeps nothing', async () => {
    const home = tempDataDir()
    const r = await runPostdesk(home, [...addArgs('vps'), '--accept-host-key', `SHA256:${'B'.repeat(43)}`])
    expect(r.code).toBe(1)
    expect(expectOneLine(r.stderr)).toMatch(new RegExp(`offers the ssh-ed25519 key ${conn.hostKeySha256.replace(/[+/]/g, '\\$&')}, not SHA256:B{43}.*was not added`))
    expect(JSON.parse((await runPostdesk(home, ['server', 'list', '--json'])).stdout)).toEqual([])
  })

  it('a changed host key: one line saying HOST KEY CHANGED with both fingerprints; forget-key is the way out', async () => {
    const home = tempDataDir()
    expect((await runPostdesk(home, addArgs('vps'))).code).toBe(0)
    const wrong = join(home, 'wrong')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong])
    writeFileSync(join(home, 'known_hosts'), `${conn.host} ${readFileSync(`${wrong}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')}\n`)

    const r = await runPostdesk(home, ['facts', 'vps', '--accept-host-key', conn.hostKeySha256, '--json'])
    expect(r.code).toBe(1)
    const line = expectOneLine(r.stderr)
    expect(line).toMatch(/HOST KEY CHANGED/)
    expect(line).toContain(`offered ${conn.hostKeySha256}`)
    expect(line).toContain('postdesk server forget-key vps')
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'host-key-mismatch' } })

    const forgot = await runPostdesk(home, ['server', 'forget-key', 'vps'])
    expect(forgot.code).toBe(0)
    expect(forgot.stdout).toMatch(/^Forgot 1 host key /)
    expect((await runPostdesk(home, ['facts', 'vps', '--accept-host-key', conn.hostKeySha256])).code).toBe(0)
  })
})
