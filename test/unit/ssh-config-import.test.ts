import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { candidatesFromText, parseJumpSpec, readSshConfigText } from '../../electron/services/ssh-config/ssh-config-import'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()

describe('ssh config import', () => {
  it('parses ProxyJump hops in every form', () => {
    expect(parseJumpSpec('bastion')).toEqual({ host: 'bastion' })
    expect(parseJumpSpec('admin@bastion.example:2222')).toEqual({ user: 'admin', host: 'bastion.example', port: 2222 })
    expect(parseJumpSpec('ssh://u@[2001:db8::1]:22')).toEqual({ user: 'u', host: '2001:db8::1', port: 22 })
    expect(parseJumpSpec(' me@10.0.0.1 ')).toEqual({ user: 'me', host: '10.0.0.1' })
  })

  it('resolves HostName, Port, User, IdentityFile and multi-hop ProxyJump (aliases resolved), with Include and Host * defaults', async () => {
    const home = tempDir()
    mkdirSync(join(home, '.ssh/conf.d'), { recursive: true })
    writeFileSync(
      join(home, '.ssh/config'),
      [
        'Include conf.d/*.conf',
        'Host mail',
        '  HostName mail.example.jp',
        '  Port 2200',
        '  User admin',
        '  IdentityFile ~/.ssh/id_mail',
        '  ProxyJump jump1,ops@10.0.0.9:2022',
        'Host jump1',
        '  HostName bastion.example.jp',
        '  User hop',
        '  IdentityFile %d/.ssh/id_jump',
        'Host *.internal !skip.internal',
        '  User wild',
        'Host legacy',
        '  HostName old.example',
        '  ProxyCommand nc %h %p',
        'Host *',
        '  User fallback',
        '  Port 22',
        '',
      ].join('\n'),
    )
    writeFileSync(join(home, '.ssh/conf.d/10-extra.conf'), 'Host extra\n  HostName 192.0.2.7\n  User root\n  IdentityFile ~/.ssh/id_extra\n')
    const text = await readSshConfigText(join(home, '.ssh/config'), { home, localUser: 'me' })
    const c = candidatesFromText(text, { home, localUser: 'me' })
    expect(c.map((x) => x.alias)).toEqual(['extra', 'mail', 'jump1', 'legacy'])
    const mail = c.find((x) => x.alias === 'mail')
    expect(mail?.profile).toEqual({
      name: 'mail',
      host: 'mail.example.jp',
      port: 2200,
      user: 'admin',
      keyPath: join(home, '.ssh/id_mail'),
      authMethods: ['publickey', 'agent'],
      jumpHosts: [
        { host: 'bastion.example.jp', port: 22, user: 'hop', keyPath: join(home, '.ssh/id_jump') },
        { host: '10.0.0.9', port: 2022, user: 'ops' },
      ],
    })
    expect(c.find((x) => x.alias === 'extra')?.profile).toMatchObject({ host: '192.0.2.7', user: 'root', port: 22, keyPath: join(home, '.ssh/id_extra') })
    // No IdentityFile and no default key: the agent; Host * gives the user.
    expect(c.find((x) => x.alias === 'legacy')).toMatchObject({ profile: { host: 'old.example', user: 'fallback', authMethods: ['agent'] }, problems: ['ProxyCommand is not supported (use ProxyJump)'] })
    // Only the named hosts.
    expect(candidatesFromText(text, { home, localUser: 'me' }, ['extra']).map((x) => x.alias)).toEqual(['extra'])
  })

  it('reports hosts that cannot become profiles, and never runs Match exec', () => {
    const c = candidatesFromText('Match exec "touch /tmp/pd-should-not-exist"\n  User x\nHost bad\n  HostName "not a host!"\n', { home: '/nonexistent', localUser: 'me' })
    expect(c[0]?.profile).toBeUndefined()
    expect(c[0]?.problems.join(' ')).toMatch(/host/)
  })
})
