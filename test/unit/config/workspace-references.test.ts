import { describe, expect, it } from 'vitest'
import { ownerOf, referencesOf } from '../../../electron/services/config/workspace/config-references'
import { parseFrames } from '../../../electron/services/config/workspace/remote-discovery'
import { parseDoveconfTop, workspaceCatalogues } from '../../../electron/services/config/workspace/server-catalogues'

describe('what a config file refers to (discovery on the server)', () => {
  it('main.cf: lookup tables with their types, $config_directory expanded, password maps flagged, non-file maps skipped', () => {
    const main = [
      'alias_maps = hash:/etc/aliases',
      'virtual_alias_maps = proxy:mysql:/etc/postfix/sql/mysql_virtual_alias_maps.cf, regexp:$config_directory/virtual.regexp',
      'smtpd_client_restrictions = check_client_access cidr:${config_directory}/access.cidr, permit',
      'smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd',
      'header_checks = pcre:/etc/postfix/header_checks',
      'transport_maps = inline:{ a.example = smtp:b }',
      'smtp_tls_session_cache_database = btree:${data_directory}/smtp_scache',
      '',
    ].join('\n')
    const refs = referencesOf('/etc/postfix/main.cf', 'postfix-main', main, '/etc/postfix').map((r) => [r.pattern, r.kind, r.mapType, r.passwordMap ?? false])
    expect(refs).toEqual([
      ['/etc/aliases', 'aliases', 'hash', false],
      ['/etc/postfix/sql/mysql_virtual_alias_maps.cf', 'postfix-db-map', 'mysql', false],
      ['/etc/postfix/virtual.regexp', 'postfix-map', 'regexp', false],
      ['/etc/postfix/access.cidr', 'postfix-map', 'cidr', false],
      ['/etc/postfix/sasl_passwd', 'postfix-map', 'hash', true],
      ['/etc/postfix/header_checks', 'postfix-map', 'pcre', false],
    ])
  })

  it('master.cf: the maps of -o overrides', () => {
    const master = 'submission inet n - y - - smtpd\n  -o smtpd_sender_login_maps=mysql:/etc/postfix/sql/mysql_sender.cf\n'
    expect(referencesOf('/etc/postfix/master.cf', 'postfix-master', master, '/etc/postfix').map((r) => r.pattern)).toEqual(['/etc/postfix/sql/mysql_sender.cf'])
  })

  it('dovecot.conf: includes (relative, globs, braces, _try optional), sql/dict args files, <file values but never TLS material', () => {
    const conf = [
      '!include_try /usr/share/dovecot/protocols.d/*.protocol',
      '!include conf.d/*.conf',
      '!include_try local.conf',
      '!include conf.d/{a,b}.conf.ext',
      'dict {',
      '  quota = mysql:/etc/dovecot/dovecot-dict-sql.conf.ext',
      '}',
      'passdb {',
      '  driver = sql',
      '  args = /etc/dovecot/dovecot-sql.conf.ext',
      '}',
      'ssl_cert = </etc/ssl/certs/mail.pem',
      'ssl_key = </etc/ssl/private/mail.key',
      'login_greeting_file = </etc/dovecot/greeting.txt',
      '',
    ].join('\n')
    const refs = referencesOf('/etc/dovecot/dovecot.conf', 'dovecot', conf, '/etc/postfix')
    expect(refs.map((r) => [r.pattern, r.kind, r.glob, r.optional])).toEqual([
      ['/usr/share/dovecot/protocols.d/*.protocol', 'dovecot', true, true],
      ['/etc/dovecot/conf.d/*.conf', 'dovecot', true, false],
      ['/etc/dovecot/local.conf', 'dovecot', false, true],
      ['/etc/dovecot/conf.d/a.conf.ext', 'dovecot', false, false],
      ['/etc/dovecot/conf.d/b.conf.ext', 'dovecot', false, false],
      ['/etc/dovecot/dovecot-dict-sql.conf.ext', 'dovecot-dict-sql', false, false],
      ['/etc/dovecot/dovecot-sql.conf.ext', 'dovecot-sql', false, false],
      ['/etc/dovecot/greeting.txt', 'dovecot-side', false, false],
    ])
    // Files Dovecot reads through a driver are leaves.
    expect(referencesOf('/etc/dovecot/dovecot-sql.conf.ext', 'dovecot-sql', '!include x.conf\n', '/etc/postfix')).toEqual([])
  })

  it('owners decide validation and reloads', () => {
    expect(['postfix-main', 'postfix-db-map', 'aliases', 'dovecot-sql', 'postfixadmin-php', 'apache'].map(ownerOf)).toEqual(['postfix', 'postfix', 'aliases', 'dovecot', 'postfixadmin', 'apache'])
  })
})

describe('the discovery stream and the captured catalogues', () => {
  it('splits frames on the random boundary only', () => {
    const B = '@@postdesk-abc@@'
    const out = `\n${B} S postconf-n\nmyhostname = x\n\n${B} F 640 root postfix 4 /etc/postfix/sql/a.cf\n${Buffer.from('a=1\n').toString('base64')}\n\n${B} M /etc/aliases\n`
    const frames = parseFrames(out, B)
    expect(frames.map((f) => [f.type, f.head])).toEqual([
      ['S', 'postconf-n'],
      ['F', '640 root postfix 4 /etc/postfix/sql/a.cf'],
      ['M', '/etc/aliases'],
    ])
    expect(Buffer.from((frames[1] as { body: string }).body, 'base64').toString()).toBe('a=1\n')
    expect((frames[0] as { body: string }).body).toBe('myhostname = x\n')
  })

  it("reads doveconf's top-level settings (not those inside sections) and falls back to the bundled catalogues", () => {
    expect(parseDoveconfTop('# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nservice imap {\n  vsz_limit = 1G\n}\nprotocols = imap\n')).toEqual({ mail_location: 'maildir:~/Maildir', protocols: 'imap' })
    const bundled = workspaceCatalogues(null)
    expect(bundled.source).toBe('bundled')
    expect(bundled.postfixDefaults['message_size_limit']).toBe('10240000')
    const server = workspaceCatalogues({ mailVersion: '3.6.4', postconfD: 'message_size_limit = 10240000\n', postconfN: 'myhostname = mx\n', doveconfD: '# 2.3.13 (x): /etc/dovecot/dovecot.conf\nmail_location = \n' })
    expect(server).toMatchObject({ source: 'server', postfixVersion: '3.6.4', dovecotVersion: '2.3.13', postfixValues: { myhostname: 'mx' } })
  })
})
