import { getIndentation } from '@codemirror/language'
import { EditorState } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { dovecotLanguage } from '../../../../renderer/src/lib/configs/languages/dovecot-conf-language'
import { languageForFile } from '../../../../renderer/src/lib/configs/languages/language-for-file'
import { mainCfLanguage } from '../../../../renderer/src/lib/configs/languages/main-cf-language'
import { mapLanguage } from '../../../../renderer/src/lib/configs/languages/map-file-language'
import { masterCfLanguage } from '../../../../renderer/src/lib/configs/languages/master-cf-language'
import { phpConfigLanguage } from '../../../../renderer/src/lib/configs/languages/php-config-language'
import { fixtureText } from '../../config/fixture-set'
import { classOf, tokens } from './highlight-tokens'

describe('main.cf mode', () => {
  it('colours names, =, $name / ${name} / ${name?value} expansions, table references and comments', () => {
    const t = tokens(
      mainCfLanguage,
      [
        '# a comment',
        'myhostname = mail.example.jp',
        'mydestination = $myhostname, localhost.${mydomain}',
        'smtpd_tls_security_level = ${tls_level?{may}:{none}}',
        'virtual_alias_maps = hash:/etc/postfix/virtual',
        'message_size_limit = 20480000',
      ].join('\n'),
    )
    expect(classOf(t, '# a comment')).toBe('comment')
    expect(classOf(t, 'myhostname')).toBe('propertyName')
    expect(classOf(t, '=')).toBe('operator')
    expect(classOf(t, '$myhostname')).toBe('variableName')
    expect(classOf(t, '${mydomain}')).toBe('variableName')
    expect(classOf(t, '${tls_level')).toBe('variableName')
    expect(classOf(t, '?')).toBe('operator')
    expect(classOf(t, '{')).toBe('brace')
    expect(classOf(t, 'may')).toBe('string')
    expect(classOf(t, ':')).toBe('operator')
    expect(classOf(t, 'none')).toBe('string')
    expect(classOf(t, 'hash:')).toBe('typeName')
    expect(classOf(t, '20480000')).toBe('number')
    expect(classOf(t, ',')).toBe('separator')
  })

  it('continuation lines (leading whitespace) stay in the value; a comment line inside does not end it', () => {
    const t = tokens(mainCfLanguage, ['smtpd_recipient_restrictions =', '    permit_mynetworks,', '# between', '    reject_unauth_destination'].join('\n'))
    expect(classOf(t, 'smtpd_recipient_restrictions')).toBe('propertyName')
    expect(classOf(t, 'permit_mynetworks')).toBe('keyword')
    expect(classOf(t, '# between')).toBe('comment')
    expect(classOf(t, 'reject_unauth_destination')).toBe('keyword')
  })

  it('an IP network is a value, not a number followed by junk', () => {
    const t = tokens(mainCfLanguage, 'mynetworks = 127.0.0.0/8 [::1]/128')
    expect(classOf(t, '127.0.0.0/8')).toBe('string')
  })

  it('a line with no "=" after the name is marked invalid', () => {
    const t = tokens(mainCfLanguage, 'myhostname mail.example.jp')
    expect(t.some(([, c]) => c === 'invalid')).toBe(true)
  })
})

describe('master.cf mode', () => {
  it('colours the 8 columns, -o overrides with their names and expansions, and continuation lines', () => {
    const t = tokens(
      masterCfLanguage,
      [
        '# service type  private unpriv  chroot  wakeup  maxproc command + args',
        'submission inet n       -       y       -       -       smtpd',
        '  -o syslog_name=postfix/submission',
        '  -o smtpd_client_restrictions=$mua_client_restrictions',
        'dovecot   unix  -       n       n       -       -       pipe',
        '  flags=DRhu user=vmail:vmail argv=/usr/lib/dovecot/deliver -f ${sender}',
      ].join('\n'),
    )
    expect(classOf(t, 'submission')).toBe('labelName')
    expect(classOf(t, 'inet')).toBe('keyword')
    expect(classOf(t, 'n')).toBe('atom')
    expect(classOf(t, 'smtpd')).toBe('typeName')
    expect(classOf(t, '-o')).toBe('meta')
    expect(classOf(t, 'syslog_name')).toBe('propertyName')
    expect(classOf(t, 'smtpd_client_restrictions')).toBe('propertyName')
    expect(classOf(t, '$mua_client_restrictions')).toBe('variableName')
    expect(classOf(t, 'pipe')).toBe('typeName')
    expect(classOf(t, '-f')).toBe('meta')
    expect(classOf(t, '${sender}')).toBe('variableName')
  })
})

describe('dovecot.conf mode', () => {
  it('colours sections, settings, !include, <file values, $var and %{var}', () => {
    const t = tokens(
      dovecotLanguage,
      [
        '!include_try /usr/share/dovecot/protocols.d/*.protocol',
        'protocols = imap pop3 lmtp',
        'service auth {',
        '  unix_listener /var/spool/postfix/private/auth {',
        '    mode = 0660',
        '  }',
        '}',
        'ssl_cert = </etc/ssl/certs/dovecot.pem',
        'mail_location = maildir:%{home}/Maildir # trailing comment',
        'mail_plugins = $mail_plugins quota',
        'passdb {',
        '  args = /etc/dovecot/dovecot-sql.conf.ext',
        '}',
      ].join('\n'),
    )
    expect(classOf(t, '!include_try')).toBe('keyword')
    expect(classOf(t, 'protocols')).toBe('propertyName')
    expect(classOf(t, 'service')).toBe('keyword')
    expect(classOf(t, 'auth')).toBe('labelName')
    expect(classOf(t, 'unix_listener')).toBe('keyword')
    expect(classOf(t, '{')).toBe('brace')
    expect(classOf(t, 'mode')).toBe('propertyName')
    expect(classOf(t, '<')).toBe('operator')
    expect(classOf(t, '%{home}')).toBe('special')
    expect(classOf(t, '# trailing comment')).toBe('comment')
    expect(classOf(t, '$mail_plugins')).toBe('variableName')
    expect(classOf(t, 'passdb')).toBe('keyword')
    expect(classOf(t, 'args')).toBe('propertyName')
  })

  it('indents by section depth, and a closing brace goes back one level', () => {
    const state = EditorState.create({ doc: 'service auth {\n  unix_listener auth {\nmode = 0660\n}\n}\n', extensions: [dovecotLanguage] })
    const line = (n: number) => state.doc.line(n).from
    expect(getIndentation(state, line(2))).toBe(2)
    expect(getIndentation(state, line(3))).toBe(4)
    expect(getIndentation(state, line(4))).toBe(2)
    expect(getIndentation(state, line(5))).toBe(0)
  })
})

describe('map file modes', () => {
  it('hash tables: key, then the value with access actions as keywords', () => {
    const t = tokens(mapLanguage('hash'), ['# access table', 'spammer.example.com  REJECT go away', 'friend@example.jp OK'].join('\n'))
    expect(classOf(t, '# access table')).toBe('comment')
    expect(classOf(t, 'spammer.example.com')).toBe('propertyName')
    expect(classOf(t, 'REJECT')).toBe('keyword')
    expect(classOf(t, 'friend@example.jp')).toBe('propertyName')
    expect(classOf(t, 'OK')).toBe('keyword')
  })

  it('cidr: networks, negation, actions', () => {
    const t = tokens(mapLanguage('cidr'), ['192.168.0.0/16  OK', '!10.0.0.0/8 REJECT', '2001:db8::/32 DUNNO'].join('\n'))
    expect(classOf(t, '192.168.0.0/16')).toBe('number')
    expect(classOf(t, '!10.0.0.0/8')).toBe('number')
    expect(classOf(t, '2001:db8::/32')).toBe('number')
    expect(classOf(t, 'DUNNO')).toBe('keyword')
  })

  it('pcre/regexp: patterns, if/endif, $1 substitutions', () => {
    const t = tokens(mapLanguage('pcre'), ['if /^Subject:/', '/^Subject: (.*) viagra/i  REJECT spam: $1', 'endif'].join('\n'))
    expect(classOf(t, 'if')).toBe('keyword')
    expect(classOf(t, '/^Subject:/')).toBe('regexp')
    expect(classOf(t, '/^Subject: (.*) viagra/i')).toBe('regexp')
    expect(classOf(t, 'REJECT')).toBe('keyword')
    expect(classOf(t, '$1')).toBe('variableName')
    expect(classOf(t, 'endif')).toBe('keyword')
  })

  it('aliases: name, colon, targets, :include: and pipes', () => {
    const t = tokens(mapLanguage('aliases'), ['postmaster: root', 'list: :include:/etc/mail/list, |/usr/bin/filter'].join('\n'))
    expect(classOf(t, 'postmaster')).toBe('propertyName')
    expect(classOf(t, ':')).toBe('operator')
    expect(classOf(t, ':include:')).toBe('operator')
    expect(classOf(t, '|')).toBe('operator')
  })
})

describe('language per workspace file kind', () => {
  it('picks the mode by ConfigFileKind and map type', () => {
    expect(languageForFile('postfix-main')).toBe(mainCfLanguage)
    expect(languageForFile('postfix-db-map', 'mysql')).toBe(mainCfLanguage)
    expect(languageForFile('postfix-master')).toBe(masterCfLanguage)
    expect(languageForFile('dovecot')).toBe(dovecotLanguage)
    expect(languageForFile('dovecot-sql')).toBe(dovecotLanguage)
    expect(languageForFile('postfix-map', 'cidr')).toBe(mapLanguage('cidr'))
    expect(languageForFile('aliases')).toBe(mapLanguage('aliases'))
    expect(languageForFile('postfixadmin-php')).toBe(phpConfigLanguage)
    expect(languageForFile('unknown')).not.toBe(mainCfLanguage)
  })

  it('tokenises the real configs (seed and test server) without invalid spans or gaps in their settings', () => {
    for (const [lang, file] of [
      [mainCfLanguage, 'seed-centos6/main.cf'],
      [masterCfLanguage, 'seed-centos6/master.cf'],
      [dovecotLanguage, 'seed-centos6/dovecot.conf'],
      [mainCfLanguage, 'test-server-debian12/etc/postfix/main.cf'],
      [masterCfLanguage, 'test-server-debian12/etc/postfix/master.cf'],
      [dovecotLanguage, 'test-server-debian12/etc/dovecot/conf.d/10-master.conf'],
    ] as const) {
      const text = fixtureText(file)
      const t = tokens(lang, text)
      expect(t.filter(([, c]) => c === 'invalid'), file).toEqual([])
      expect(t.length, file).toBeGreaterThan(20)
    }
  })
})
