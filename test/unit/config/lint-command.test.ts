import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { registerLint, type LintIo } from '../../../electron/cli/commands/lint'
import { FIXTURES } from './fixture-set'

async function run(args: string[], cwd = FIXTURES): Promise<{ out: string; err: string; exitCode: number }> {
  const got = { out: '', err: '', exitCode: 0 }
  const io: LintIo = { out: (t) => (got.out += t), err: (t) => (got.err += t), cwd: () => cwd, setExitCode: (c) => (got.exitCode = c) }
  const program = new Command('postdesk').exitOverride()
  registerLint(program, io)
  await program.parseAsync(['lint', ...args], { from: 'user' })
  return got
}

describe('postdesk lint', () => {
  const seed = ['main.cf', 'master.cf', 'dovecot.conf', 'config.local.php'].map((f) => join(FIXTURES, 'seed-centos6', f))

  it('lints several files as one set, prints file:line:col with the fix, exit 1 on errors', async () => {
    const r = await run([...seed, '--postfix-version', '2.6.6', '--dovecot-version', '2.3.19.1'])
    expect(r.exitCode).toBe(1)
    expect(r.out).toContain('seed-centos6/main.cf:66:39: warning: reject_invalid_hostname was renamed in Postfix 2.3; use reject_invalid_helo_hostname [postfix.deprecated-restriction]\n    fix: Replace reject_invalid_hostname with reject_invalid_helo_hostname.\n')
    expect(r.out).toContain("seed-centos6/dovecot.conf:7:25: error: Dovecot's mail_location stores mail under /home/maiuser")
    expect(r.out).toContain('    see seed-centos6/main.cf:20:39: virtual_mailbox_base = /home/mailuser\n')
    expect(r.out).toMatch(/\n\d+ errors, \d+ warnings, \d+ notes in 4 files \(checked for Postfix 2\.6\.6, Dovecot 2\.3\.19\.1\)\n$/)
  })

  it('--json: findings with relative paths and exact positions, and a summary', async () => {
    const r = await run([...seed, '--json'])
    const j = JSON.parse(r.out) as { findings: { file: string; line: number; column: number; code: string; serverPath: string }[]; summary: Record<string, number>; files: { kind: string }[] }
    const typo = j.findings.find((f) => f.code === 'cross.mail-location-outside-base')!
    expect([typo.file, typo.line, typo.column]).toEqual(['seed-centos6/dovecot.conf', 7, 25])
    expect(typo.serverPath).toBe(join(FIXTURES, 'seed-centos6/dovecot.conf'))
    expect(j.summary.errors).toBe(j.findings.filter((f) => (f as { severity?: string }).severity === 'error').length)
    expect(j.files.map((f) => f.kind).sort()).toEqual(['dovecot', 'postfix-main', 'postfix-master', 'postfixadmin-php'])
    expect(r.exitCode).toBe(1)
  })

  it('--root: a copied server tree; includes and referenced maps are read too; clean config exits 0', async () => {
    const root = join(FIXTURES, 'test-server-debian12')
    const r = await run(['--root', root, join(root, 'etc/postfix/main.cf'), join(root, 'etc/postfix/master.cf'), join(root, 'etc/dovecot/dovecot.conf'), join(root, 'etc/postfixadmin/config.local.php'), '--json'])
    const j = JSON.parse(r.out) as { findings: unknown[]; files: { path: string; kind: string }[] }
    expect(j.findings).toEqual([])
    expect(r.exitCode).toBe(0)
    const paths = j.files.map((f) => f.path)
    expect(paths).toContain('/etc/dovecot/conf.d/10-master.conf')
    expect(paths).toContain('/etc/postfix/sql/mysql_virtual_mailbox_maps.cf')
    expect(paths).toContain('/etc/dovecot/dovecot-sql.conf.ext')
    expect(j.files.find((f) => f.path === '/etc/postfix/sql/mysql_virtual_mailbox_maps.cf')?.kind).toBe('postfix-db-map')
  })

  it('--type forces the file type (e.g. a cidr table with any name)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-lint-'))
    const file = join(dir, 'clients')
    writeFileSync(file, '192.0.2.1/24 REJECT\n198.51.100.0/24 OK\n')
    const r = await run(['--type', 'map:cidr', file], dir)
    expect(r.out).toContain('clients:1:1: error: "192.0.2.1/24" has host bits set')
    expect(r.out).toContain('    fix: Write 192.0.2.0/24.\n')
    expect(r.exitCode).toBe(1)
    await expect(run(['--type', 'nonsense', file], dir)).rejects.toThrow(/--type must be one of/)
  })

  it('an unreadable file is an error of the command, not a finding', async () => {
    await expect(run(['/nonexistent/main.cf'])).rejects.toThrow('cannot read /nonexistent/main.cf (ENOENT)')
  })
})
