import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { filesForRange, journalSearchArgv, parseSearchList, searchArgv, searchListArgv } from '../../../electron/services/logs/log-search'
import { chooseLogSource, journalCursorOf, journalFollowArgv, JOURNAL_UNITS, logProbeArgv, parseLogProbe, resolveLogSource, type LogProbe } from '../../../electron/services/logs/log-source'
import { LogsService } from '../../../electron/services/logs/logs-service'
import { LocalTransport } from './local-stream'
import { LogAnalyser } from '../../../electron/services/logs/analyse-log'

const dir = mkdtempSync(join(tmpdir(), 'pd-logsrc-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const run = (argv: string[]) => execFileSync(argv[0] as string, argv.slice(1), { encoding: 'latin1' })

describe('log source detection', () => {
  it('prefers maillog_file, then the freshest syslog file, then the journal', () => {
    const base = { journalctl: true, systemd: true, journal: false }
    expect(chooseLogSource({ ...base, maillogFile: '/var/log/postfix.log', files: [{ path: '/var/log/postfix.log', readable: true, size: 1, mtime: 1 }, { path: '/var/log/mail.log', readable: true, size: 9, mtime: 9 }] })).toEqual({ kind: 'file', path: '/var/log/postfix.log' })
    expect(chooseLogSource({ ...base, maillogFile: '/dev/stdout', files: [{ path: '/var/log/maillog', readable: true, size: 1, mtime: 5 }, { path: '/var/log/mail.log', readable: true, size: 1, mtime: 9 }] })).toEqual({ kind: 'file', path: '/var/log/mail.log' })
    expect(chooseLogSource({ ...base, maillogFile: null, files: [{ path: '/var/log/maillog', readable: false, size: 1, mtime: 5 }] })).toEqual({ kind: 'journal', units: JOURNAL_UNITS })
    expect(chooseLogSource({ journalctl: false, systemd: false, journal: false, maillogFile: null, files: [] })).toBeNull()
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

describe('the source the user chose (auto, file, journal)', () => {
  const mailLog = { path: '/var/log/mail.log', readable: true, size: 9, mtime: 9 }
  const probe = (o: Partial<LogProbe>): LogProbe => ({ maillogFile: null, files: [], journalctl: true, systemd: true, journal: true, ...o })

  it("'auto' is the detection as before: a file wins over the journal, the journal when no file is readable, else a not-found error", () => {
    const cases: LogProbe[] = [
      probe({ files: [mailLog] }),
      probe({ maillogFile: '/var/log/postfix.log', files: [{ ...mailLog, path: '/var/log/postfix.log', mtime: 1 }, mailLog] }),
      probe({ files: [{ ...mailLog, readable: false }] }),
      probe({ systemd: false, files: [mailLog] }),
    ]
    for (const p of cases) expect(resolveLogSource(p, 'auto')).toEqual(chooseLogSource(p))
    expect(resolveLogSource(probe({ files: [mailLog] }), 'auto')).toEqual({ kind: 'file', path: '/var/log/mail.log' })
    // a journal without systemd is not chosen automatically (as before)
    expect(() => resolveLogSource(probe({ systemd: false, files: [] }), 'auto')).toThrow(/No readable mail log found/)
  })

  it("'journal' forces the journal while a mail log file exists", () => {
    expect(resolveLogSource(probe({ files: [mailLog] }), 'journal')).toEqual({ kind: 'journal', units: JOURNAL_UNITS })
    // a journald writing journal files on a host without systemd as PID 1 is a journal too
    expect(resolveLogSource(probe({ systemd: false, journal: true, files: [mailLog] }), 'journal')).toEqual({ kind: 'journal', units: JOURNAL_UNITS })
  })

  it("'journal' without journalctl, or without any journal, fails saying what is missing and what to choose instead", () => {
    const noCtl = (() => {
      try {
        resolveLogSource(probe({ journalctl: false, files: [mailLog] }), 'journal')
      } catch (e) {
        return e
      }
    })()
    expect(noCtl).toMatchObject({ code: 'unsupported', detail: { missing: 'journalctl' } })
    expect((noCtl as Error).message).toMatch(/journalctl is not installed on the server.*Choose the automatic source or a log file instead/)
    expect(() => resolveLogSource(probe({ systemd: false, journal: false, files: [mailLog] }), 'journal')).toThrow(/keeps no systemd journal.*Choose the automatic source or a log file instead/)
  })

  it("'file' forces a file while the host has a journal, and fails clearly when no readable file exists", () => {
    expect(resolveLogSource(probe({ files: [mailLog] }), 'file')).toEqual({ kind: 'file', path: '/var/log/mail.log' })
    expect(resolveLogSource(probe({ maillogFile: '/var/log/postfix.log', files: [{ ...mailLog, path: '/var/log/postfix.log', mtime: 1 }, mailLog] }), 'file')).toEqual({ kind: 'file', path: '/var/log/postfix.log' })
    let err: unknown
    try {
      resolveLogSource(probe({ files: [{ ...mailLog, readable: false }] }), 'file')
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'not-found', detail: { missing: 'file' } })
    expect((err as Error).message).toMatch(/no readable mail log file was found.*not readable: \/var\/log\/mail\.log.*choose the automatic source or the journal/)
  })

  it('the probe run by a real sh reports no journalctl where none is on the PATH, and no journal where no journal files are', () => {
    const bin = join(dir, 'bin-no-journalctl')
    mkdirSync(bin)
    for (const b of ['stat', 'find', 'head']) symlinkSync(execFileSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).trim(), join(bin, b))
    const f = join(dir, 'probe-maillog')
    writeFileSync(f, 'x\n')
    const out = execFileSync('/bin/sh', logProbeArgv([f]).slice(1), { encoding: 'latin1', env: { PATH: bin } })
    const p = parseLogProbe(out)
    expect(p.journalctl).toBe(false)
    expect(p.files.find((x) => x.path === f)).toMatchObject({ readable: true, size: 2 })
    expect(() => resolveLogSource(p, 'journal')).toThrow(/journalctl is not installed/)
    // the files are still found: 'file' works on that host
    expect(resolveLogSource({ ...p, files: p.files.filter((x) => x.path === f) }, 'file')).toEqual({ kind: 'file', path: f })
  })
})

describe('LogsService with a chosen source (programs run on this machine)', () => {
  // the "server" is this machine with a root PATH that has no journalctl
  const bin = join(dir, 'bin-service')
  function service(): LogsService {
    mkdirSync(bin, { recursive: true })
    for (const b of ['stat', 'find', 'head', 'sh']) {
      try {
        symlinkSync(execFileSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).trim(), join(bin, b))
      } catch {
        // made by an earlier test
      }
    }
    const local = new LocalTransport()
    return new LogsService({
      transport: {
        execAsRoot: async (_id, argv) => {
          const stdout = execFileSync(argv[0] === 'sh' ? '/bin/sh' : (argv[0] as string), argv.slice(1), { encoding: 'utf8', env: { PATH: bin } })
          return { stdout, stderr: '', code: 0 }
        },
        execStreamAsRoot: (id, argv, h) => local.execStream(id, argv, h),
        status: () => ({ state: 'connected' }),
      },
      resolveId: async (x) => x,
      emit: () => undefined,
      harness: false,
    })
  }

  it('refuses a forced journal for follow and search with the clear error, before starting anything', async () => {
    const s = service()
    await expect(s.follow('local', { choice: 'journal', onLines: () => undefined })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/journalctl is not installed/) })
    await expect(s.search('local', { text: 'x', choice: 'journal' })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/journalctl is not installed/) })
    await expect(s.follow('local', { choice: 'journal', path: '/var/log/mail.log', onLines: () => undefined })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/a path names a log file/) })
  })

  it("follows a forced file given by path as before (the path is not probed)", async () => {
    const s = service()
    const f = join(dir, 'forced.log')
    writeFileSync(f, '2026-11-28T07:13:02.000000+00:00 mx postfix/smtpd[1]: connect from unknown[192.0.2.1] forced-file\n')
    const got: string[] = []
    const h = await s.follow('local', { choice: 'file', path: f, lines: 5, onLines: (ls) => void got.push(...ls.map((l) => l.raw)) })
    expect(h.source).toEqual({ kind: 'file', path: f })
    const end = Date.now() + 5000
    while (!got.some((r) => r.includes('forced-file')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    await s.stop(h.followId)
    expect(got.some((r) => r.includes('forced-file'))).toBe(true)
  })
})
