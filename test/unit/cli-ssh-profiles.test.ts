import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runPostdesk } from './support/run-postdesk'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

describe('postdesk server add / secret / import-ssh-config', { timeout: 60_000 }, () => {
  it('adds a profile with auth order, jump hosts and sudo mode; stores a secret from stdin without echoing it anywhere', async () => {
    const home = tempDir()
    const add = await runPostdesk(home, ['server', 'add', 'Mail', '--host', 'mail.example.jp', '--user', 'admin', '--key', '/k/id', '--auth', 'agent,publickey,password', '--jump', 'ops@bastion.example:2222', '--sudo', 'sudo-S', '--json'])
    expect(add.stderr).toBe('')
    expect(JSON.parse(add.stdout)).toMatchObject({ id: 'mail', authMethods: ['agent', 'publickey', 'password'], jumpHosts: [{ host: 'bastion.example', port: 2222, user: 'ops' }], sudo: 'sudo-S' })

    const secret = 'S3cret «ü» $(x) `y`'
    const set = await runPostdesk(home, ['server', 'secret', 'mail', '--kind', 'sudo', '--json'], { input: `${secret}\n` })
    expect(set.code).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({ id: 'mail', kind: 'sudo', stored: true, kinds: ['sudo'] })
    for (const f of ['profiles.json', 'secrets.json', 'journal.jsonl']) {
      let text = ''
      try {
        text = readFileSync(join(home, f), 'utf8')
      } catch {
        // not written
      }
      expect(text).not.toContain('S3cret')
    }
    expect(set.stdout + set.stderr).not.toContain('S3cret')
    const cleared = await runPostdesk(home, ['server', 'secret', 'mail', '--kind', 'sudo', '--clear', '--json'])
    expect(JSON.parse(cleared.stdout)).toMatchObject({ removed: 1, kinds: [] })
    const empty = await runPostdesk(home, ['server', 'secret', 'mail', '--kind', 'password'], { input: '' })
    expect(empty).toMatchObject({ code: 1, stderr: expect.stringContaining('nothing stored') })
    const bad = await runPostdesk(home, ['server', 'secret', 'mail', '--kind', 'pin'])
    expect(bad.code).toBe(2)
  })

  it('refuses a hop without a user, and a secret given on the command line has no option to go to', async () => {
    const home = tempDir()
    const r = await runPostdesk(home, ['server', 'add', 'X', '--host', 'h.example', '--user', 'u', '--key', '/k', '--jump', 'bastion'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/jump host is user@host/)
    const argv = await runPostdesk(home, ['server', 'secret', 'X', '--kind', 'password', '--value', 'oops'])
    expect(argv.code).toBe(2)
  })

  it('imports hosts from an ssh config file (list, then add; existing names are skipped)', async () => {
    const home = tempDir()
    const dir = tempDir()
    mkdirSync(join(dir, 'conf.d'))
    const cfg = join(dir, 'config')
    writeFileSync(cfg, `Host mail\n  HostName 192.0.2.10\n  User root\n  Port 2200\n  IdentityFile ${dir}/id\n  ProxyJump jump@192.0.2.1:22\nHost web\n  HostName 192.0.2.20\n  User www\n`)
    const list = await runPostdesk(home, ['server', 'import-ssh-config', '--file', cfg, '--list', '--json'])
    expect(JSON.parse(list.stdout).hosts.map((h: { alias: string }) => h.alias)).toEqual(['mail', 'web'])
    const text = await runPostdesk(home, ['server', 'import-ssh-config', '--file', cfg, '--list'])
    expect(text.stdout).toMatch(/mail\s+root@192\.0\.2\.10:2200\s+jump@192\.0\.2\.1:22/)
    const r = await runPostdesk(home, ['server', 'import-ssh-config', 'mail', '--file', cfg, '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ added: [{ id: 'mail', host: '192.0.2.10', port: 2200, user: 'root', keyPath: `${dir}/id`, jumpHosts: [{ host: '192.0.2.1', user: 'jump', port: 22 }] }], skipped: [] })
    const again = await runPostdesk(home, ['server', 'import-ssh-config', '--file', cfg])
    expect(again.stdout).toContain('Skipped "mail"')
    expect(again.stdout).toContain('Added "web"')
  })
})
