import { describe, expect, it } from 'vitest'
import type { ConfigFile } from '../../../shared/config/config-set'
import { lintConfigSet } from '../../../shared/config/lint-config-set'
import { storedPasswordFormat } from '../../../shared/config/cross-checks/password-scheme-check'
import { mailLocationRoot } from '../../../shared/config/cross-checks/mailbox-checks'
import { brief } from './lint-helpers'
import { fixtureFiles } from './fixture-set'

/** The test server's configs with one file edited: the checks must see exactly the breakage. */
function serverWith(edits: Record<string, (text: string) => string>, drop: string[] = []): ConfigFile[] {
  return fixtureFiles('test-server-debian12', (p) => !drop.includes(p)).map((f) => {
    const edit = edits[f.path]
    if (!edit) return f
    const text = edit(f.text)
    if (text === f.text) throw new Error(`edit of ${f.path} changed nothing`)
    return { ...f, text }
  })
}
const lint = (files: ConfigFile[]) => lintConfigSet({ files, complete: true, postfixVersion: '3.7.11', dovecotVersion: '2.3.19.1' }).findings
const codes = (files: ConfigFile[], prefix = 'cross.') => lint(files).filter((f) => f.code.startsWith(prefix)).map((f) => `${brief(f)} | ${f.message}`)

const MAIN = '/etc/postfix/main.cf'
const MASTER10 = '/etc/dovecot/conf.d/10-master.conf'

describe('Postfix <-> Dovecot sockets', () => {
  it('smtpd_sasl_path must name a Dovecot auth listener', () => {
    const out = codes(serverWith({ [MAIN]: (t) => t.replace('smtpd_sasl_path = private/auth', 'smtpd_sasl_path = private/dovecot-auth') }))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(/^\/etc\/postfix\/main\.cf:53:19 error cross\.sasl-socket-mismatch \| Postfix asks Dovecot for SASL authentication at \/var\/spool\/postfix\/private\/dovecot-auth/)
    expect(out[0]).toContain('listens on: /run/dovecot/auth-userdb, /var/spool/postfix/private/auth')
  })

  it('the auth socket must be usable by the postfix user', () => {
    const listener = /unix_listener \/var\/spool\/postfix\/private\/auth \{[^}]*\}/
    const out = codes(serverWith({ [MASTER10]: (t) => t.replace(listener, 'unix_listener /var/spool/postfix/private/auth {\n    mode = 0600\n  }') }))
    expect(out.map((o) => o.split(' | ')[0])).toEqual(['/etc/postfix/main.cf:53:19 warning cross.sasl-socket-permissions'])
    expect(out[0]).toContain('has mode 0600, user (default), group (default): the postfix user cannot connect')
    // mode 0600 is enough when the socket belongs to postfix
    expect(codes(serverWith({ [MASTER10]: (t) => t.replace(listener, 'unix_listener /var/spool/postfix/private/auth {\n    mode = 0600\n    user = postfix\n  }') }))).toEqual([])
  })

  it('virtual_transport lmtp:unix:... must name the Dovecot lmtp listener', () => {
    const out = codes(serverWith({ [MASTER10]: (t) => t.replace('unix_listener /var/spool/postfix/private/dovecot-lmtp', 'unix_listener lmtp') }))
    expect(out.map((o) => o.split(' | ')[0])).toEqual(['/etc/postfix/main.cf:51:21 error cross.lmtp-socket-mismatch'])
    expect(out[0]).toContain("Dovecot's lmtp service listens on: /run/dovecot/lmtp")
  })

  it('lmtp over TCP matches an inet_listener port', () => {
    const files = serverWith({
      [MAIN]: (t) => t.replace('virtual_transport = lmtp:unix:private/dovecot-lmtp', 'virtual_transport = lmtp:inet:127.0.0.1:24'),
      [MASTER10]: (t) => t.replace('service lmtp {', 'service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = 24\n  }'),
    })
    expect(codes(files)).toEqual([])
  })
})

describe('mailboxes and users', () => {
  it('mail_location outside virtual_mailbox_base: a typo is an error at the path', () => {
    const out = lint(
      serverWith({
        [MAIN]: (t) => t + 'virtual_mailbox_base = /home/mailuser\n',
        '/etc/dovecot/conf.d/10-mail.conf': (t) => t.replace('maildir:/home/mailuser/%d/%n', 'maildir:/home/mialuser/%d/%n'),
      }),
    ).filter((f) => f.code === 'cross.mail-location-outside-base')
    expect(out.map(brief)).toEqual(['/etc/dovecot/conf.d/10-mail.conf:30:25 error cross.mail-location-outside-base'])
    expect(out[0]!.message).toContain('"mialuser" looks like a typo of "mailuser"')
  })

  it('no finding when mail_location is inside the base', () => {
    expect(codes(serverWith({ [MAIN]: (t) => t + 'virtual_mailbox_base = /home/mailuser\n' }))).toEqual([])
  })

  it('virtual_uid_maps static:N outside first_valid_uid..last_valid_uid', () => {
    const files = serverWith({
      [MAIN]: (t) => t + 'virtual_uid_maps = static:10000\nvirtual_gid_maps = static:10000\n',
      '/etc/dovecot/conf.d/10-mail.conf': (t) => t.replace('#first_valid_uid = 500', 'first_valid_uid = 20000'),
    })
    const out = lint(files).filter((f) => f.code === 'cross.uid-outside-dovecot-range')
    expect(out.map(brief)).toEqual(['/etc/dovecot/conf.d/10-mail.conf:178:19 error cross.uid-outside-dovecot-range'])
    expect(out[0]!.related?.[0]?.file).toBe('/etc/postfix/main.cf')
  })

  it('mailLocationRoot: the fixed directory before the first %variable', () => {
    expect(mailLocationRoot('maildir:/home/maiuser/%d/%n')?.root).toBe('/home/maiuser')
    expect(mailLocationRoot('mdbox:/srv/mail/%d/%n/mdbox:INDEX=/var/idx/%u')?.root).toBe('/srv/mail')
    expect(mailLocationRoot('maildir:~/Maildir')).toBeUndefined()
  })
})

describe('PostfixAdmin password storage vs Dovecot', () => {
  const PHP = '/etc/postfixadmin/config.local.php'
  it('bare hashes need the matching default_pass_scheme', () => {
    const out = codes(serverWith({ [PHP]: (t) => t.replace("'dovecot:SHA512-CRYPT'", "'md5crypt'") }))
    expect(out.map((o) => o.split(' | ')[0])).toEqual(['/etc/postfixadmin/config.local.php:9:20 error cross.password-scheme-mismatch'])
    expect(out[0]).toContain('Dovecot reads them as SHA512-CRYPT')
    expect(codes(serverWith({ [PHP]: (t) => t.replace("'dovecot:SHA512-CRYPT'", "'php_crypt:SHA512'") }))).toEqual([])
  })

  it('CRAM-MD5 logins need clear-text or CRAM-MD5 passwords', () => {
    const out = codes(serverWith({ '/etc/dovecot/conf.d/10-auth.conf': (t) => t.replace('auth_mechanisms = plain login', 'auth_mechanisms = plain login cram-md5') }))
    expect(out.map((o) => o.split(' | ')[0])).toEqual(['/etc/dovecot/conf.d/10-auth.conf:100:19 warning cross.auth-mechanism-needs-plaintext'])
  })

  it('maps every PostfixAdmin 3.3 encrypt method', () => {
    expect(storedPasswordFormat('dovecot:SHA512-CRYPT')).toEqual({ prefixed: 'SHA512-CRYPT' })
    expect(storedPasswordFormat('md5crypt')).toMatchObject({ accepts: ['MD5-CRYPT', 'MD5', 'CRYPT'] })
    expect(storedPasswordFormat('php_crypt:BLOWFISH')).toMatchObject({ accepts: ['BLF-CRYPT'] })
    expect(storedPasswordFormat('php_crypt:SHA256::{SHA256-CRYPT}')).toEqual({ prefixed: 'SHA256-CRYPT' })
    expect(storedPasswordFormat('sha512.b64')).toEqual({ prefixed: 'SHA512-CRYPT.B64' })
    expect(storedPasswordFormat('bogus')).toBeUndefined()
  })
})

describe('files and tables', () => {
  it('a referenced map file missing from a complete set is an error at the reference', () => {
    const out = codes(serverWith({}, ['/etc/postfix/sql/mysql_virtual_alias_maps.cf']))
    expect(out.map((o) => o.split(' | ')[0])).toEqual(['/etc/postfix/main.cf:49:28 error cross.referenced-file-missing'])
  })

  it('mysql map queries are checked against the PostfixAdmin schema, with suggestions', () => {
    const out = codes(serverWith({ '/etc/postfix/sql/mysql_virtual_mailbox_maps.cf': (t) => t.replace('SELECT maildir FROM mailbox', 'SELECT maildir FROM mailboxes') }))
    expect(out.map((o) => o.split(' | ')[0])).toEqual(['/etc/postfix/sql/mysql_virtual_mailbox_maps.cf:6:39 error cross.sql-unknown-table'])
    const col = codes(serverWith({ '/etc/dovecot/dovecot-sql.conf.ext': (t) => t.replace("FROM mailbox WHERE username = '%u' AND active = '1'\nuser_query", "FROM mailbox WHERE usrname = '%u' AND active = '1'\nuser_query") }))
    expect(col.map((o) => o.split(' | ')[0])).toEqual(['/etc/dovecot/dovecot-sql.conf.ext:5:71 error cross.sql-unknown-column'])
    expect(col[0]).toContain('Did you mean username?')
  })

  it('proxy: tables must be listed in proxy_read_maps', () => {
    const out = lint(serverWith({ [MAIN]: (t) => t + 'smtpd_sender_login_maps = proxy:mysql:/etc/postfix/sql/mysql_virtual_alias_maps.cf\nproxy_read_maps = $virtual_alias_maps\n' }))
    expect(out.filter((f) => f.code === 'postfix.proxy-map-not-approved').map(brief)).toEqual([
      '/etc/postfix/main.cf:48:33 error postfix.proxy-map-not-approved',
      '/etc/postfix/main.cf:50:30 error postfix.proxy-map-not-approved',
      '/etc/postfix/main.cf:50:90 error postfix.proxy-map-not-approved',
    ])
  })
})
