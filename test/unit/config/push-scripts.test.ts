import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { installScript, launchScript, readPushScript, recoverScript, reloadTargets } from '../../../electron/services/config/push/install-script'
import type { InstallFile } from '../../../electron/services/config/push/install-types'
import { base64Lines, heredocTag, newPushId, PUSH_ID_RE, SECTION, STAGE_DIR_RE } from '../../../electron/services/config/push/push-paths'
import { parsePushRecord, toLastPush } from '../../../electron/services/config/push/push-record'
import { dovecotConfOf, sedLiteral, stageScript } from '../../../electron/services/config/push/stage-script'
import { judgeStage, parseStageOutput } from '../../../electron/services/config/push/stage-verdicts'

const sha = (s: string) => createHash('sha256').update(s).digest('hex')
const file = (path: string, text: string, over: Partial<InstallFile> = {}): InstallFile => ({ path, content: Buffer.from(text), owner: 'postfix', kind: 'postfix-main', expectedSha256: sha('old'), ...over })
const FILES: InstallFile[] = [
  file('/etc/postfix/main.cf', "myhostname = it's $here\n`x`\n"),
  file('/etc/postfix/access', 'a OK\n', { kind: 'postfix-map', mapType: 'hash', expectedSha256: null }),
  file('/etc/postfix/sql/mysql_x.cf', 'password = s3cret\n', { kind: 'postfix-db-map', mapType: 'mysql' }),
  file('/etc/aliases', 'root: admin\n', { owner: 'aliases', kind: 'aliases', mapType: 'hash' }),
  file('/etc/dovecot/dovecot.conf', '!include conf.d/*.conf\n', { owner: 'dovecot', kind: 'dovecot' }),
  file('/etc/dovecot/dovecot-sql.conf.ext', 'connect = x\n', { owner: 'dovecot', kind: 'dovecot-sql' }),
  file('/etc/apache2/conf-available/postfixadmin.conf', 'Require ip 1.2.3.4\n', { owner: 'apache', kind: 'unknown' }),
  file('/etc/postfixadmin/config.local.php', '<?php\n', { owner: 'postfixadmin', kind: 'postfixadmin-php' }),
]
const shSyntaxOk = (script: string) => spawnSync('sh', ['-n'], { input: script }).status === 0

describe('stage script', () => {
  it('is valid sh, carries contents only as base64 heredocs and paths quoted, and runs every tool the files need', () => {
    const s = stageScript(FILES, true)
    expect(shSyntaxOk(s)).toBe(true)
    expect(s).not.toContain('s3cret')
    expect(s).toContain(base64Lines(Buffer.from('password = s3cret\n')))
    expect(s).toContain(`chk 0 /etc/postfix/main.cf ${sha('old')}`)
    expect(s).toContain('chk 1 /etc/postfix/access -')
    expect(s).toMatch(/^V postconf - q postconf -c "\$S\/postfix" -n$/m)
    expect(s).toMatch(/^V postconf - q postconf -c "\$S\/postfix" -M$/m)
    expect(s).toContain('M 1 hash build')
    expect(s).toContain('M 2 mysql query')
    expect(s).toContain('M 3 hash alias')
    expect(s).toMatch(/V doveconf - q doveconf -c "\$S\/dovecot\/"dovecot\.conf -n/)
    // the sql driver file gets its own check (sql-driver-check.ts), not a "not read" note
    expect(s).not.toContain("K note 5 'doveconf does not read")
    expect(s).toContain('"$A" -t -d "$S/apache" -f "$S/apache/$AC"')
    expect(s).toContain('V php 7 a php -l "$S/new/7"')
    expect(s).toContain('KEEP=1')
    expect(stageScript(FILES.slice(0, 1), false)).toContain('KEEP=0')
    // only the tools of the owners present
    const pf = stageScript(FILES.slice(0, 1), false)
    expect(pf).not.toContain('doveconf -c')
    expect(pf).not.toContain('apachectl -t')
  })

  it('re-points absolute Dovecot includes into the stage with a literal-safe sed expression', () => {
    expect(sedLiteral('/etc/dove.cot#1')).toBe('\\/etc\\/dove\\.cot\\#1')
    expect(dovecotConfOf(FILES)).toBe('/etc/dovecot/dovecot.conf')
    expect(dovecotConfOf([file('/opt/dc/etc/dovecot.conf', '', { owner: 'dovecot', kind: 'dovecot' })])).toBe('/opt/dc/etc/dovecot.conf')
    const s = stageScript([file('/opt/dc/etc/dovecot.conf', '', { owner: 'dovecot', kind: 'dovecot' })], false)
    expect(s).toContain("DV=/opt/dc/etc")
    expect(s).toContain('\\/opt\\/dc\\/etc/#\\1$S/dovecot/#')
    // the sed program itself works on the include forms Dovecot accepts
    const prog = s.match(/sed -i -e "([^"\\]*(?:\\.[^"\\]*)*)"/)?.[1]?.replace(/\\"/g, '"').replace(/\$S/g, '/STAGE') ?? ''
    const r = spawnSync('sed', ['-e', prog], { input: '!include /opt/dc/etc/a.conf\n  !include_try "/opt/dc/etc/b/*.conf"\nssl_key = </opt/dc/etc/k.pem\n!include /usr/share/x\n', encoding: 'utf8' })
    expect(r.stdout).toBe('!include /STAGE/dovecot/a.conf\n  !include_try "/STAGE/dovecot/b/*.conf"\nssl_key = </STAGE/dovecot/k.pem\n!include /usr/share/x\n')
  })

  it('picks a heredoc tag that is not a line of the content', () => {
    expect(heredocTag('a\nPOSTDESK_EOF\nb')).toBe('POSTDESK_EOF_')
    expect(heredocTag('POSTDESK_EOF x')).toBe('POSTDESK_EOF')
  })
})

describe('stage output', () => {
  const stage = '/var/lib/postdesk/stage/stage.AbCdEfGh12'
  const out = [
    `${SECTION}stage ${stage}`,
    `${SECTION}root postfix /etc/postfix`,
    `${SECTION}live postconf-n`,
    'postconf: warning: /etc/postfix/main.cf: unused parameter: old_thing=1',
    `${SECTION}end`,
    `${SECTION}verdict 0 postconf - postconf -c ${stage}/postfix -n`,
    `postconf: warning: ${stage}/postfix/main.cf: unused parameter: old_thing=1`,
    `postconf: warning: ${stage}/postfix/main.cf: unused parameter: typo_param=1`,
    `postconf: warning: ${stage}/postfix/main.cf: unused parameter: typo_param=1`,
    `${SECTION}end`,
    `${SECTION}verdict 0 postconf - postconf -c ${stage}/postfix -M`,
    `${SECTION}end`,
    `${SECTION}verdict 0 postmap 1 postmap -c ${stage}/postfix hash:${stage}/maps/1`,
    `postmap: warning: ${stage}/maps/1, line 2: expected format: key whitespace value`,
    `${SECTION}end`,
    `${SECTION}verdict 1 postmap 2 postmap -c ${stage}/postfix -q postdesk-probe.invalid mysql:${stage}/maps/2`,
    `${SECTION}end`,
    `${SECTION}skip php 7 PHP's command line (php) is not installed`,
    `${SECTION}end`,
    `${SECTION}done`,
  ].join('\n')

  it('parses sections, maps stage paths back to server paths, and judges each tool', () => {
    const r = parseStageOutput(out)
    expect(r).toMatchObject({ stage, roots: { postfix: '/etc/postfix' }, refused: false, done: true, error: null })
    const v = judgeStage(r, FILES)
    expect(v.map((x) => [x.tool, x.ok])).toEqual([
      ['postconf', false],
      ['postconf', true],
      ['postmap', false],
      ['postmap', true],
      ['php', true],
    ])
    // deduplicated, on server paths; the warning the live config already has is shown but not blocking
    expect(v[0]?.output).toBe('postconf: warning: /etc/postfix/main.cf: unused parameter: old_thing=1\npostconf: warning: /etc/postfix/main.cf: unused parameter: typo_param=1')
    expect(v[2]?.output).toBe('postmap: warning: /etc/postfix/access, line 2: expected format: key whitespace value')
    expect(v[4]?.output).toMatch(/^not checked: PHP's command line/)
    const onlyLive = parseStageOutput(out.replace(/^.*typo_param.*\n/gm, ''))
    expect(judgeStage(onlyLive, FILES)[0]?.ok).toBe(true)
  })

  it('reads a refusal and an error', () => {
    const r = parseStageOutput(`${SECTION}stage ${stage}\n${SECTION}changed 0 ${sha('x')}\n${SECTION}changed 1 exists\n${SECTION}refused\n`)
    expect(r.refused).toBe(true)
    expect(r.changed).toEqual([{ index: 0, found: sha('x') }, { index: 1, found: 'exists' }])
    expect(parseStageOutput(`${SECTION}error cannot create /var/lib/postdesk/stage\n`).error).toBe('cannot create /var/lib/postdesk/stage')
    expect(STAGE_DIR_RE.test(stage)).toBe(true)
    expect(STAGE_DIR_RE.test('/var/lib/postdesk/stage/../../etc')).toBe(false)
  })

  it('treats doveconf errors and a non-zero exit as rejections', () => {
    const r = parseStageOutput(`${SECTION}stage ${stage}\n${SECTION}root dovecot /etc/dovecot\n${SECTION}verdict 89 doveconf - doveconf -c ${stage}/dovecot/dovecot.conf -n\ndoveconf: Fatal: Error in configuration file ${stage}/dovecot/dovecot.conf line 3: No matches\n${SECTION}end\n${SECTION}done\n`)
    expect(judgeStage(r, FILES)).toEqual([{ tool: 'doveconf', command: `doveconf -c ${stage}/dovecot/dovecot.conf -n`, ok: false, exitCode: 89, output: 'doveconf: Fatal: Error in configuration file /etc/dovecot/dovecot.conf line 3: No matches' }])
  })
})

describe('install script', () => {
  const id = newPushId(new Date('2026-11-28T11:20:35.123Z'))

  it('names pushes by UTC time', () => {
    expect(id).toMatch(/^20261128T112035Z-[0-9a-f]{6}$/)
    expect(PUSH_ID_RE.test(id)).toBe(true)
  })

  it('is valid sh; backs up, installs, rebuilds maps, reloads and verifies what reads the files, restores in reverse order', () => {
    const s = installScript({ id, files: FILES })
    expect(shSyntaxOk(s)).toBe(true)
    expect(reloadTargets(FILES)).toEqual(['postfix', 'dovecot', 'apache'])
    const order = ['st running compare', 'st running backup', 'st running install', 'st running postmap', 'st running reload', 'st running verify', 'st new done'].map((x) => s.indexOf(x))
    expect(order.every((x, i) => x > 0 && (i === 0 || x > (order[i - 1] as number)))).toBe(true)
    expect(s).toContain("inst 1 /etc/postfix/access 0644 root root")
    expect(s).toContain('run postmap hash:/etc/postfix/access || fail')
    expect(s).toContain('run newaliases || fail')
    expect(s).not.toMatch(/postmap mysql:/)
    expect(s).toMatch(/rest 7 [^\n]*\n\s*rest 6 /)
    expect(s).toContain('verify_pf || fail')
    expect(s).toContain('verify_dv || fail')
    // a map that did not exist before loses its compiled file on restore
    expect(s).toContain("rm -f -- /etc/postfix/access.db")
    expect(s).not.toContain('s3cret')
  })

  it('launch: parsed whole before running (braces), contents checked against the validated hashes, started as its own session', () => {
    const s = launchScript('/var/lib/postdesk/stage/stage.AbCdEfGh12', { id, files: FILES })
    expect(shSyntaxOk(s)).toBe(true)
    expect(s.startsWith('{\n')).toBe(true)
    expect(s.trimEnd().endsWith('}')).toBe(true)
    expect(s).toContain(sha("myhostname = it's $here\n`x`\n"))
    expect(s).toContain('setsid sh "$T/install.sh" </dev/null')
    expect(shSyntaxOk(readPushScript(id, 'verify', 10))).toBe(true)
    expect(shSyntaxOk(readPushScript(null, null, 0))).toBe(true)
    expect(shSyntaxOk(recoverScript(id))).toBe(true)
  })

  it('recover mode: skips the install and runs the restore from the markers, reloading what the push touched', () => {
    const s = installScript({ id, files: FILES.slice(0, 2) })
    const recover = s.indexOf('if [ "$MODE" = recover ]; then\n  PF_ON=1')
    expect(recover).toBeGreaterThan(s.indexOf('fail() {'))
    expect(recover).toBeLessThan(s.indexOf('chk 0 '))
    expect(s).toContain('{ [ "$MODE" = recover ] || grep -q "^reloading postfix" "$T/report" 2>/dev/null; }')
    // the marker is written before the file is replaced
    expect(s.indexOf('> "$T/inst.$1"')).toBeLessThan(s.indexOf('mv -f -- "$tmp" "$t" || { rm'))
  })
})

describe('push record', () => {
  const rec = (state: string, extra = '', alive = 0) =>
    [
      `${SECTION}id 20261128T112035Z-238b27`,
      `${SECTION}alive ${alive}`,
      `${SECTION}age 42`,
      `${SECTION}file state`,
      `state=${state}`,
      'step=verify',
      'pid=18569',
      `${SECTION}file report`,
      'installed\t/etc/postfix/main.cf\t/var/backups/postdesk/20261128T112035Z-238b27/etc/postfix/main.cf',
      'installed\t/etc/postfix/new.cidr\t',
      'reloading postfix',
      'reloaded postfix',
      extra,
      `${SECTION}file reason`,
      ...(state === 'old' ? ['Postfix does not listen on port 25.'] : []),
      `${SECTION}file paths`,
      '/etc/postfix/main.cf',
      '/etc/postfix/new.cidr',
      `${SECTION}file started`,
      '2026-11-28T11:20:35Z',
      `${SECTION}file log`,
      `${SECTION}end`,
    ].join('\n')

  it('reads a completed, an undone and a running push', () => {
    const done = parsePushRecord(rec('new'))
    expect(done).toMatchObject({ state: 'new', step: 'done', reloaded: ['postfix'], restored: false, installed: [{ path: '/etc/postfix/main.cf', backup: '/var/backups/postdesk/20261128T112035Z-238b27/etc/postfix/main.cf' }, { path: '/etc/postfix/new.cidr', backup: null }] })
    expect(toLastPush(done!)).toEqual({ id: '20261128T112035Z-238b27', startedAt: '2026-11-28T11:20:35Z', state: 'new', paths: ['/etc/postfix/main.cf', '/etc/postfix/new.cidr'], reason: null })
    const undone = parsePushRecord(rec('old', 'restored'))!
    expect(undone).toMatchObject({ state: 'old', step: 'verify', restored: true })
    expect(toLastPush(undone).reason).toBe('The push was undone: the old files are back. Postfix does not listen on port 25.')
    expect(parsePushRecord(rec('running', '', 1))).toMatchObject({ state: 'running', alive: true, ageSec: 42 })
    expect(toLastPush(parsePushRecord(rec('running', '', 0))!).reason).toMatch(/install process of push .* is gone/)
    expect(parsePushRecord(`${SECTION}none\n`)).toBeNull()
  })
})
