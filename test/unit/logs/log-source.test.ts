import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { filesForRange, journalSearchArgv, parseSearchList, searchArgv, searchListArgv } from '../../../electron/services/logs/log-search'
import { chooseLogSource, journalCursorOf, journalFollowArgv, JOURNAL_UNITS, logProbeArgv, parseLogProbe } from '../../../electron/services/logs/log-source'
import { LogAnalyser } from '../../../electron/services/logs/analyse-log'

const dir = mkdtempSync(join(tmpdir(), 'pd-logsrc-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const run = (argv: string[]) => execFileSync(argv[0] as string, argv.slice(1), { encoding: 'latin1' })

describe('log source detection', () => {
  it('prefers maillog_file, then the freshest syslog file, then the journal', () => {
    const base = { journalctl: true, systemd: true }
    expect(chooseLogSource({ ...base, maillogFile: '/var/log/postfix.log', files: [{ path: '/var/log/postfix.log', readable: true, size: 1, mtime: 1 }, { path: '/var/log/mail.log', readable: true, size: 9, mtime: 9 }] })).toEqual({ kind: 'file', path: '/var/log/postfix.log' })
    expect(chooseLogSource({ ...base, maillogFile: '/dev/stdout', files: [{ path: '/var/log/maillog', readable: true, size: 1, mtime: 5 }, { path: '/var/log/mail.log', readable: true, size: 1, mtime: 9 }] })).toEqual({ kind: 'file', path: '/var/log/mail.log' })
    expect(chooseLogSource({ ...base, maillogFile: null, files: [{ path: '/var/log/maillog', readable: false, size: 1, mtime: 5 }] })).toEqual({ kind: 'journal', units: JOURNAL_UNITS })
    expect(chooseLogSource({ journalctl: false, systemd: false, maillogFile: null, files: [] })).toBeNull()
  })

  it('reads the probe program run by a real sh', () => {
    const f = join(dir, 'maillog')
    writeFileSync(f, 'x\n')
    const p = parseLogProbe(run(logProbeArgv([f])))
    expect(p.files.find((x) => x.path === f)).toMatchObject({ readable: true, size: 2 })
  })

  it('builds journalctl follow commands and reads cursors for resuming', () => {
    expect(journalFollowArgv(['postfix.service', 'dovecot.service'], { lines: 500 })).toEqual(['journalctl', '--no-pager', '-f', '-o', 'json', '-u', 'postfix.service', '-u', 'dovecot.service', '-n', '500'])
    expect(journalFollowArgv(['postfix.service'], { lines: 500, afterCursor: 's=abc;i=12' })).toEqual(['journalctl', '--no-pager', '-f', '-o', 'json', '-u', 'postfix.service', '--after-cursor=s=abc;i=12', '-n', 'all'])
    const rec = JSON.stringify({ __CURSOR: 's=abc;i=12;b=1', __REALTIME_TIMESTAMP: '1795849982000000', _HOSTNAME: 'mx', SYSLOG_IDENTIFIER: 'postfix/smtpd', _PID: '77', MESSAGE: 'warning: unknown[192.0.2.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6' })
    expect(journalCursorOf(rec)).toBe('s=abc;i=12;b=1')
    const l = new LogAnalyser().push(rec)
    expect(l).toMatchObject({ format: 'journal', program: 'postfix/smtpd', kind: 'sasl_auth_failed', fields: { clientIp: '192.0.2.9' } })
  })
})

describe('searching rotated files', () => {
  it('picks files by time range from their mtimes', () => {
    const files = parseSearchList('10000 5 /l/mail.log\n5000 5 /l/mail.log.1\n1000 5 /l/mail.log.2.gz\n')
    expect(filesForRange(files).map((f) => f.path)).toEqual(['/l/mail.log.2.gz', '/l/mail.log.1', '/l/mail.log'])
    expect(filesForRange(files, 10_100_000).map((f) => f.path)).toEqual(['/l/mail.log'])
    expect(filesForRange(files, 0, 500_000).map((f) => f.path)).toEqual(['/l/mail.log.2.gz'])
  })

  it('greps plain and gzipped files on the server side with per-file markers', () => {
    const f = join(dir, 'mail.log')
    writeFileSync(f, 'a needle 3\nhay\n')
    writeFileSync(f + '.1', 'NEEDLE 2\n')
    writeFileSync(f + '.2.gz', gzipSync('hay\nneedle 1\n'))
    utimesSync(f + '.2.gz', 10, 10)
    utimesSync(f + '.1', 20, 20)
    const list = parseSearchList(run(searchListArgv(f)))
    const files = filesForRange(list).map((x) => x.path)
    expect(files).toEqual([f + '.2.gz', f + '.1', f])
    const out = run(searchArgv('needle', files))
    expect(out).toBe(`\x01F ${f}.2.gz\nneedle 1\n\x01F ${f}.1\nNEEDLE 2\n\x01F ${f}\na needle 3\n\x01Z\n`)
    expect(journalSearchArgv(['postfix.service'], "it's", 1000, 2000)).toEqual(['sh', '-c', '"$@" | grep -a -F -i -e "$0"', "it's", 'journalctl', '--no-pager', '-o', 'json', '-u', 'postfix.service', '--since=@1', '--until=@2'])
  })
})
