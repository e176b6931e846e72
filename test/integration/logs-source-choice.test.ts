// The user's choice of log source against the test server, which writes /var/log/mail.log (rsyslog)
// and has journalctl but no systemd as PID 1. Without a journal there, a forced journal is refused
// with the clear message; with a standalone systemd-journald running (see support/standalone-journald.ts:
// the server shares this filesystem, so journalctl over SSH reads that journal) a forced journal is
// followed and searched while the mail log file still exists, and only journal entries come. A server
// whose root PATH has no journalctl is the same server with the probe and follow run under a PATH
// that lacks it (every other program still there).

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamLine } from '../../shared/contract/logs'
import { logsChannels } from '../../shared/contract/logs'
import { LogsService } from '../../electron/services/logs/logs-service'
import { JOURNAL_UNITS } from '../../electron/services/logs/log-source'
import type { SshConnectionManager } from '../../electron/services/ssh/connection-manager'
import { runPostdesk } from '../unit/support/run-postdesk'
import type { PflogsummTotals } from '../../shared/logs/pflogsumm-counter'
import { pflogsummTotals } from '../support/pflogsumm-runner'
import { startJournald, type StandaloneJournald } from './support/standalone-journald'
import { vpsServices, type VpsServices } from './support/vps-services'
import { until } from './support/until'

const run = `pdsrc${Date.now().toString(36)}`
const MAIL_LOG = '/var/log/mail.log'
let v: VpsServices
const followIds: string[] = []

const logToMailLog = (msg: string) => execFileSync('logger', ['-p', 'mail.info', '-t', 'postdesk-test', msg])

beforeAll(async () => {
  v = await vpsServices({ name: 'logs-source' })
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
}, 60_000)

afterAll(async () => {
  for (const f of followIds) await v?.services.logs.stop(f).catch(() => undefined)
  await v?.services.connections.closeAll()
})

/** logs.follow as the renderer sends it: parsed by the contract (source defaults to 'auto'). */
const followInput = (raw: Record<string, unknown>) => logsChannels['logs.follow'].input.parse({ id: v.profile.id, ...raw })

describe('no journal on the server (no journald running)', () => {
  it('a forced journal is refused: journalctl is there, but no systemd and no journal files', async () => {
    // precondition: no journald of another test is writing a journal right now
    expect(existsSync('/run/systemd/journal/socket'), 'a journald is running (another journald test?)').toBe(false)
    expect(existsSync(MAIL_LOG)).toBe(true)
    const i = followInput({ lines: 0, source: 'journal' })
    const e = await v.services.logs.follow(i.id, { lines: i.lines, choice: i.source, onLines: () => undefined }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'unsupported', detail: { missing: 'journal' } })
    expect((e as Error).message).toMatch(/The journal was chosen as the log source, but the server keeps no systemd journal .*Choose the automatic source or a log file instead\./)
    await expect(v.services.logs.search(v.profile.id, { text: run, choice: 'journal' })).rejects.toMatchObject({ code: 'unsupported' })
  })

  it("'auto' (the contract's default) still follows the mail log file", async () => {
    const i = followInput({ lines: 0 })
    expect(i.source).toBe('auto')
    const got: StreamLine[] = []
    const h = await v.services.logs.follow(i.id, { lines: i.lines, choice: i.source, onLines: (ls) => void got.push(...ls) })
    followIds.push(h.followId)
    expect(h.source).toEqual({ kind: 'file', path: MAIL_LOG })
    await v.services.logs.stop(h.followId)
  })
})

describe('a server whose root PATH has no journalctl', () => {
  const bin = mkdtempSync(join(tmpdir(), 'pd-no-journalctl-'))
  afterAll(() => rmSync(bin, { recursive: true, force: true }))
  let logs: LogsService

  beforeAll(() => {
    // every program of /usr/bin but journalctl (the server shares this filesystem, so it sees the directory)
    for (const b of readdirSync('/usr/bin')) if (b !== 'journalctl') symlinkSync(join('/usr/bin', b), join(bin, b))
    const PATH = `${bin}:/usr/local/sbin:/usr/sbin`
    // the app's connection manager is the logs transport (see create-services.ts)
    const c = v.services.connections as SshConnectionManager
    const env = (argv: string[]) => ['/usr/bin/env', `PATH=${PATH}`, ...argv]
    logs = new LogsService({
      transport: {
        execAsRoot: (id, argv, opts) => c.execAsRoot(id, env(argv), opts),
        execStreamAsRoot: (id, argv, h, opts) => c.execStreamAsRoot(id, env(argv), h, opts),
        status: (id) => c.status(id),
      },
      resolveId: async (x) => x,
      emit: () => undefined,
      harness: false,
    })
  })

  it('a forced journal is refused saying journalctl is missing; a forced file is followed', async () => {
    const probe = await v.services.connections.execAsRoot(v.profile.id, ['/usr/bin/env', `PATH=${bin}:/usr/sbin`, 'sh', '-c', 'command -v journalctl || echo none'])
    expect(probe.stdout.trim()).toBe('none')
    const e = await logs.follow(v.profile.id, { lines: 0, choice: 'journal', onLines: () => undefined }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'unsupported', detail: { missing: 'journalctl' } })
    expect((e as Error).message).toMatch(/journalctl is not installed on the server .*Choose the automatic source or a log file instead\./)
    const got: StreamLine[] = []
    const h = await logs.follow(v.profile.id, { lines: 0, choice: 'file', onLines: (ls) => void got.push(...ls) })
    try {
      expect(h.source).toEqual({ kind: 'file', path: MAIL_LOG })
      await new Promise((r) => setTimeout(r, 800))
      for (let i = 0; i < 20 && !got.some((l) => l.message.endsWith(`${run}-nojctl`)); i++) {
        logToMailLog(`${run}-nojctl`)
        await new Promise((r) => setTimeout(r, 300))
      }
      expect(got.some((l) => l.message.endsWith(`${run}-nojctl`))).toBe(true)
    } finally {
      await logs.stop(h.followId)
    }
  })
})

describe('with a journal (standalone systemd-journald) while /var/log/mail.log exists', () => {
  let jd: StandaloneJournald
  const home = mkdtempSync(join(tmpdir(), 'postdesk-logs-source-cli-'))
  beforeAll(async () => {
    jd = await startJournald(['postfix.service', 'dovecot.service'])
  }, 30_000)
  afterAll(() => {
    jd?.stop()
    rmSync(home, { recursive: true, force: true })
  })

  it("a forced journal follows the journal: source 'journal', a journal entry arrives, a mail.log line does not", async () => {
    expect(existsSync(MAIL_LOG)).toBe(true)
    const got: StreamLine[] = []
    const i = followInput({ lines: 0, source: 'journal' })
    const h = await v.services.logs.follow(i.id, { lines: i.lines, choice: i.source, onLines: (ls) => void got.push(...ls) })
    followIds.push(h.followId)
    expect(h.source).toEqual({ kind: 'journal', units: JOURNAL_UNITS })
    await new Promise((r) => setTimeout(r, 500))
    logToMailLog(`${run}-file-only`)
    jd.send('postfix.service', 'postfix/smtpd', `connect from journal.example[192.0.2.7] ${run}-journal`)
    const l = await until('the journal entry', () => got.find((x) => x.message.endsWith(`${run}-journal`)))
    expect(l).toMatchObject({ format: 'journal', program: 'postfix/smtpd', kind: 'connect' })
    await new Promise((r) => setTimeout(r, 1000))
    expect(got.some((x) => x.raw.includes(`${run}-file-only`))).toBe(false)
    expect(got.every((x) => x.format === 'journal')).toBe(true)
    // 'auto' on the same server still chooses the file (no systemd: the journal is not detected)
    const auto = await v.services.logs.follow(v.profile.id, { lines: 0, onLines: () => undefined })
    followIds.push(auto.followId)
    expect(auto.source).toEqual({ kind: 'file', path: MAIL_LOG })
    await v.services.logs.stop(auto.followId)
    await v.services.logs.stop(h.followId)
  })

  it('a forced journal is searched with journalctl --since/--until', async () => {
    jd.send('postfix.service', 'postfix/qmgr', `ABCDEF123: removed ${run}-search`)
    logToMailLog(`${run}-search in the file`)
    const found: StreamLine[] = []
    const r = await v.services.logs.search(v.profile.id, { text: `${run}-search`, choice: 'journal', since: Date.now() - 10 * 60_000, onLines: (ls) => void found.push(...ls) })
    expect(r.files).toEqual(['journal'])
    expect(found.map((l) => l.message)).toEqual([`ABCDEF123: removed ${run}-search`])
    const none: StreamLine[] = []
    await v.services.logs.search(v.profile.id, { text: `${run}-search`, choice: 'journal', until: Date.now() - 10 * 60_000, onLines: (ls) => void none.push(...ls) })
    expect(none).toEqual([])
  })

  it('postdesk logs tail|search --source journal read the journal', async () => {
    expect((await runPostdesk(home, ['server', 'add', 'vps', '--host', v.conn.host, '--port', String(v.conn.port), '--user', v.conn.user, '--key', v.conn.keyPath])).code).toBe(0)
    expect((await runPostdesk(home, ['facts', 'vps', '--accept-host-key', v.conn.hostKeySha256, '--json'])).code).toBe(0)
    const pending = runPostdesk(home, ['logs', 'tail', 'vps', '-n', '0', '--source', 'journal', '--grep', `${run}-cli`, '--json', '--max-lines', '1'], { timeoutMs: 30_000 })
    let done = false
    void pending.then(() => (done = true))
    for (let i = 0; !done && i < 60; i++) {
      jd.send('postfix.service', 'postfix/smtpd', `connect from cli.example[192.0.2.8] ${run}-cli ${i}`)
      await new Promise((r) => setTimeout(r, 300))
    }
    const t = await pending
    expect(t.code, t.stderr).toBe(0)
    expect(t.stderr).toContain('following the journal (postfix.service')
    expect(JSON.parse(t.stdout.trim())).toMatchObject({ format: 'journal', program: 'postfix/smtpd' })
    const s = await runPostdesk(home, ['logs', 'search', 'vps', `${run}-cli 0`, '--source', 'journal', '--since', '10m', '--json'])
    expect(s.code, s.stderr).toBe(0)
    expect(s.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([`connect from cli.example[192.0.2.8] ${run}-cli 0`])
  }, 90_000)

  it('postdesk logs summary --server --source journal counts the journal as pflogsumm counts the same entries', async () => {
    // one message received, queued and delivered, told by the journal only
    const q = `J${Date.now().toString(16).toUpperCase().slice(-9)}`
    jd.send('postfix.service', 'postfix/smtpd', `${q}: client=sum.example[192.0.2.9]`)
    jd.send('postfix.service', 'postfix/qmgr', `${q}: from=<sum-${run}@sender.example>, size=4321, nrcpt=1 (queue active)`)
    jd.send('postfix.service', 'postfix/lmtp', `${q}: to=<alice@example.test>, relay=mail.test.local[private/dovecot-lmtp], delay=0.1, delays=0.01/0/0.01/0.08, dsn=2.0.0, status=sent (250 2.0.0 Saved)`)
    expect((await runPostdesk(home, ['server', 'list'])).stdout).toContain('vps')
    const r = await runPostdesk(home, ['logs', 'summary', '--server', 'vps', '--source', 'journal', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ours = (JSON.parse(r.stdout) as { totals: PflogsummTotals }).totals
    // the judge: pflogsumm over what journalctl prints for the same units here (the server shares this filesystem)
    const dump = join(home, 'journal.log')
    writeFileSync(dump, execFileSync('journalctl', ['--no-pager', '-o', 'short', ...JOURNAL_UNITS.flatMap((u) => ['-u', u])]))
    expect(readFileSync(dump, 'utf8')).toContain(`${q}: to=<alice@example.test>`)
    expect(ours).toEqual(pflogsummTotals(dump))
    expect(ours.received).toBeGreaterThanOrEqual(1)
    expect(ours.delivered).toBeGreaterThanOrEqual(1)
    expect(ours.senders).toBeGreaterThanOrEqual(1)
    // a local FILE with --source is a usage error (exit 2), before anything connects
    const bad = await runPostdesk(home, ['logs', 'summary', dump, '--source', 'journal'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--source and --path choose the log of a --server NAME')
  }, 60_000)
})
