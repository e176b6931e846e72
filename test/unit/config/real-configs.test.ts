import { describe, expect, it } from 'vitest'
import type { ConfigFile } from '../../../shared/config/config-set'
import { lintConfigSet } from '../../../shared/config/lint-config-set'
import { parseMainCf } from '../../../shared/config/postfix/main-cf-parser'
import { parseMasterCf } from '../../../shared/config/postfix/master-cf-parser'
import { readDovecotLines } from '../../../shared/config/dovecot/dovecot-lines'
import { brief } from './lint-helpers'
import { fixtureFiles } from './fixture-set'

const errors = (files: ConfigFile[], opts: { postfixVersion?: string; dovecotVersion?: string; complete?: boolean } = {}) =>
  lintConfigSet({ files, ...opts }).findings.filter((f) => f.severity === 'error').map((f) => `${brief(f)} ${f.message}`)

describe('Debian 12 package configs (false-positive test)', () => {
  const files = fixtureFiles('debian-12')
  const text = (p: string) => files.find((f) => f.path === p)!.text

  it('every Postfix and Dovecot file parses without a syntax problem', () => {
    for (const f of files) {
      if (/main\.cf/.test(f.path)) expect(parseMainCf(f.text).problems, f.path).toEqual([])
      else if (/master\.cf/.test(f.path)) expect(parseMasterCf(f.text).problems, f.path).toEqual([])
      else if (/dovecot/.test(f.path)) expect(readDovecotLines(f.text).problems, f.path).toEqual([])
    }
    expect(parseMasterCf(text('/usr/share/postfix/master.cf.dist')).entries.length).toBeGreaterThan(20)
  })

  it('upstream main.cf.dist + master.cf.dist: no errors', () => {
    expect(errors([
      { path: '/etc/postfix/main.cf', text: text('/usr/share/postfix/main.cf.dist') },
      { path: '/etc/postfix/master.cf', text: text('/usr/share/postfix/master.cf.dist') },
    ])).toEqual([])
  })

  it("Debian's generated main.cf (main.cf.debian + main.cf.tls, as postinst builds it) + master.cf: no errors", () => {
    expect(errors([
      { path: '/etc/postfix/main.cf', text: text('/usr/share/postfix/main.cf.debian') + text('/usr/share/postfix/main.cf.tls') },
      { path: '/etc/postfix/master.cf', text: text('/usr/share/postfix/master.cf.dist') },
      { path: '/etc/postfix/dynamicmaps.cf', text: text('/usr/share/postfix/dynamicmaps.cf') },
    ])).toEqual([])
  })

  it('the whole /etc/dovecot tree with protocols.d: no errors, even as a complete set', () => {
    const dovecot = files.filter((f) => f.path.startsWith('/etc/dovecot/') || f.path.startsWith('/usr/share/dovecot/'))
    expect(dovecot.length).toBeGreaterThan(30)
    expect(errors(dovecot, { complete: true })).toEqual([])
    const r = lintConfigSet({ files: dovecot })
    expect(r.files.filter((f) => f.kind === 'unknown')).toEqual([])
  })
})

describe('the test mail server (snapshot of /etc/postfix, /etc/dovecot, config.local.php)', () => {
  const files = fixtureFiles('test-server-debian12')

  it('no errors and no warnings, as a complete set', () => {
    const r = lintConfigSet({ files, complete: true, postfixVersion: '3.7.11', dovecotVersion: '2.3.19.1' })
    expect(r.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([])
    expect(r.files.find((f) => f.path === '/etc/postfix/sql/mysql_virtual_mailbox_maps.cf')).toMatchObject({ kind: 'postfix-db-map', mapType: 'mysql' })
    expect(r.files.find((f) => f.path === '/etc/dovecot/dovecot-sql.conf.ext')?.kind).toBe('dovecot-sql')
  })
})

describe("the reference notes' CentOS 6 server (seed)", () => {
  const files = fixtureFiles('seed-centos6').map((f) => ({ ...f, path: f.path.endsWith('.php') ? '/usr/share/postfixadmin/config.local.php' : f.path.endsWith('.conf') ? '/etc/dovecot/dovecot.conf' : `/etc/postfix${f.path}` }))
  const lint = (postfixVersion: string, dovecotVersion: string) => lintConfigSet({ files, postfixVersion, dovecotVersion }).findings
  const at = (code: string, fs = lint('2.6.6', '2.3.19.1')) => fs.filter((f) => f.code === code).map(brief)

  it('finds the mail_location typo /home/maiuser vs virtual_mailbox_base /home/mailuser', () => {
    const f = lint('2.6.6', '2.2.10').find((x) => x.code === 'cross.mail-location-outside-base')!
    expect(brief(f)).toBe('/etc/dovecot/dovecot.conf:7:25 error cross.mail-location-outside-base')
    expect(f.message).toContain('"maiuser" looks like a typo of "mailuser"')
    expect(f.endColumn).toBe(44)
    expect(f.hint).toBe('Make both the same directory, e.g. mail_location = maildir:/home/mailuser/%d/%n')
    expect(f.related?.[0]).toMatchObject({ file: '/etc/postfix/main.cf', line: 20, column: 39 })
  })

  it('reject_invalid_hostname is deprecated (renamed in Postfix 2.3)', () => {
    expect(at('postfix.deprecated-restriction')).toEqual(['/etc/postfix/main.cf:66:39 warning postfix.deprecated-restriction'])
  })

  it('a URI blocklist used as a client blocklist and a superseded Spamhaus zone; spamcop and all.rbl.jp are fine', () => {
    expect(at('postfix.uri-blocklist-as-dnsbl')).toEqual(['/etc/postfix/main.cf:60:57 warning postfix.uri-blocklist-as-dnsbl'])
    expect(at('postfix.dnsbl-replaced')).toEqual(['/etc/postfix/main.cf:61:57 warning postfix.dnsbl-replaced'])
    expect(at('postfix.dnsbl-retired')).toEqual([])
  })

  it('SSLv2/SSLv3 are disabled everywhere: no TLS protocol finding on either product', () => {
    expect(lint('2.6.6', '2.2.10').filter((f) => /insecure-tls/.test(f.code))).toEqual([])
  })

  it('ssl_protocols is flagged only when the Dovecot is 2.3', () => {
    expect(at('dovecot.obsolete-setting', lint('2.6.6', '2.2.10'))).toEqual([])
    expect(at('dovecot.obsolete-setting', lint('3.7.11', '2.3.19.1'))).toEqual(['/etc/dovecot/dovecot.conf:160:1 warning dovecot.obsolete-setting'])
  })

  it('what postconf itself warns about: virtual_mailbox_limit_maps (not Postfix), dovecot_destination_recipient_limit (no dovecot service)', () => {
    expect(at('postfix.unknown-parameter')).toEqual(['/etc/postfix/main.cf:22:1 warning postfix.unknown-parameter'])
    expect(at('postfix.unused-transport-parameter')).toEqual(['/etc/postfix/main.cf:28:1 warning postfix.unused-transport-parameter'])
  })

  it('the no-break spaces the web page left: one error per pasted run, at its exact place', () => {
    const nbsp = lint('2.6.6', '2.2.10').filter((f) => f.code === 'text.lookalike-space')
    expect(nbsp.filter((f) => f.file.endsWith('main.cf')).length).toBe(55)
    expect(nbsp.filter((f) => f.file.endsWith('master.cf')).length).toBe(32)
    expect(nbsp.filter((f) => f.file.endsWith('dovecot.conf')).length).toBe(78)
    expect(nbsp.filter((f) => f.file.endsWith('.php')).map((f) => f.line)).toEqual([38, 38, 39, 39, 40, 40])
    expect(nbsp.filter((f) => f.file === '/etc/postfix/main.cf').slice(0, 2).map((f) => `${f.line}:${f.column}-${f.endColumn}`)).toEqual(['2:16-32', '3:15-32'])
  })

  it('no other errors: CRAM-MD5 logins match dovecot:CRAM-MD5 passwords, SASL and LMTP sockets match', () => {
    const other = lint('2.6.6', '2.2.10').filter((f) => f.severity === 'error' && f.code !== 'text.lookalike-space')
    expect(other.map(brief)).toEqual(['/etc/dovecot/dovecot.conf:7:25 error cross.mail-location-outside-base'])
  })
})
