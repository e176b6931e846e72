import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { expandAuthVariables, mysqlEscape } from '../../../shared/config/dovecot/auth-variables'
import { parseDovecotSqlFile, parseMysqlConnect, sqlSetting } from '../../../shared/config/dovecot/dovecot-sql-settings'
import { mysqlOptionFile, mysqlRunsScript, parseMysqlRuns } from '../../../electron/services/config/push/mysql-runs-script'
import { firstKeyword, judgeQuery } from '../../../electron/services/config/push/sql-driver-check'
import { SECTION } from '../../../electron/services/config/push/push-paths'

const P = '/etc/dovecot/dovecot-sql.conf.ext'
const TEST_VPS_FILE = `# Postdesk test VPS
driver = mysql
connect = host=/run/mysqld/mysqld.sock dbname=postfix user=postfix password=83a0048cd1a51e23eb319fb31885caa7
default_pass_scheme = SHA512-CRYPT
password_query = SELECT username AS user, password FROM mailbox WHERE username = '%u' AND active = '1'
user_query = SELECT CONCAT('/home/mailuser/', maildir) AS home, 10000 AS uid FROM mailbox WHERE username = '%u'
iterate_query = SELECT username AS user FROM mailbox WHERE active = '1'
`

describe('parseDovecotSqlFile (Dovecot 2.3 settings_read_nosection + db-sql.c)', () => {
  it('reads the test server file: keys, values, lines', () => {
    const f = parseDovecotSqlFile(TEST_VPS_FILE, P)
    expect(f.error).toBeNull()
    expect(f.settings.driver).toEqual({ value: 'mysql', line: 2 })
    expect(f.settings.password_query?.value).toBe("SELECT username AS user, password FROM mailbox WHERE username = '%u' AND active = '1'")
    expect(f.settings.iterate_query?.line).toBe(7)
    expect(sqlSetting(f, 'update_query')).toBeUndefined()
    expect(sqlSetting(f, 'default_pass_scheme')).toBe('SHA512-CRYPT')
  })

  it('joins a line ending in a backslash with the next (one space), skipping comment lines between', () => {
    const f = parseDovecotSqlFile('driver = mysql\nconnect = host=x\npassword_query = SELECT password \\\n  # a comment\n    FROM mailbox \\\n  WHERE username = \'%u\'\n', P)
    expect(f.error).toBeNull()
    expect(f.settings.password_query).toEqual({ value: "SELECT password FROM mailbox WHERE username = '%u'", line: 6 })
  })

  it('cuts a # comment outside quotes, keeps one inside, warns about an ambiguous #', () => {
    const f = parseDovecotSqlFile("driver = mysql # the driver\nconnect = host=x\nuser_query = SELECT '#x' AS home#tail\n", P)
    expect(f.settings.driver?.value).toBe('mysql')
    expect(f.settings.user_query?.value).toBe("SELECT '#x' AS home")
    expect(f.warnings).toEqual([`Configuration file ${P} line 3: Ambiguous '#' character in line, treating it as comment. Add a space before it to remove this warning.`])
  })

  it('unquotes and unescapes a quoted value', () => {
    const f = parseDovecotSqlFile('driver = "mysql"\nconnect = \'host=x password=a\\\'b\'\n', P)
    expect(f.settings.driver?.value).toBe('mysql')
    expect(f.settings.connect?.value).toBe("host=x password=a'b")
  })

  it('an unknown key is fatal with Dovecot\'s words and line; the reading stops there', () => {
    const f = parseDovecotSqlFile('driver = mysql\nconnect = host=x\npasword_query = SELECT 1\nuser_query = SELECT 2\n', P)
    expect(f.error).toBe(`Error in configuration file ${P} line 3: Unknown setting: pasword_query`)
    expect(f.settings.user_query).toBeUndefined()
  })

  it('missing driver or connect, a line without =, a stray }, a bad boolean are fatal', () => {
    expect(parseDovecotSqlFile('connect = host=x\n', P).error).toBe(`sql: driver not set in configuration file ${P}`)
    expect(parseDovecotSqlFile('driver = mysql\n', P).error).toBe(`sql: connect string not set in configuration file ${P}`)
    expect(parseDovecotSqlFile('driver mysql\n', P).error).toBe(`Error in configuration file ${P} line 1: Expecting '='`)
    expect(parseDovecotSqlFile('}\n', P).error).toBe(`Error in configuration file ${P} line 1: Unexpected '}'`)
    expect(parseDovecotSqlFile('driver = mysql\nconnect = h\nuserdb_warning_disable = maybe\n', P).error).toBe(`Error in configuration file ${P} line 3: Invalid boolean: maybe`)
  })

  it('skips sections (their keys are not the driver\'s) and lists includes', () => {
    const f = parseDovecotSqlFile('driver = mysql\nconnect = host=x\nmap {\n  pattern = x\n}\n!include_try extra.conf\n', P)
    expect(f.error).toBeNull()
    expect(f.includes).toEqual(['extra.conf'])
  })
})

describe('parseMysqlConnect (driver-mysql)', () => {
  it('splits the words; a socket host; refuses what the driver refuses', () => {
    expect(parseMysqlConnect('host=/run/mysqld/mysqld.sock dbname=postfix user=postfix password=p@ss')).toMatchObject({ host: '/run/mysqld/mysqld.sock', dbname: 'postfix', user: 'postfix', password: 'p@ss', error: null })
    expect(parseMysqlConnect('host=db port=3307 ssl_ca=/x.pem').other).toEqual({ ssl_ca: '/x.pem' })
    expect(parseMysqlConnect('host=db dbnme=x').error).toBe('Unknown connect string: dbnme')
    expect(parseMysqlConnect('host=db postfix').error).toBe('Missing value in connect string: postfix')
    expect(parseMysqlConnect('dbname=x').error).toBe('No hosts given in connect string')
    expect(parseMysqlConnect('host=db port=99999').error).toBe('Invalid port number: 99999')
  })

  it('several host=: sqlpool connects to each, the first first; a hostaddr= overrides them all', () => {
    expect(parseMysqlConnect('host=db1 dbname=x host=db2 user=u host=/run/mysqld/mysqld.sock')).toMatchObject({ host: 'db1', hosts: ['db1', 'db2', '/run/mysqld/mysqld.sock'], dbname: 'x', user: 'u', error: null })
    // sqlpool builds `host=<h> <other words>`, so driver-mysql reads hostaddr after the host
    expect(parseMysqlConnect('hostaddr=10.0.0.7 host=db1 host=db2')).toMatchObject({ host: '10.0.0.7', hosts: ['db1', 'db2'], error: null })
    expect(parseMysqlConnect('hostaddr=10.0.0.7 dbname=x')).toMatchObject({ host: '10.0.0.7', hosts: [], error: null })
  })

  it('any other key given twice: the last value wins (driver-mysql overwrites)', () => {
    expect(parseMysqlConnect('host=db user=a user=b dbname=one dbname=two password=p1 password=p2 port=3307 port=3308')).toMatchObject({ user: 'b', dbname: 'two', password: 'p2', port: '3308', error: null })
  })

  it('quotes are not special: they stay in the value, and a space ends the word', () => {
    expect(parseMysqlConnect('host=db password="s3cret" user=u')).toMatchObject({ password: '"s3cret"', user: 'u', error: null })
    const spaced = parseMysqlConnect('host=db user=u password="correct horse" dbname=mail')
    expect(spaced.error).toBe('Missing value in connect string: (the text after password=, not shown: a password cannot contain a space here)')
    expect(spaced.error).not.toContain('horse')
    // a fragment with '=' is masked as well
    expect(parseMysqlConnect('host=db password=ab cd=ef').error).not.toContain('cd')
    // away from a password, the word is quoted as Dovecot quotes it
    expect(parseMysqlConnect('host=db postfix password=x').error).toBe('Missing value in connect string: postfix')
  })

  it("sqlpool's maxconns= is accepted, a bad one refused; port 0 and non-numbers are refused as net_str2port does", () => {
    expect(parseMysqlConnect('host=db maxconns=5 dbname=x')).toMatchObject({ error: null, other: { maxconns: '5' } })
    expect(parseMysqlConnect('host=db maxconns=many').error).toBe('Invalid value for maxconns: many')
    expect(parseMysqlConnect('host=db port=0').error).toBe('Invalid port number: 0')
    expect(parseMysqlConnect('host=db port=+5').error).toBe('Invalid port number: +5')
    expect(parseMysqlConnect('host=db connect_timeout=5s').error).toBe('Invalid read_timeout: 5s')
    expect(parseMysqlConnect('host=db ssl_verify_server_cert=true').error).toBe('Invalid boolean: true')
  })

  it('an empty host= (localhost) or an option_file= is enough; nothing at all is not', () => {
    expect(parseMysqlConnect('host= dbname=x')).toMatchObject({ host: '', error: null })
    expect(parseMysqlConnect('option_file=/etc/dovecot/my.cnf dbname=x')).toMatchObject({ host: undefined, error: null })
    expect(parseMysqlConnect('dbname=x user=u').error).toBe('No hosts given in connect string')
  })

  it('a connect line continued with backslashes, with comments between, reads as one string', () => {
    const f = parseDovecotSqlFile('driver = mysql\nconnect = host=db1 \\\n  # the second server\n  host=db2 dbname=mail \\\n  user=dovecot password=pw # old: password=xx\n', P)
    expect(f.error).toBeNull()
    expect(f.settings.connect).toEqual({ value: 'host=db1 host=db2 dbname=mail user=dovecot password=pw', line: 5 })
    expect(parseMysqlConnect(f.settings.connect?.value ?? '')).toMatchObject({ host: 'db1', hosts: ['db1', 'db2'], dbname: 'mail', user: 'dovecot', password: 'pw' })
  })

  it('a quoted connect value keeps # and the escaped quote; a lone quote is an empty value', () => {
    const f = parseDovecotSqlFile('driver = mysql\nconnect = "host=db dbname=mail user=u password=a#b\\"c" # comment\n', P)
    expect(f.settings.connect?.value).toBe('host=db dbname=mail user=u password=a#b"c')
    expect(parseDovecotSqlFile('driver = mysql\nconnect = host=x\ndefault_pass_scheme = "\n', P).settings.default_pass_scheme?.value).toBe('')
  })
})

describe('expandAuthVariables (Dovecot 2.3 var_expand for an auth request)', () => {
  const s = { user: 'alice@example.test' }
  it('fills the common short and long variables, with modifiers, widths and %%', () => {
    expect(expandAuthVariables("WHERE username = '%u' AND local = '%n' AND domain = '%d'", s)).toEqual({ ok: true, text: "WHERE username = 'alice@example.test' AND local = 'alice' AND domain = 'example.test'" })
    expect(expandAuthVariables("'%{user}' '%{username}' '%{domain}' '%{service}' '%{protocol}' '%s'", s)).toEqual({ ok: true, text: "'alice@example.test' 'alice' 'example.test' 'imap' 'imap' 'imap'" })
    expect(expandAuthVariables("'%Lu' '%U{username}' '%1.3n' '%2n' '%-3.2n' '%%'", { user: 'Alice@Example.Test' })).toEqual({ ok: true, text: "'alice@example.test' 'ALICE' 'lic' 'Al' 'ic' '%'" })
    expect(expandAuthVariables("'%d'", { user: 'bare' })).toEqual({ ok: true, text: "''" })
    expect(expandAuthVariables("'%{passdb:x:def}' '%{env:HOME}'", s)).toEqual({ ok: true, text: "'def' ''" })
  })

  it('escapes values for SQL as the sql passdb does', () => {
    expect(mysqlEscape("o'neil\\x")).toBe("o\\'neil\\\\x")
    expect(expandAuthVariables("'%u'", { user: "o'neil@x" })).toEqual({ ok: true, text: "'o\\'neil@x'" })
  })

  it('an unknown variable is an error as in Dovecot 2.3; what is not modelled is said so', () => {
    expect(expandAuthVariables("'%q'", s)).toEqual({ ok: false, kind: 'unknown', message: "Unknown variable '%q'" })
    expect(expandAuthVariables("'%{usr}'", s)).toEqual({ ok: false, kind: 'unknown', message: "Unknown variable '%{usr}'" })
    expect(expandAuthVariables("'%Mu'", s)).toMatchObject({ ok: false, kind: 'unsupported' })
    expect(expandAuthVariables("'%{sha256:user}'", s)).toMatchObject({ ok: false, kind: 'unsupported' })
  })
})

describe('the mysql runs on the server', () => {
  it('option file: socket or host, the password quoted, never in the script outside the heredoc', () => {
    const c = parseMysqlConnect('host=/run/mysqld/mysqld.sock dbname=postfix user=postfix password=a"b\\c')
    expect(mysqlOptionFile(c)).toBe('[client]\nsocket="/run/mysqld/mysqld.sock"\nuser="postfix"\npassword="a\\"b\\\\c"\ndatabase="postfix"\n')
    const script = mysqlRunsScript([{ id: 'c0', connect: c, sql: 'SELECT 1' }])
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0)
    // the password only inside the option-file heredoc; argv carries the file's path
    const lines = script.split('\n').filter((l) => l.includes('a\\"b'))
    expect(lines).toEqual(['password="a\\"b\\\\c"'])
    expect(script).toContain('"$MY" --defaults-file="$D/$1.cnf" --batch')
    expect(script).toContain("trap 'rm -rf \"$D\"' EXIT")
  })

  it('parses each run: exit code, columns, row count, first value, error text', () => {
    const out = [`${SECTION}run c0 0`, `${SECTION}cols 1`, `${SECTION}rows 1`, `${SECTION}first 1`, `${SECTION}err`, '', `${SECTION}end`, `${SECTION}run q0p 1`, `${SECTION}cols `, `${SECTION}rows 0`, `${SECTION}first `, `${SECTION}err`, "ERROR 1054 (42S22) at line 1: Unknown column 'passwordx' in 'SELECT'", `${SECTION}end`, `${SECTION}done`].join('\n')
    const r = parseMysqlRuns(out)
    expect(r.done).toBe(true)
    expect(r.runs.get('c0')).toEqual({ exitCode: 0, columns: ['1'], rows: 1, first: '1', error: '' })
    expect(r.runs.get('q0p')).toEqual({ exitCode: 1, columns: [], rows: 0, first: null, error: "ERROR 1054 (42S22) at line 1: Unknown column 'passwordx' in 'SELECT'" })
  })

  it('judges a query as Dovecot would', () => {
    const ok = (columns: string[], rows: number) => ({ exitCode: 0, columns, rows, first: null, error: '' })
    const u = 'alice@example.test'
    expect(judgeQuery('password_query', ok(['user', 'password'], 1), u, { error: null }).ok).toBe(true)
    expect(judgeQuery('password_query', ok(['user', 'password_noscheme'], 1), u, { error: null }).ok).toBe(true)
    expect(judgeQuery('password_query', ok(['user', 'pw'], 1), u, { error: null }).output).toMatch(/^Error: Password query must return a field named 'password'/)
    expect(judgeQuery('password_query', ok(['password'], 2), u, { error: null }).output).toMatch(/returned multiple matches/)
    expect(judgeQuery('password_query', ok([], 0), u, { error: null })).toMatchObject({ ok: false, output: expect.stringMatching(/finds no row for alice@example\.test/) })
    expect(judgeQuery('user_query', ok(['home'], 1), u, { error: null }).ok).toBe(true)
    expect(judgeQuery('user_query', ok([], 0), u, { error: null }).ok).toBe(false)
    expect(judgeQuery('iterate_query', ok(['email'], 3), u, { error: null }).output).toMatch(/didn't return 'user' field/)
    expect(judgeQuery('user_query', { exitCode: 1, columns: [], rows: 0, first: null, error: 'ERROR 1146' }, u, { error: null })).toEqual({ ok: false, exitCode: 1, output: 'ERROR 1146' })
  })

  it('a user_query without uid/gid passes only when mail_uid/mail_gid stand in (as Dovecot\'s mail processes need)', () => {
    const r = { exitCode: 0, columns: ['home'], rows: 1, first: null, error: '' }
    expect(judgeQuery('user_query', r, 'a@b', { error: null }, { mailUid: '', mailGid: '' }).output).toMatch(/^Error: User is missing UID \(see mail_uid setting\)/)
    expect(judgeQuery('user_query', { ...r, columns: ['home', 'uid'] }, 'a@b', { error: null }, { mailUid: '', mailGid: '' }).output).toMatch(/^Error: User is missing GID \(see mail_gid setting\)/)
    expect(judgeQuery('user_query', r, 'a@b', { error: null }, { mailUid: 'vmail', mailGid: 'vmail' }).ok).toBe(true)
    // unknown globals (the push changes dovecot.conf too): not judged
    expect(judgeQuery('user_query', r, 'a@b', { error: null }, null).ok).toBe(true)
  })

  it('asks the running Dovecot for settings by name and reads them back', () => {
    const script = mysqlRunsScript([], ['mail_uid', 'mail_gid'])
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0)
    expect(script).toContain('"$SEC""set mail_uid $(doveconf -h mail_uid 2>/dev/null | head -n 1)"')
    expect(() => mysqlRunsScript([], ['x;rm'])).toThrow()
    expect(parseMysqlRuns(`${SECTION}set mail_uid vmail\n${SECTION}set mail_gid \n${SECTION}done`).settings).toEqual({ mail_uid: 'vmail', mail_gid: '' })
  })

  it('finds the first keyword past comments and parentheses', () => {
    expect(firstKeyword('  /* dovecot */ (SELECT 1)')).toBe('SELECT')
    expect(firstKeyword('-- x\nselect 1')).toBe('SELECT')
    expect(firstKeyword('CALL auth(1)')).toBe('CALL')
  })
})
