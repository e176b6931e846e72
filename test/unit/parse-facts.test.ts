import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FACTS_SCRIPT } from '../../electron/services/facts/facts-script'
import { parseDatabaseVersion, parseFacts, parseRedhatRelease, unquoteOsRelease } from '../../electron/services/facts/parse-facts'
import { ServerFacts } from '../../shared/domain/facts'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/facts', name), 'utf8')
const AT = '2026-11-28T08:00:00.000Z'

describe('parseFacts on fixture outputs', () => {
  it('reads the Debian 12 test server (SysV without systemd, package PostfixAdmin, schema 1847)', () => {
    expect(parseFacts(fixture('debian12-test-server.txt'), AT)).toEqual({
      hostname: 'vm',
      os: { id: 'debian', name: 'Debian GNU/Linux', version: '12', pretty: 'Debian GNU/Linux 12 (bookworm)' },
      kernel: '6.18.44-fc-v657',
      initSystem: 'sysv',
      postfix: { version: '3.7.11' },
      dovecot: { version: '2.3.19.1' },
      database: { flavor: 'mariadb', version: '10.11.19' },
      // The package says 3.3.13 while Debian's config.inc.php still says 3.3.11: the package wins.
      postfixadmin: { path: '/usr/share/postfixadmin', configPath: '/etc/postfixadmin/config.local.php', version: '3.3.13', schemaVersion: 1847 },
      mailLog: '/var/log/mail.log',
      firewall: { iptables: '1.8.9 (nf_tables)', nft: '1.0.6', firewalld: false, ufw: false },
      collectedAt: AT,
    } satisfies ServerFacts)
  })

  it('reads a CentOS 6 server (redhat-release, /usr/libexec/mysqld, tarball PostfixAdmin, no schema access)', () => {
    expect(parseFacts(fixture('centos6-sysv-remi.txt'), AT)).toEqual({
      hostname: 'www1234ab.sakura.ne.jp',
      os: { id: 'centos', name: 'CentOS', version: '6.10', pretty: 'CentOS release 6.10 (Final)' },
      kernel: '2.6.32-754.35.1.el6.x86_64',
      initSystem: 'sysv',
      postfix: { version: '2.6.6' },
      dovecot: { version: '2.2.10' },
      database: { flavor: 'mysql', version: '5.5.62' },
      postfixadmin: { path: '/usr/share/postfixadmin', configPath: '/usr/share/postfixadmin/config.local.php', version: '2.3.7', schemaVersion: null },
      mailLog: '/var/log/maillog',
      firewall: { iptables: '1.4.7', nft: null, firewalld: false, ufw: false },
      collectedAt: AT,
    } satisfies ServerFacts)
  })

  it('reads an AlmaLinux 9 server (systemd, firewalld, the newer of two mail logs)', () => {
    const f = parseFacts(fixture('alma9-systemd-firewalld.txt'), AT)
    expect(f.os).toEqual({ id: 'almalinux', name: 'AlmaLinux', version: '9.4', pretty: 'AlmaLinux 9.4 (Seafoam Ocelot)' })
    expect(f.initSystem).toBe('systemd')
    expect(f.dovecot).toEqual({ version: '2.3.16' })
    expect(f.database).toEqual({ flavor: 'mariadb', version: '10.5.22' })
    expect(f.postfixadmin).toEqual({ path: '/var/www/html/postfixadmin', configPath: '/var/www/html/postfixadmin/config.local.php', version: '3.3.13', schemaVersion: 1847 })
    expect(f.mailLog).toBe('/var/log/maillog')
    expect(f.firewall).toEqual({ iptables: '1.8.10 (nf_tables)', nft: '1.0.9', firewalld: true, ufw: false })
  })
})

describe('parseFacts edge cases', () => {
  const minimal = 'hostname=h\nkernel=k\ninit=sysv\nfirewalld=0\nufw=0\nend=1\n'

  it('refuses an output cut off before end=1 with remote-failed', () => {
    expect(() => parseFacts('hostname=h\ninit=sysv\n', AT)).toThrow(expect.objectContaining({ code: 'remote-failed' }))
  })

  it('gives nulls for everything not found, and "unknown" for an OS without os-release or redhat-release', () => {
    expect(parseFacts(minimal, AT)).toMatchObject({
      os: { id: 'unknown', name: 'Unknown', version: '', pretty: 'Unknown' },
      postfix: null,
      dovecot: null,
      database: null,
      postfixadmin: null,
      mailLog: null,
      firewall: { iptables: null, nft: null, firewalld: false, ufw: false },
    })
  })

  it("uses Postfix's maillog_file when set, and tolerates CRLF output", () => {
    const out = (minimal + 'maillog_file=/var/log/postfix.log\nmaillog.candidate=99 /var/log/mail.log\n').replace(/\n/g, '\r\n')
    expect(parseFacts(out, AT).mailLog).toBe('/var/log/postfix.log')
  })

  it('maps an unknown init value to unknown and a non-numeric schema to null', () => {
    const f = parseFacts(minimal.replace('init=sysv', 'init=runit') + 'postfixadmin.path=/p\npostfixadmin.schema=ERROR 1045\n', AT)
    expect(f.initSystem).toBe('unknown')
    expect(f.postfixadmin).toEqual({ path: '/p', configPath: null, version: null, schemaVersion: null })
  })

  it('ignores a package that is not installed (dpkg status other than ii)', () => {
    const f = parseFacts(minimal + "postfixadmin.path=/p\npostfixadmin.package=un \npostfixadmin.version-line=$CONF['version'] = '3.2.4';\n", AT)
    expect(f.postfixadmin?.version).toBe('3.2.4')
  })

  it('unquotes os-release values as a shell would', () => {
    expect(unquoteOsRelease('"Debian GNU/Linux 12 (bookworm)"')).toBe('Debian GNU/Linux 12 (bookworm)')
    expect(unquoteOsRelease("'single quoted'")).toBe('single quoted')
    expect(unquoteOsRelease('bare')).toBe('bare')
    expect(unquoteOsRelease('"a \\"b\\" \\$c \\\\d"')).toBe('a "b" $c \\d')
  })

  it.each([
    ['Red Hat Enterprise Linux Server release 6.10 (Santiago)', { id: 'rhel', name: 'Red Hat Enterprise Linux Server', version: '6.10' }],
    ['CentOS Linux release 7.9.2009 (Core)', { id: 'centos', name: 'CentOS', version: '7.9.2009' }],
    ['Scientific Linux release 6.10 (Carbon)', { id: 'scientific', name: 'Scientific', version: '6.10' }],
  ])('reads /etc/redhat-release "%s"', (line, want) => {
    expect(parseRedhatRelease(line)).toEqual({ ...want, pretty: line })
  })

  it.each([
    ['mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)', 'mariadb', '10.11.6'],
    ['mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper', 'mariadb', '10.11.6'],
    ['mysql from 11.4.2-MariaDB, client 15.2 for debian-linux-gnu (x86_64) using  EditLine wrapper', 'mariadb', '11.4.2'],
    ['/usr/sbin/mysqld  Ver 8.0.35 for Linux on x86_64 (MySQL Community Server - GPL)', 'mysql', '8.0.35'],
    ['mysql  Ver 8.0.35 for Linux on x86_64 (MySQL Community Server - GPL)', 'mysql', '8.0.35'],
    ['/usr/libexec/mysqld  Ver 5.1.73 for redhat-linux-gnu on x86_64 (Source distribution)', 'mysql', '5.1.73'],
    ['mysqld  Ver 5.5.68-MariaDB for Linux on x86_64 (MariaDB Server)', 'mariadb', '5.5.68'],
  ])('reads the database version line "%s"', (line, flavor, version) => {
    expect(parseDatabaseVersion(line)).toEqual({ flavor, version })
  })

  it('has no database for an empty or unparseable line', () => {
    expect(parseDatabaseVersion('')).toBeNull()
    expect(parseDatabaseVersion('command not found')).toBeNull()
  })
})

describe('the facts script itself', () => {
  const shells = ['/bin/sh', '/bin/dash', '/bin/bash', '/bin/busybox'].filter((s) => existsSync(s))

  for (const shell of shells) {
    it(`is valid for ${shell} and, run here, ends with end=1 and parses`, () => {
      const args = shell.endsWith('busybox') ? ['sh', '-s'] : ['-s']
      const out = execFileSync(shell, args, { input: FACTS_SCRIPT, encoding: 'utf8', timeout: 30_000 })
      expect(out.trimEnd().split('\n').at(-1)).toBe('end=1')
      const f = parseFacts(out, AT)
      expect(f.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim())
      expect(f.hostname).toBe(execFileSync('uname', ['-n'], { encoding: 'utf8' }).trim())
    })
  }

  it('does not let a probe eat the rest of the script from stdin', () => {
    // `cat` would read stdin if the body were not run with </dev/null: the end marker proves it was not.
    const script = FACTS_SCRIPT.replace('kv end 1', 'cat\n  kv end 1')
    expect(execFileSync('/bin/sh', ['-s'], { input: script, encoding: 'utf8' })).toMatch(/end=1\n$/)
  })
})
