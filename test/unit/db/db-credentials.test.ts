// Credential readers: PostfixAdmin's config (our php program run by the real php-cli vs the static
// reader, on the Debian package's config.inc.php), Postfix mysql maps, Dovecot's connect line, and
// how each names its host.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  credentialsFromDovecotSqlConf,
  credentialsFromPostfixAdmin,
  credentialsFromPostfixMysqlCf,
  dovecotSqlConfigFiles,
  postfixMysqlMapFiles,
} from '../../../electron/services/db/credential-parsers'
import { parseDbHost } from '../../../electron/services/db/db-host'
import { SECTION } from '../../../electron/services/config/push/push-paths'
import { checkSqlDriverFiles } from '../../../electron/services/config/push/sql-driver-check'
import { parsePostfixAdminDbOutput, POSTFIXADMIN_DB_PHP, postfixAdminDbArgv } from '../../../electron/services/db/postfixadmin-db-php'
import { readPostfixAdminConfigStatic } from '../../../electron/services/mail/postfixadmin-config'

const fixtures = new URL('../../fixtures/postfixadmin/', import.meta.url)
const fixture = (p: string): string => readFileSync(new URL(p, fixtures), 'utf8')
const debianInc = fixture('debian-3.3.13/config.inc.php')
const dbconfig = fixture('synthetic/dbconfig.inc.php')

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** Lays the files out as Debian does and runs our php program the way the server runs it (program on stdin). */
function runPhp(files: Record<string, string>): ReturnType<typeof parsePostfixAdminDbOutput> & { argv: string[] } {
  if (!existsSync('/usr/bin/php')) throw new Error('php-cli is required for this test (test/vps/up.sh installs it)')
  const dir = mkdtempSync(join(tmpdir(), 'pd-dbconf-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const argv = postfixAdminDbArgv(join(dir, 'config.inc.php'), '/usr/bin/php')
  const r = spawnSync(argv[0] as string, argv.slice(1), { input: POSTFIXADMIN_DB_PHP, encoding: 'utf8', cwd: '/' })
  if (r.status !== 0) throw new Error(`php failed: ${r.stderr}`)
  return { ...parsePostfixAdminDbOutput(r.stdout), argv }
}

describe('PostfixAdmin database settings', () => {
  const local = `<?php
$CONF['configured'] = true;
$CONF['database_type'] = 'mysqli';
$CONF['database_host'] = 'db.internal:3307';
$CONF['database_user'] = 'pfa';
$CONF['database_password'] = "it's \\"quoted\\" $ not a var";
$CONF['database_name'] = 'mail';
$CONF['database_prefix'] = 'pfa_';
echo "a config that prints";
`

  it('php (program on stdin, only the path in argv) and the static reader agree on the Debian package config', () => {
    const files = { 'dbconfig.inc.php': dbconfig, 'config.inc.php': debianInc, 'config.local.php': local }
    const php = runPhp(files)
    expect(php.argv.join(' ')).not.toContain('quoted')
    const fromPhp = credentialsFromPostfixAdmin(php.conf)
    const fromStatic = credentialsFromPostfixAdmin(
      readPostfixAdminConfigStatic([
        { name: 'dbconfig.inc.php', text: dbconfig },
        { name: 'config.inc.php', text: debianInc },
        { name: 'config.local.php', text: local },
      ]).conf,
    )
    const expected = { host: { kind: 'tcp', host: 'db.internal', port: 3307 }, user: 'pfa', password: `it's "quoted" $ not a var`, database: 'mail', configTable: 'pfa_config' }
    expect(fromPhp).toEqual({ ok: true, found: expected })
    expect(fromStatic).toEqual({ ok: true, found: expected })
  })

  it("takes Debian's dbconfig.inc.php values when config.local.php sets none (php and static)", () => {
    const files = { 'dbconfig.inc.php': dbconfig, 'config.inc.php': debianInc }
    const fromPhp = credentialsFromPostfixAdmin(runPhp(files).conf)
    const fromStatic = credentialsFromPostfixAdmin(readPostfixAdminConfigStatic(Object.entries(files).map(([name, text]) => ({ name, text }))).conf)
    // $dbserver='' -> config.inc.php sets 'localhost': the default socket
    const expected = { host: { kind: 'default-socket', port: 3306 }, user: 'postfix', password: 'fixture-password', database: 'postfix', configTable: 'config' }
    expect(fromPhp).toEqual({ ok: true, found: expected })
    expect(fromStatic).toEqual({ ok: true, found: expected })
  })

  it('prints only database_* keys (no setup_password) and php’s default sockets', () => {
    const php = runPhp({ 'config.inc.php': `<?php $CONF['setup_password'] = 'hash'; $CONF['database_user'] = 'u'; $CONF['database_name'] = 'd'; $CONF['database_socket'] = '/tmp/x.sock';` })
    expect(Object.keys(php.conf).sort()).toEqual(['database_name', 'database_socket', 'database_user'])
    expect(credentialsFromPostfixAdmin(php.conf)).toMatchObject({ ok: true, found: { host: { kind: 'socket', path: '/tmp/x.sock' }, password: '' } })
    expect(Array.isArray(php.phpDefaultSockets)).toBe(true)
  })

  it('refuses non-MySQL databases and configs without user or name', () => {
    expect(credentialsFromPostfixAdmin({ database_type: 'pgsql', database_user: 'u', database_name: 'd' })).toEqual({ ok: false, reason: "PostfixAdmin uses database_type 'pgsql', not MySQL/MariaDB" })
    expect(credentialsFromPostfixAdmin({ database_type: 'mysqli', database_user: '' })).toEqual({ ok: false, reason: "PostfixAdmin's config has no database_user or database_name" })
  })

  it('reports a config php cannot run as remote-failed, not as empty settings', () => {
    expect(() => parsePostfixAdminDbOutput('PHP Parse error: syntax error')).toThrow(/no output markers/)
  })
})

describe('host names as MySQL clients read them', () => {
  it.each([
    [['localhost'], { kind: 'default-socket', port: 3306 }],
    [['LOCALHOST', '3307'], { kind: 'default-socket', port: 3307 }],
    [[''], { kind: 'default-socket', port: 3306 }],
    [['127.0.0.1'], { kind: 'tcp', host: '127.0.0.1', port: 3306 }],
    [['127.0.0.1', '3308'], { kind: 'tcp', host: '127.0.0.1', port: 3308 }],
    [['172.30.33.66:3308'], { kind: 'tcp', host: '172.30.33.66', port: 3308 }],
    [['localhost:3307'], { kind: 'tcp', host: '127.0.0.1', port: 3307 }],
    [['localhost:/var/lib/mysql/mysql.sock'], { kind: 'socket', path: '/var/lib/mysql/mysql.sock' }],
    [['p:db.example.net'], { kind: 'tcp', host: 'db.example.net', port: 3306 }],
    [['[::1]:3307'], { kind: 'tcp', host: '::1', port: 3307 }],
    [['::1'], { kind: 'tcp', host: '::1', port: 3306 }],
    [['unix:/run/mysqld/mysqld.sock'], { kind: 'socket', path: '/run/mysqld/mysqld.sock' }],
    [['inet:db1:3307'], { kind: 'tcp', host: 'db1', port: 3307 }],
    [['/run/mysqld/mysqld.sock'], { kind: 'socket', path: '/run/mysqld/mysqld.sock' }],
    [['localhost', '', '/var/run/mysql/mysqld.sock'], { kind: 'socket', path: '/var/run/mysql/mysqld.sock' }],
  ] as const)('%j', (args, expected) => {
    expect(parseDbHost(...(args as unknown as [string, string?, string?]))).toEqual(expected)
  })
})

describe('Postfix mysql maps', () => {
  it('finds the map files in postconf -h output (proxy:mysql:, mysql:, once each)', () => {
    const out = [
      'proxy:mysql:/etc/postfix/sql/mysql_virtual_mailbox_maps.cf, proxy:mysql:/etc/postfix/sql/mysql_virtual_alias_domain_mailbox_maps.cf',
      'proxy:mysql:/etc/postfix/sql/mysql_virtual_alias_maps.cf,hash:/etc/postfix/virtual mysql:/etc/postfix/sql/mysql_virtual_alias_maps.cf',
      '',
      '${{$compatibility_level} <level {2} ? {$mydestination} : {}}',
    ].join('\n')
    expect(postfixMysqlMapFiles(out)).toEqual(['/etc/postfix/sql/mysql_virtual_mailbox_maps.cf', '/etc/postfix/sql/mysql_virtual_alias_domain_mailbox_maps.cf', '/etc/postfix/sql/mysql_virtual_alias_maps.cf'])
  })

  it('reads user, password, dbname and the first of several hosts', () => {
    const cf = `# mysql_virtual_mailbox_maps.cf
user = postfix
password = s3cret = with equals
hosts = unix:/var/lib/mysql/mysql.sock inet:10.0.0.5:3306
dbname = postfix
query           = SELECT maildir FROM mailbox WHERE username='%s'
  AND active = '1'
`
    expect(credentialsFromPostfixMysqlCf(cf)).toEqual({
      ok: true,
      found: { host: { kind: 'socket', path: '/var/lib/mysql/mysql.sock' }, user: 'postfix', password: 's3cret = with equals', database: 'postfix', configTable: 'config' },
    })
    expect(credentialsFromPostfixMysqlCf('user = x\nhosts = localhost\n')).toEqual({ ok: false, reason: 'the map has no dbname' })
  })
})

describe('Dovecot SQL config', () => {
  const P = '/etc/dovecot/dovecot-sql.conf.ext'
  it('finds the sql args files in doveconf -n', () => {
    const out = `passdb {
  args = /etc/dovecot/dovecot-sql.conf.ext
  driver = sql
}
passdb {
  args = scheme=CRYPT username_format=%u /etc/dovecot/users
  driver = passwd-file
}
userdb {
  args = /etc/dovecot/dovecot-sql.conf.ext
  driver = sql
}
userdb prefetch {
  driver = prefetch
}`
    expect(dovecotSqlConfigFiles(out)).toEqual(['/etc/dovecot/dovecot-sql.conf.ext'])
  })

  it('reads the connect line, quoted or not, socket host or TCP host with port', () => {
    expect(credentialsFromDovecotSqlConf('driver = mysql\nconnect = host=/run/mysqld/mysqld.sock dbname=postfix user=postfix password=pw\n')).toEqual({
      ok: true,
      found: { host: { kind: 'socket', path: '/run/mysqld/mysqld.sock' }, user: 'postfix', password: 'pw', database: 'postfix', configTable: 'config' },
    })
    expect(credentialsFromDovecotSqlConf('driver = mysql\n#connect = host=old\nconnect = "host=127.0.0.1 port=3307 dbname=mail user=dovecot password=x"\n')).toMatchObject({
      ok: true,
      found: { host: { kind: 'tcp', host: '127.0.0.1', port: 3307 }, user: 'dovecot', database: 'mail' },
    })
    expect(credentialsFromDovecotSqlConf('driver = pgsql\nconnect = host=x dbname=y user=z\n')).toEqual({ ok: false, reason: "Dovecot's SQL driver is 'pgsql', not mysql" })
  })

  it('several host=: the first, where Dovecot opens its first connection (it uses them all); other keys: the last', () => {
    const text = 'driver = mysql\nconnect = host=10.0.0.5 port=3307 host=10.0.0.6 dbname=old dbname=mail user=dovecot password=pw\n'
    expect(credentialsFromDovecotSqlConf(text, P)).toEqual({ ok: true, found: { host: { kind: 'tcp', host: '10.0.0.5', port: 3307 }, user: 'dovecot', password: 'pw', database: 'mail', configTable: 'config' } })
    // the connect line set twice: the last line counts
    expect(credentialsFromDovecotSqlConf('driver = mysql\nconnect = host=old dbname=a user=b\nconnect = host=/run/mysqld/mysqld.sock dbname=mail user=u\n', P)).toMatchObject({ ok: true, found: { host: { kind: 'socket', path: '/run/mysqld/mysqld.sock' }, database: 'mail' } })
  })

  it('reads a connect line continued with backslashes, comments between and after', () => {
    const text = ['# Dovecot SQL', 'driver = mysql # the driver', 'connect = host=localhost \\', '  # on this line a comment only', '  dbname=postfix user=postfix \\', '\tpassword=pw#1 # the ambiguous # cuts the password, as Dovecot does', ''].join('\n')
    expect(credentialsFromDovecotSqlConf(text, P)).toEqual({ ok: true, found: { host: { kind: 'default-socket', port: 3306 }, user: 'postfix', password: 'pw', database: 'postfix', configTable: 'config' } })
  })

  it('quoted values: the whole connect value unquoted and unescaped; quotes inside it are part of the value', () => {
    expect(credentialsFromDovecotSqlConf('driver = "mysql"\nconnect = "host=db dbname=mail user=u password=a\\"b#c"\n', P)).toMatchObject({ ok: true, found: { password: 'a"b#c' } })
    expect(credentialsFromDovecotSqlConf("driver = mysql\nconnect = host=db dbname=mail user=u password='x'\n", P)).toMatchObject({ ok: true, found: { password: "'x'" } })
  })

  it('a missing user or dbname, a file or connect line Dovecot refuses: a clear reason that never quotes the password', () => {
    expect(credentialsFromDovecotSqlConf('driver = mysql\nconnect = host=db password=pw\n', P)).toEqual({ ok: false, reason: 'the connect line has no user or dbname' })
    expect(credentialsFromDovecotSqlConf('driver = mysql\nconnect = host=db user=u password=pw\n', P)).toEqual({ ok: false, reason: 'the connect line has no dbname' })
    expect(credentialsFromDovecotSqlConf('connect = host=db dbname=d user=u\n', P)).toEqual({ ok: false, reason: 'no driver = mysql line' })
    expect(credentialsFromDovecotSqlConf('driver = mysql\n', P)).toEqual({ ok: false, reason: `Dovecot would not load it: sql: connect string not set in configuration file ${P}` })
    expect(credentialsFromDovecotSqlConf('driver = mysql\nconnect = host=db dbname=d user=u\npasword_query = SELECT 1\n', P)).toEqual({
      ok: false,
      reason: `Dovecot would not load it: Error in configuration file ${P} line 3: Unknown setting: pasword_query`,
    })
    const spaced = credentialsFromDovecotSqlConf('driver = mysql\nconnect = "host=db dbname=d user=u password=open sesame"\n', P)
    expect(spaced).toMatchObject({ ok: false, reason: expect.stringMatching(/^Dovecot's mysql driver refuses the connect line: Missing value in connect string/) })
    expect(JSON.stringify(spaced)).not.toMatch(/open|sesame/)
    expect(credentialsFromDovecotSqlConf('driver = mysql\nconnect = dbname=d user=u password=pw\n', P)).toEqual({ ok: false, reason: "Dovecot's mysql driver refuses the connect line: No hosts given in connect string" })
  })

  it('discovery and the push check read the same host, port, user, password and database from the same text', async () => {
    const texts = [
      'driver = mysql\nconnect = host=/var/lib/mysql/mysql.sock \\\n  host=10.0.0.9 dbname=mail user=dovecot password=pw1 user=vmail\n',
      'driver = mysql\nconnect = "hostaddr=192.0.2.4 port=3310 host=db1 dbname=postfix user=postfix password=p\\"w"\n',
      'driver = mysql\n# connect = host=old\nconnect = host=db.example.net port=3307 dbname=a dbname=b user=u password=x # trailing\n',
    ]
    for (const text of texts) {
      const found = credentialsFromDovecotSqlConf(text, P)
      if (!found.ok) throw new Error(found.reason)
      // The push check writes the connection it opens as a mysql option file inside its script.
      let script = ''
      const check = await checkSqlDriverFiles([{ path: P, content: Buffer.from(text), owner: 'dovecot', kind: 'dovecot-sql', expectedSha256: null }], async (s) => {
        script = s
        return { code: 0, stdout: `${SECTION}noclient\n`, stderr: '' }
      })
      const cnf = /cat > "\$D\/c0\.cnf" <<'[^']+'\n([\s\S]*?)\n[^\n]*\ncat > "\$D\/c0\.sql"/.exec(script)?.[1] ?? ''
      const opt = (k: string) => {
        const v = new RegExp(`^${k}="((?:[^"\\\\]|\\\\.)*)"$`, 'm').exec(cnf)?.[1]
        return v?.replace(/\\(.)/g, '$1')
      }
      const port = /^port=(\d+)$/m.exec(cnf)?.[1]
      const checked = { host: parseDbHost(opt('socket') ?? opt('host'), port), user: opt('user'), password: opt('password'), database: opt('database') }
      expect(checked).toEqual({ host: found.found.host, user: found.found.user, password: found.found.password, database: found.found.database })
      // with several host= the check says it opens only the first
      const note = check.verdicts.find((v) => v.output.includes('hosts ('))?.output
      if (text === texts[0]) expect(note).toContain('note: connect names 2 hosts (/var/lib/mysql/mysql.sock, 10.0.0.9)')
      else expect(note).toBeUndefined()
    }
  })
})
