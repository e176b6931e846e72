// Following and searching the journal for real: a systemd-journald runs standalone on this machine
// (see support/standalone-journald.ts; the test server shares its filesystem, so journalctl over SSH
// reads that journal), entries come from processes in postfix.service and dovecot.service. The
// follow runs `journalctl -f -o json -u …` on the server, resumes after a killed SSH link from its
// cursor with no entry lost or repeated, and the search finds entries by text and time range.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamLine } from '../../shared/contract/logs'
import { JOURNAL_UNITS, type LogSource } from '../../electron/services/logs/log-source'
import { signalSshd } from './support/vps-admin'
import { vpsServices, type VpsServices } from './support/vps-services'
import { startJournald, type StandaloneJournald } from './support/standalone-journald'
import { until } from './support/until'

const run = `pdj${Date.now().toString(36)}`
const journal: LogSource = { kind: 'journal', units: JOURNAL_UNITS }
let jd: StandaloneJournald
let v: VpsServices
const got: StreamLine[] = []
const states: string[] = []
let followId = ''


beforeAll(async () => {
  jd = await startJournald(['postfix.service', 'dovecot.service', 'cron.service'])
  jd.send('postfix.service', 'postfix/smtpd', `connect from backlog.example[192.0.2.1] ${run}-backlog`)
  v = await vpsServices({ name: 'logs-journal', ssh: { reconnectInitialMs: 200, reconnectMaxMs: 1000 } })
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
  const h = await v.services.logs.follow(v.profile.id, { lines: 10, source: journal, onLines: (ls) => void got.push(...ls), onState: (s) => void states.push(s) })
  followId = h.followId
  expect(h.source).toEqual({ kind: 'journal', units: JOURNAL_UNITS })
  await until('the backlog entry', () => got.some((l) => l.message.endsWith(`${run}-backlog`)))
}, 60_000)

afterAll(async () => {
  await v?.services.logs.stop(followId).catch(() => undefined)
  await v?.services.connections.closeAll()
  jd?.stop()
})

describe('the journald source, against a real journal', () => {
  it('starts with the last entries, parsed from journalctl JSON (program, pid, host, time, fields)', () => {
    const l = got.find((x) => x.message.endsWith(`${run}-backlog`))!
    expect(l.format).toBe('journal')
    expect(l.program).toBe('postfix/smtpd')
    expect(l.pid).toBeGreaterThan(0)
    expect(l.host).toBeTruthy()
    expect(Math.abs((l.time ?? 0) - Date.now())).toBeLessThan(60_000)
    expect(l.kind).toBe('connect')
    expect(l.fields.clientHost).toBe('backlog.example')
    expect(l.fields.clientIp).toBe('192.0.2.1')
  })

  it('follows new postfix and dovecot entries, each within a second, and only of the mail units', async () => {
    const t0 = Date.now()
    jd.send('postfix.service', 'postfix/smtp', `ABC123DEF: to=<alice@example.test>, relay=mx.example[192.0.2.9]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 ok ${run}-sent)`)
    jd.send('dovecot.service', 'dovecot', `imap-login: Login: user=<alice@example.test>, method=PLAIN, rip=192.0.2.5, lip=192.0.2.2, mpid=77, TLS, session=<${run}x>`)
    jd.send('cron.service', 'CRON', `${run}-not-mail`)
    const sent = await until('the delivery', () => got.find((l) => l.raw.includes(`${run}-sent`)))
    const login = await until('the login', () => got.find((l) => l.raw.includes(`${run}x`)))
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(sent).toMatchObject({ program: 'postfix/smtp', queueId: 'ABC123DEF', kind: 'delivered' })
    expect(sent.fields).toMatchObject({ to: 'alice@example.test', relayHost: 'mx.example', dsn: '2.0.0', status: 'sent' })
    expect(login).toMatchObject({ program: 'dovecot', kind: 'login' })
    expect(login.fields).toMatchObject({ user: 'alice@example.test', clientIp: '192.0.2.5' })
    await new Promise((r) => setTimeout(r, 500))
    expect(got.some((l) => l.raw.includes(`${run}-not-mail`))).toBe(false)
  })

  it('resumes after the SSH link is killed from the journal cursor: every entry exactly once', async () => {
    const outage = (from: number, to: number) => jd.send('postfix.service', 'postfix/qmgr', ...Array.from({ length: to - from }, (_, k) => `Q${from + k}: removed ${run}-outage-${from + k}`))
    outage(0, 5)
    await until('entries before the kill', () => got.some((l) => l.raw.includes(`${run}-outage-4`)))
    const before = states.length
    await signalSshd(v.services, v.profile.id, 'KILL')
    outage(5, 15)
    outage(15, 30)
    await until('the resume', () => states.slice(before).includes('resuming'), 8000)
    await until('following again', () => states.slice(before).at(-1) === 'following', 15_000)
    // the 25 entries of the outage come with no new entry to wake journalctl (it showed only 10 of them: -f means -n 10)
    await until('the outage entries', () => got.some((l) => l.raw.includes(`${run}-outage-29`)), 10_000)
    outage(30, 35)
    await until('all outage entries', () => got.some((l) => l.raw.includes(`${run}-outage-34`)), 20_000)
    const seen = got.filter((l) => l.raw.includes(`${run}-outage-`)).map((l) => Number(/outage-(\d+)/.exec(l.message)?.[1]))
    expect(seen).toEqual(Array.from({ length: 35 }, (_, i) => i))
    const raws = got.map((l) => l.raw)
    expect(new Set(raws).size).toBe(raws.length)
    expect(states.at(-1)).toBe('following')
  }, 60_000)

  it('searches the journal by text and time range on the server', async () => {
    const found: StreamLine[] = []
    const r = await v.services.logs.search(v.profile.id, { text: `${run}-outage-1`, source: journal, since: Date.now() - 10 * 60_000, onLines: (ls) => void found.push(...ls) })
    expect(r.files).toEqual(['journal'])
    // outage-1 and outage-10 … outage-19
    expect(found.map((l) => Number(/outage-(\d+)/.exec(l.message)?.[1])).sort((a, b) => a - b)).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    expect(found.every((l) => l.format === 'journal' && l.program === 'postfix/qmgr')).toBe(true)
    const none: StreamLine[] = []
    await v.services.logs.search(v.profile.id, { text: `${run}-outage-1`, source: journal, until: Date.now() - 10 * 60_000, onLines: (ls) => void none.push(...ls) })
    expect(none).toEqual([])
  })
})
