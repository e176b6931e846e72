// The offline config engine against the test mail server's live configs and its own validators:
// the server's files (on this machine: the test VPS shares the file system) lint clean, and on
// broken copies the linter and postconf/doveconf name the same problems.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfigFiles } from '../../electron/services/config/load-config-files'
import { lintConfigSet } from '../../shared/config/lint-config-set'

const postfixVersion = execFileSync('postconf', ['-h', 'mail_version'], { encoding: 'utf8' }).trim()
const dovecotVersion = execFileSync('dovecot', ['--version'], { encoding: 'utf8' }).split(' ')[0]!.trim()
const work = mkdtempSync(join(tmpdir(), 'pd-lint-live-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the live test mail server configs', () => {
  it('lint without errors or warnings (the server runs with them)', async () => {
    const loaded = await loadConfigFiles(['/etc/postfix/main.cf', '/etc/postfix/master.cf', '/etc/dovecot/dovecot.conf', '/etc/postfixadmin/config.local.php'], { root: '/' })
    expect(loaded.unreadable).toEqual([])
    const r = lintConfigSet({ files: loaded.files, postfixVersion, dovecotVersion })
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`)).toEqual([])
    expect(r.files.filter((f) => f.kind === 'dovecot').length).toBeGreaterThan(10)
  })
})

describe('the linter agrees with postconf and doveconf', () => {
  it('postconf "unused parameter" warnings are the linter\'s unknown/unused parameters', () => {
    const dir = join(work, 'postfix')
    execFileSync('mkdir', ['-p', dir])
    const main =
      readFileSync('/etc/postfix/main.cf', 'utf8') +
      'smtpd_recipient_restrictoins = permit_mynetworks\nunreferenced_thing = 1\nmy_nets = 10.0.0.0/8\nmynetworks = 127.0.0.0/8 $my_nets\nlmtp_destination_recipient_limit = 1\ndovecot_destination_recipient_limit = 1\n'
    writeFileSync(join(dir, 'main.cf'), main)
    writeFileSync(
      join(dir, 'master.cf'),
      readFileSync('/etc/postfix/master.cf', 'utf8') + 'extra unix - n n - - pipe flags=F user=nobody argv=/bin/true\n  -o pipe_override_param=1\n127.0.0.1:10025 inet n - n - - smtpd\n  -o bogus_override_param=1\n',
    )
    const out = spawnSync('postconf', ['-c', dir, '-n'], { encoding: 'utf8' })
    const postconfUnused = [...out.stderr.matchAll(/unused parameter: ([^=]+)=/g)].map((m) => m[1]).sort()
    const r = lintConfigSet({
      files: [
        { path: '/etc/postfix/main.cf', text: main },
        { path: '/etc/postfix/master.cf', text: readFileSync(join(dir, 'master.cf'), 'utf8') },
      ],
      postfixVersion,
    })
    const ours = r.findings.filter((f) => f.code === 'postfix.unknown-parameter' || f.code === 'postfix.unused-transport-parameter').map((f) => (f.message.split(' ')[0] as string)).sort()
    expect(postconfUnused).toEqual(['bogus_override_param', 'dovecot_destination_recipient_limit', 'smtpd_recipient_restrictoins', 'unreferenced_thing'])
    expect(ours).toEqual(postconfUnused)
  })

  it('what doveconf refuses (exit 89) is an error-level finding on the same line', () => {
    const cases = [
      'mail_locaton = maildir:~/Maildir\n',
      'service imap-login {\n  inet_listener imap {\n    prot = 143\n  }\n}\n',
      'namspace inbox {\n}\n',
      'protocol imap {\n  protocol pop3 {\n  }\n}\n',
      'service imap {\n',
      'mail_plugins $x\n',
      'stats_memory_limit = 16M\n',
    ]
    for (const text of cases) {
      const file = join(work, 'dovecot.conf')
      writeFileSync(file, text)
      const r = spawnSync('doveconf', ['-c', file, '-n'], { encoding: 'utf8' })
      expect(r.status, text).toBe(89)
      const line = Number(/line (\d+)/.exec(r.stderr)?.[1] ?? 1)
      const errors = lintConfigSet({ files: [{ path: '/etc/dovecot/dovecot.conf', text }], dovecotVersion }).findings.filter((f) => f.severity === 'error')
      expect(errors.map((f) => f.line), `${text} -> doveconf: ${r.stderr}`).toContain(line)
    }
  })

  it('what doveconf accepts with an "Obsolete setting" warning is a warning, not an error', () => {
    const text = 'ssl_protocols = !SSLv3\nssl_dh_parameters_length = 2048\n'
    const file = join(work, 'obsolete.conf')
    writeFileSync(file, text)
    const r = spawnSync('doveconf', ['-c', file, '-n'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stderr).toContain('Obsolete setting')
    const f = lintConfigSet({ files: [{ path: '/etc/dovecot/dovecot.conf', text }], dovecotVersion }).findings
    expect(f.map((x) => `${x.line} ${x.severity} ${x.code}`)).toEqual(['1 warning dovecot.obsolete-setting', '2 warning dovecot.obsolete-setting'])
  })
})
