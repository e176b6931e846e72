// The static reader against PHP itself: the same files are read statically and run by php-cli with
// effectiveConfigCommand(); every value the reader calls literal must equal PHP's.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { effectiveConfigCommand, parseEffectiveConfigOutput, readPostfixAdminConfigStatic } from '../../../electron/services/mail/postfixadmin-config'
import { tokenizePhp } from '../../../shared/config/postfixadmin/php-config-tokens'
import type { ConfJson } from '../../../shared/mail/postfixadmin-settings'

const fixtures = new URL('../../fixtures/postfixadmin/', import.meta.url)
const fixture = (p: string): string => readFileSync(new URL(p, fixtures), 'utf8')
// One copy of the seed's config.local.php serves the config lint and these tests.
const seedAsQuoted = fixture('../configs/seed-centos6/config.local.php')
// The blog export turned `<?php` into `<!--?php` (PHP would print such a file and set nothing) and
// indentation into U+00A0 (PHP would fail to parse it): restored explicitly for the PHP comparisons.
const seedLocal = seedAsQuoted.replace(/^<!--\?php/, '<?php').replace(/\u00a0/g, ' ')
const debianInc = fixture('debian-3.3.13/config.inc.php')
const dbconfig = fixture('synthetic/dbconfig.inc.php')
const tricky = fixture('synthetic/tricky-config.php')

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** Lays the files out as on a server and runs the effective-$CONF command with the local php. */
function effective(files: Record<string, string>, incName = 'config.inc.php', redactKeys?: string[]): Record<string, ConfJson> {
  if (!existsSync('/usr/bin/php')) throw new Error('php-cli is required for this test (test/vps/up.sh installs it)')
  const dir = mkdtempSync(join(tmpdir(), 'pfa-conf-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const argv = effectiveConfigCommand({ configIncPath: join(dir, incName), ...(redactKeys ? { redactKeys } : {}) })
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', cwd: '/' })
  if (r.status !== 0) throw new Error(`php exited ${r.status}: ${r.stderr}`)
  return parseEffectiveConfigOutput(r.stdout)
}

describe('static reader vs php on the same files', () => {
  it('a tricky hand-written config: every literal value equals PHP; the rest is reported', () => {
    const php = effective({ 'config.inc.php': tricky })
    const st = readPostfixAdminConfigStatic([{ name: 'tricky-config.php', text: tricky }])
    expect(st.dynamicKeys.sort()).toEqual(['call', 'constant', 'interpolated'])
    const conditional = new Set(st.assignments.filter((a) => a.conditional).map((a) => String(a.path[0])))
    expect([...conditional].sort()).toEqual(['in_else', 'in_if'])
    for (const key of Object.keys(php)) {
      if (st.dynamicKeys.includes(key)) continue
      expect(st.conf[key], key).toEqual(php[key])
    }
    expect(Object.keys(st.conf).filter((k) => !(k in php))).toEqual(['in_else']) // both branches are read
    expect(st.conf.inside_function).toBeUndefined()
    expect(st.conf.keys).toEqual({ 8: 'eight', 9: 'a', 7: 'seven', 10: 'b', '08': 'string key', 1: 'one' })
  })

  it("Debian's config.inc.php with dbconfig.inc.php and the seed's config.local.php: identical to PHP", () => {
    const php = effective({ 'config.inc.php': debianInc, 'dbconfig.inc.php': dbconfig, 'config.local.php': seedLocal }, 'config.inc.php', [])
    const st = readPostfixAdminConfigStatic([
      { name: 'dbconfig.inc.php', text: dbconfig },
      { name: 'config.inc.php', text: debianInc },
      { name: 'config.local.php', text: seedLocal },
    ])
    expect(st.dynamicKeys).toEqual([])
    expect(st.conf).toEqual(php)
    expect(Object.keys(php).length).toBeGreaterThan(100)
  })

  it('without dbconfig.inc.php the database settings are dynamic, not guessed', () => {
    const st = readPostfixAdminConfigStatic([{ name: 'config.inc.php', text: debianInc }])
    expect(st.dynamicKeys.sort()).toEqual(['database_name', 'database_password', 'database_type', 'database_user'])
    expect(st.conf.database_host).toBe('localhost') // from the conditional default
    expect(st.warnings.some((w) => w.includes("require_once('dbconfig.inc.php')"))).toBe(true)
  })
})

describe("the seed's config.local.php", () => {
  it('as quoted (no open tag): nothing is set, with a warning', () => {
    const st = readPostfixAdminConfigStatic([{ name: 'config.local.php', text: seedAsQuoted }])
    expect(st.conf).toEqual({})
    expect(st.warnings[0]).toMatch(/no <\?php open tag/)
    expect(effective({ 'config.inc.php': seedAsQuoted })).toEqual({})
  })

  it('with its open tag but still its U+00A0 indentation: read, with the warning that PHP would not parse it', () => {
    const text = seedAsQuoted.replace(/^<!--\?php/, '<?php')
    const st = readPostfixAdminConfigStatic([{ name: 'config.local.php', text }])
    expect(st.conf.transport_options).toEqual(['virtual', 'local', 'relay'])
    expect(st.warnings.join('\n')).toMatch(/U\+00A0.*line\(s\) 38, 39, 40: PHP would fail to parse/)
    expect(() => effective({ 'config.inc.php': text })).toThrow(/Parse error/)
  })

  it('gives the settings Postdesk needs', () => {
    const { conf, settings } = readPostfixAdminConfigStatic([{ name: 'config.inc.php', text: debianInc.replace("require_once('dbconfig.inc.php');", '') }, { name: 'config.local.php', text: seedLocal }])
    expect(conf.special_alias_control).toBe('NO') // set twice; the last one wins
    expect(conf.transport_options).toEqual(['virtual', 'local', 'relay'])
    expect(settings).toMatchObject({
      encrypt: 'dovecot:CRAM-MD5',
      domainPath: true,
      domainInMailbox: false,
      quotaMultiplier: 1024000,
      quota: true,
      maxquota: 100,
      aliases: 50,
      mailboxes: 50,
      minPasswordLength: 6,
      usedQuotas: true,
      newQuotaTable: true,
      aliasDomain: true,
      createMailboxSubdirs: ['Drafts', 'Spam', 'Sent', 'Trash'],
      createMailboxSubdirsPrefix: '',
      transportDefault: 'virtual',
      logging: true,
    })
    expect(settings.defaultAliases.abuse).toBe('abuse@change-this-to-your.domain.tld')
    expect(settings.databaseTables.quota2).toBe('quota2')
  })
})

describe('effective $CONF command', () => {
  it('passes the path and redacted keys as argv, never inside the PHP code', () => {
    const argv = effectiveConfigCommand({ configIncPath: "/srv/it's here/config.inc.php" })
    expect(argv.slice(0, 4)).toEqual(['php', '-d', 'display_errors=stderr', '-r'])
    expect(argv[4]).not.toContain('/srv/')
    expect(argv.slice(5)).toEqual(['--', "/srv/it's here/config.inc.php", 'setup_password', 'admin_smtp_password'])
    expect(() => effectiveConfigCommand({ configIncPath: 'relative.php' })).toThrow()
  })

  it('redacts secrets Postdesk never needs and survives a config that prints', () => {
    const php = effective({ 'config.inc.php': debianInc, 'dbconfig.inc.php': dbconfig, 'config.local.php': `hello\n${seedLocal}\n?>\nmore html\n<?php echo "noise";` })
    expect(php.setup_password).toBe('**redacted**')
    expect(php.database_password).toBe('XXXXXXXXXX') // the seed's value: the DB layer needs it, so not redacted by default
    expect(php.encrypt).toBe('dovecot:CRAM-MD5')
  })

  it("reads this machine's installed PostfixAdmin (/etc/postfixadmin) like the static reader does", () => {
    const inc = '/etc/postfixadmin/config.inc.php'
    if (!existsSync(inc)) throw new Error('the PostfixAdmin package is required for this test (test/vps/up.sh installs it)')
    const argv = effectiveConfigCommand({ configIncPath: inc, redactKeys: [] })
    const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', cwd: '/' })
    expect(r.status, r.stderr).toBe(0)
    const php = parseEffectiveConfigOutput(r.stdout)
    const files = ['/etc/postfixadmin/dbconfig.inc.php', inc, '/etc/postfixadmin/config.local.php'].filter(existsSync)
    const st = readPostfixAdminConfigStatic(files.map((f) => ({ name: f, text: readFileSync(f, 'utf8') })))
    for (const key of Object.keys(php)) if (!st.dynamicKeys.includes(key)) expect(st.conf[key], key).toEqual(php[key])
    expect(typeof php.encrypt).toBe('string')
  })

  it('rejects output without its markers or with non-JSON', () => {
    expect(() => parseEffectiveConfigOutput('PHP Fatal error: ...')).toThrow(/markers/)
    expect(() => parseEffectiveConfigOutput('\n@@POSTDESK-CONF-BEGIN@@\n{nope\n@@POSTDESK-CONF-END@@\n')).toThrow(/JSON/)
  })
})

describe('PHP tokenizer details', () => {
  it('a ?> inside a line comment leaves PHP mode, as PHP does', () => {
    const { tokens } = tokenizePhp("<?php // comment ?> html $CONF['x'] = 1;")
    expect(tokens.map((t) => t.t)).toEqual(['close-tag'])
  })
  it('tracks line numbers across strings and comments', () => {
    const st = readPostfixAdminConfigStatic([{ name: 'f', text: "<?php\n/* a\nb */\n$CONF['a'] = 'x\ny';\n$CONF['b'] = 1;" }])
    expect(st.assignments.map((a) => a.line)).toEqual([4, 6])
  })
})

describe('readPhpConf (the configs lints) on the same reader', () => {
  it('spans, the last assignment, evaluated concatenations, a mangled open tag, look-alike spaces as problems', async () => {
    const { readPhpConf } = await import('../../../shared/config/postfixadmin/php-conf-reader')
    const text = "<!--?php\n$CONF['encrypt'] = 'md5crypt';\n$CONF['domain_path'] = 'Y' . 'ES';\n\u00a0\u00a0$CONF['encrypt'] = 'dovecot:SHA512-CRYPT';\n$CONF['dyn'] = getenv('X');\n$CONF['list']['x'] = 1;\n"
    const c = readPhpConf(text)
    expect(c.assignments.map((a) => a.key)).toEqual(['encrypt', 'domain_path', 'encrypt', 'dyn'])
    const e = c.values.get('encrypt')
    expect(e?.value).toBe('dovecot:SHA512-CRYPT')
    expect(e?.line).toBe(4)
    expect(text.slice(e?.keySpan.from, e?.keySpan.to)).toBe("'encrypt'")
    expect(text.slice(e?.valueSpan.from, e?.valueSpan.to)).toBe("'dovecot:SHA512-CRYPT'")
    expect(c.values.get('domain_path')?.value).toBe('YES')
    expect(c.values.get('dyn')?.value).toBeUndefined()
    expect(c.problems).toHaveLength(1)
    expect(c.problems[0]).toMatchObject({ code: 'text.lookalike-space', span: { from: text.indexOf('\u00a0'), to: text.indexOf('\u00a0') + 2 } })
    expect(c.problems[0]?.message).toMatch(/2 in a row/)
  })
})
