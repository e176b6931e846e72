import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { collectTlsFileReferences, parseTlsCheckOutput, TLS_CHECK_SCRIPT, tlsFileFindings, tlsPathsToCheck, type TlsSourceFile } from '../../../shared/config/tls-file-references'

const mainCf = [
  '# TLS',
  'smtpd_tls_cert_file = /etc/ssl/old.pem',
  'smtpd_tls_cert_file = /etc/ssl/certs/mail.pem',
  'smtpd_tls_key_file=${config_directory}/mail.key',
  'smtp_tls_CAfile = $ca_file',
  'smtpd_tls_chain_files = /etc/ssl/a.pem,',
  '    /etc/ssl/b.pem',
  'smtp_tls_CApath = /etc/ssl/certs',
  'config_directory = /etc/pf',
  '',
].join('\n')
const masterCf = ['submission inet n - y - - smtpd', '  -o smtpd_tls_cert_file=/etc/ssl/sub.pem', '  -o smtpd_tls_security_level=encrypt', ''].join('\n')
const dovecot = ['ssl = required', 'ssl_cert = </etc/ssl/certs/dovecot.pem', '#ssl_key = </etc/ssl/commented.key', 'ssl_key = </etc/ssl/private/dovecot.key', 'ssl_server_ca_file = /etc/ssl/ca.pem', 'ssl_cipher_list = ALL', ''].join('\n')
const apache = ['<VirtualHost *:443>', '  #SSLCertificateFile /etc/ssl/commented.pem', '  SSLCertificateFile    "/etc/ssl/apache.pem"', '  SSLCertificateKeyFile /etc/ssl/apache.key', '</VirtualHost>', ''].join('\n')
const files: TlsSourceFile[] = [
  { path: '/etc/postfix/main.cf', kind: 'postfix-main', text: mainCf },
  { path: '/etc/postfix/master.cf', kind: 'postfix-master', text: masterCf },
  { path: '/etc/dovecot/conf.d/10-ssl.conf', kind: 'dovecot', text: dovecot },
  { path: '/etc/apache2/sites-enabled/pfa.conf', kind: 'apache', text: apache },
]

describe('TLS file references', () => {
  const refs = collectTlsFileReferences(files)

  it('finds the cert/key/CA/chain paths of Postfix (main.cf, the last setting wins; master.cf -o), Dovecot (<file and 2.4 paths) and Apache, with line and column', () => {
    expect(refs.map((r) => [r.file.split('/').pop(), r.setting, r.path, r.line, r.column])).toEqual([
      ['main.cf', 'smtpd_tls_cert_file', '/etc/ssl/certs/mail.pem', 3, 23],
      ['main.cf', 'smtpd_tls_key_file', '/etc/pf/mail.key', 4, 20],
      ['main.cf', 'smtpd_tls_chain_files', '/etc/ssl/a.pem', 6, 25],
      ['main.cf', 'smtpd_tls_chain_files', '/etc/ssl/b.pem', 7, 5],
      ['master.cf', 'submission/inet -o smtpd_tls_cert_file', '/etc/ssl/sub.pem', 2, 26],
      ['10-ssl.conf', 'ssl_cert', '/etc/ssl/certs/dovecot.pem', 2, 13],
      ['10-ssl.conf', 'ssl_key', '/etc/ssl/private/dovecot.key', 4, 12],
      ['10-ssl.conf', 'ssl_server_ca_file', '/etc/ssl/ca.pem', 5, 22],
      ['pfa.conf', 'SSLCertificateFile', '/etc/ssl/apache.pem', 3, 26],
      ['pfa.conf', 'SSLCertificateKeyFile', '/etc/ssl/apache.key', 4, 25],
    ])
    // The span covers the path as written.
    for (const r of refs.filter((x) => !x.path.startsWith('/etc/pf/'))) {
      const text = files.find((f) => f.path === r.file)?.text as string
      expect(text.slice(r.span.from, r.span.to)).toBe(r.path)
    }
  })

  it('turns the server states into error findings at the path (file:line:column, hint); ok paths give none', () => {
    const states = new Map([
      ['/etc/ssl/certs/mail.pem', 'missing' as const],
      ['/etc/ssl/private/dovecot.key', 'unreadable' as const],
      ['/etc/ssl/a.pem', 'not-file' as const],
      ['/etc/ssl/b.pem', 'ok' as const],
    ])
    const f = tlsFileFindings(files, refs, states)
    expect(f.map((x) => [x.file, x.line, x.column, x.severity, x.code])).toEqual([
      ['/etc/dovecot/conf.d/10-ssl.conf', 4, 12, 'error', 'config.tls-file-unreadable'],
      ['/etc/postfix/main.cf', 3, 23, 'error', 'config.tls-file-missing'],
      ['/etc/postfix/main.cf', 6, 25, 'error', 'config.tls-file-not-file'],
    ])
    expect(f[1]?.message).toBe('smtpd_tls_cert_file: /etc/ssl/certs/mail.pem does not exist on the server')
    expect(f[1]?.hint).toMatch(/Postfix cannot start TLS/)
    expect(f[0]?.hint).toMatch(/Dovecot/)
    expect(tlsFileFindings(files, refs, new Map())).toEqual([])
  })

  describe('the check script (run here by sh, as on the server)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-tls-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('says ok, missing, not-file (a directory, a dangling link counts as missing), one line per path argument', () => {
      writeFileSync(join(dir, 'cert.pem'), 'x')
      mkdirSync(join(dir, 'sub'))
      spawnSync('ln', ['-s', join(dir, 'gone'), join(dir, 'dangling')])
      writeFileSync(join(dir, 'secret.key'), 'k')
      chmodSync(join(dir, 'secret.key'), 0o000)
      const paths = [join(dir, 'cert.pem'), join(dir, 'nope.pem'), join(dir, 'sub'), join(dir, 'dangling'), join(dir, 'with space $(id).pem'), join(dir, 'secret.key')]
      const r = spawnSync('sh', ['-c', TLS_CHECK_SCRIPT, 'sh', ...paths], { encoding: 'utf8' })
      expect(r.status).toBe(0)
      const states = parseTlsCheckOutput(paths, r.stdout)
      expect([...states.values()].slice(0, 5)).toEqual(['ok', 'missing', 'not-file', 'missing', 'missing'])
      // root reads a 0000 file; anyone else cannot
      expect(states.get(join(dir, 'secret.key'))).toBe(process.getuid?.() === 0 ? 'ok' : 'unreadable')
      expect(tlsPathsToCheck([...refs, ...refs])).toHaveLength(new Set(refs.map((x) => x.path)).size)
    })
  })
})
