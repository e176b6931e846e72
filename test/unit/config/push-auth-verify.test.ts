import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { changesDovecotAuth, installScript } from '../../../electron/services/config/push/install-script'
import type { InstallFile } from '../../../electron/services/config/push/install-types'
import { newPushId } from '../../../electron/services/config/push/push-paths'

const file = (path: string, owner: InstallFile['owner'], kind: string): InstallFile => ({ path, content: Buffer.from('x\n'), owner, kind, expectedSha256: null })
const SQL = file('/etc/dovecot/dovecot-sql.conf.ext', 'dovecot', 'dovecot-sql')
const CONF = file('/etc/dovecot/dovecot.conf', 'dovecot', 'dovecot')
const MAIN = file('/etc/postfix/main.cf', 'postfix', 'postfix-main')
const id = newPushId(new Date('2026-11-28T15:00:00Z'))
const shOk = (s: string) => spawnSync('sh', ['-n'], { input: s }).status === 0

describe('install script: Dovecot auth answers after a push that can change it', () => {
  it('a sql file push: the sample (quoted) is looked up before, and must be after the verify of Dovecot; never while restoring', () => {
    const s = installScript({ id, files: [SQL], authSample: "o'neil@example.test" })
    expect(shOk(s)).toBe(true)
    expect(changesDovecotAuth([SQL])).toBe(true)
    expect(s).toContain("AUTH_USER='o'\\''neil@example.test'")
    expect(s).toContain('[ "$DV_ON" = 1 ] && [ -n "$AUTH_USER" ] && auth_ok "$AUTH_USER" && AUTH_BEFORE=1')
    expect(s.indexOf('verify_auth || fail')).toBeGreaterThan(s.indexOf('verify_dv || fail'))
    expect(s.indexOf('verify_auth || fail')).toBeLessThan(s.indexOf('st new done'))
    const restore = s.slice(s.indexOf('fail() {'), s.indexOf('\n}\n', s.indexOf('fail() {')))
    expect(restore).not.toContain('verify_auth')
    expect(s).toContain('doveadm user -- "$1" >/dev/null 2>"$T/auth.err" && doveadm auth lookup -- "$1" >/dev/null')
  })

  it('dovecot.conf without a sample: the first user Dovecot lists; a Postfix-only push: no auth check', () => {
    const s = installScript({ id, files: [CONF] })
    expect(shOk(s)).toBe(true)
    expect(s).toContain("AUTH_USER=$(timeout 15 doveadm user '*' 2>/dev/null | head -n 1)")
    expect(s).toContain('verify_auth || fail')
    expect(changesDovecotAuth([MAIN])).toBe(false)
    expect(installScript({ id, files: [MAIN] })).not.toContain('verify_auth || fail')
    expect(changesDovecotAuth([file('/etc/dovecot/dovecot-dict-sql.conf.ext', 'dovecot', 'dovecot-dict-sql')])).toBe(false)
  })
})
