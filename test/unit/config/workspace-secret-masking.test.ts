import { describe, expect, it } from 'vitest'
import { findSecretFields, maskSecrets, placeholder, placeholderNames, scrubValues, unmaskSecrets } from '../../../electron/services/config/workspace/secret-masking'

const MYSQL = `# PostfixAdmin
user = postfix
password = s3cr#t pa55
hosts = localhost
dbname = postfix
query = SELECT goto FROM alias WHERE address='%s' AND active = '1'
`
const DOVECOT_SQL = `driver = mysql
connect = host=/run/mysqld/mysqld.sock dbname=postfix user=postfix password=83a0048cd1a5
default_pass_scheme = SHA512-CRYPT
password_query = SELECT username AS user, password FROM mailbox WHERE username = '%u'
`
const DICT_SQL = `connect = "host=localhost dbname=mails user=admin password=\\"q w\\""
`
const PHP = `<?php
$CONF['configured'] = true;
$CONF['database_password'] = 'it\\'s-secret';
$CONF["setup_password"] = "$2y$10$abcdefghijklmnopqrstuv";
$CONF['min_password_length'] = 5;
$CONF['password_expiration'] = 'YES';
$dbpass='dbconf-pass';
`

describe('secret masking', () => {
  it('masks password = in mysql map configs and puts the same value back', () => {
    const m = maskSecrets('/etc/postfix/sql/mysql_virtual_alias_maps.cf', 'postfix-db-map', MYSQL)
    const name = 'etc/postfix/sql/mysql_virtual_alias_maps.cf:password'
    expect(m.text).toContain(`password = ${placeholder(name)}\n`)
    expect(m.text).not.toContain('s3cr#t')
    expect(m.secrets).toEqual(new Map([[name, 's3cr#t pa55']]))
    expect(m.names).toEqual([name])
    expect(unmaskSecrets(m.text, m.secrets)).toEqual({ text: MYSQL, missing: [] })
  })

  it("masks the password= word of Dovecot's connect string, not password_query", () => {
    const m = maskSecrets('/etc/dovecot/dovecot-sql.conf.ext', 'dovecot-sql', DOVECOT_SQL)
    expect(m.text).toContain(`user=postfix password=${placeholder('etc/dovecot/dovecot-sql.conf.ext:connect-password')}\n`)
    expect(m.text).toContain('password_query = SELECT username AS user, password FROM')
    expect([...m.secrets.values()]).toEqual(['83a0048cd1a5'])
    expect(unmaskSecrets(m.text, m.secrets).text).toBe(DOVECOT_SQL)
  })

  it('masks a quoted password inside a quoted connect string', () => {
    const m = maskSecrets('/etc/dovecot/dovecot-dict-sql.conf.ext', 'dovecot-dict-sql', DICT_SQL)
    expect([...m.secrets.values()]).toEqual(['q w'])
    expect(unmaskSecrets(m.text, m.secrets).text).toBe(DICT_SQL)
  })

  it("masks PostfixAdmin's password settings (not lengths or flags) and dbconfig's $dbpass", () => {
    const m = maskSecrets('/etc/postfixadmin/config.local.php', 'postfixadmin-php', PHP)
    expect([...m.secrets.entries()]).toEqual([
      ['etc/postfixadmin/config.local.php:database_password', "it\\'s-secret"],
      ['etc/postfixadmin/config.local.php:setup_password', '$2y$10$abcdefghijklmnopqrstuv'],
      ['etc/postfixadmin/config.local.php:dbpass', 'dbconf-pass'],
    ])
    expect(m.text).toContain("$CONF['min_password_length'] = 5;")
    expect(m.text).toContain("$CONF['password_expiration'] = 'YES';")
    expect(m.text).toContain(`$CONF['database_password'] = '${placeholder('etc/postfixadmin/config.local.php:database_password')}';`)
    expect(unmaskSecrets(m.text, m.secrets).text).toBe(PHP)
  })

  it('masks the values of a *_password_maps table', () => {
    const text = '# relay credentials\n[smtp.example.com]:587 user@example.com:p@ss w0rd\n'
    const m = maskSecrets('/etc/postfix/sasl_passwd', 'postfix-map', text, { passwordMap: true })
    expect(m.text).toBe(`# relay credentials\n[smtp.example.com]:587 user@example.com:${placeholder('etc/postfix/sasl_passwd:_smtp.example.com__587')}\n`)
    expect(unmaskSecrets(m.text, m.secrets).text).toBe(text)
    // Without the flag a lookup table is left alone.
    expect(maskSecrets('/etc/postfix/sasl_passwd', 'postfix-map', text).text).toBe(text)
  })

  it('keeps placeholders as they are (masking is idempotent) and takes a real value typed in place of one', () => {
    const once = maskSecrets('/etc/postfix/sql/a.cf', 'postfix-db-map', MYSQL)
    const twice = maskSecrets('/etc/postfix/sql/a.cf', 'postfix-db-map', once.text)
    expect(twice.text).toBe(once.text)
    expect(twice.secrets.size).toBe(0)
    const typed = once.text.replace(placeholder('etc/postfix/sql/a.cf:password'), 'new-value')
    const m = maskSecrets('/etc/postfix/sql/a.cf', 'postfix-db-map', typed)
    expect(m.text).toBe(once.text)
    expect(m.secrets.get('etc/postfix/sql/a.cf:password')).toBe('new-value')
  })

  it('numbers a key set twice in one file and reports unknown placeholders instead of guessing', () => {
    const f = findSecretFields('/x/mysql_a.cf', 'postfix-db-map', 'password = a1\npassword = b2\n')
    expect(f.map((x) => [x.name, x.value])).toEqual([
      ['x/mysql_a.cf:password', 'a1'],
      ['x/mysql_a.cf:password:2', 'b2'],
    ])
    const text = `password = ${placeholder('nope')}\n`
    expect(placeholderNames(text)).toEqual(['nope'])
    expect(unmaskSecrets(text, new Map())).toEqual({ text, missing: ['nope'] })
  })

  it('scrubs long known values from captured tool output, leaving short ones (ordinary words) alone', () => {
    const values = new Map([
      ['a', '83a0048cd1a5'],
      ['b', 'postfix'],
    ])
    expect(scrubValues('x = 83a0048cd1a5 postfix', values)).toBe(`x = ${placeholder('a')} postfix`)
  })
})
