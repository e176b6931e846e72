// Message timelines: compared with what independent patterns read from the lines of each queue id,
// on the fixtures and a generated log; memory stays bounded.

import { describe, expect, it } from 'vitest'
import { MessageCorrelator, type MessageTimeline } from '../../../shared/logs/message-correlator'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { generateMaillog } from '../../support/maillog-generator'
import { fixtureLogLines } from '../../support/maillog-fixtures'

const QID = / postfix[\w/-]*\[\d+\]: +(?!NOQUEUE)([0-9A-Z]{5,}|[0-9A-Za-z]{10}z[0-9A-Za-z]+): /

/** What plain patterns find about each queue id in the text (the oracle). */
function oracle(lines: string[]) {
  const by = new Map<string, { client?: string; sasl?: string; msgid?: string; from?: string; size?: number; sent: Set<string>; bounced: Set<string>; removed: boolean; expired: boolean }>()
  for (const line of lines) {
    const q = QID.exec(line)?.[1]
    if (!q) continue
    const o = by.get(q) ?? { sent: new Set<string>(), bounced: new Set<string>(), removed: false, expired: false }
    by.set(q, o)
    let m: RegExpExecArray | null
    if ((m = /: client=([^[,]*)\[/.exec(line))) o.client = m[1]
    if ((m = /sasl_username=([^,\s]+)/.exec(line))) o.sasl = m[1]
    if ((m = /cleanup\[\d+\]: +\S+ message-id=<(.*)>$/.exec(line))) o.msgid = m[1]
    if ((m = /qmgr\[\d+\]: +\S+ from=<([^>]*)>, size=(\d+)/.exec(line))) [o.from, o.size] = [m[1], Number(m[2])]
    if ((m = / to=<([^>]*)>.* status=sent /.exec(line))) o.sent.add(m[1]!)
    if ((m = / to=<([^>]*)>.* status=bounced /.exec(line))) o.bounced.add(m[1]!)
    if (/qmgr\[\d+\]: +\S+ removed$/.test(line)) o.removed = true
    if (/ status=expired, /.test(line)) o.expired = true
  }
  return by
}

function run(lines: string[], opts = {}): { c: MessageCorrelator; finished: MessageTimeline[] } {
  const finished: MessageTimeline[] = []
  const c = new MessageCorrelator({ ...opts, onFinished: (m) => void finished.push(m) })
  const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
  for (const l of lines) c.push(p.parse(l))
  return { c, finished }
}

function expectMatchesOracle(t: MessageTimeline, o: NonNullable<ReturnType<typeof oracle> extends Map<string, infer V> ? V : never>): void {
  if (o.client !== undefined) expect(t.clientHost).toBe(o.client)
  if (o.sasl !== undefined) expect(t.saslUsername).toBe(o.sasl)
  if (o.msgid !== undefined) expect(t.messageId).toBe(o.msgid)
  if (o.from !== undefined) expect([t.from, t.size]).toEqual([o.from, o.size])
  const status = (s: string) => new Set(t.recipients.filter((r) => r.status === s).map((r) => r.to))
  expect(status('sent')).toEqual(o.sent)
  expect(status('bounced')).toEqual(o.bounced)
  expect(t.removed).toBe(o.removed)
  expect(t.expired).toBe(o.expired)
}

describe('MessageCorrelator', () => {
  it('builds the timelines of the pflogsumm-go and mailgraph fixtures', () => {
    for (const rel of ['vignemail1__pflogsumm-go/testdata/sample.log', 'schweikert__mailgraph/postfix-log.txt', 'modoboa__modoboa/modoboa/maillog/tests/mail.log']) {
      const lines = fixtureLogLines(rel).map((l) => l.text)
      const { c } = run(lines)
      const o = oracle(lines)
      expect(o.size).toBeGreaterThan(2)
      for (const [q, want] of o) {
        const t = c.get(q)
        expect(t, q).toBeDefined()
        expectMatchesOracle(t!, want)
      }
    }
  })

  it('matches the oracle on every message of a generated log, links notifications and forwards', () => {
    const lines = generateMaillog(30_000, { seed: 11 }).trimEnd().split('\n')
    const { c, finished } = run(lines, { maxFinished: 100_000, maxOpen: 100_000 })
    const o = oracle(lines)
    let checked = 0
    for (const t of c.timelines()) {
      const want = o.get(t.queueId)
      if (!want) continue
      expectMatchesOracle(t, want)
      checked++
    }
    expect(checked).toBe(o.size)
    expect(finished.length).toBeGreaterThan(1000)
    const notified = [...c.timelines()].filter((t) => t.notificationQueueId !== null)
    expect(notified.length).toBeGreaterThan(0)
    for (const t of notified) expect(c.get(t.notificationQueueId!)?.from).toBe('')
    const forwarded = [...c.timelines()].filter((t) => t.nextQueueId !== null && lines.some((l) => l.includes(`forwarded as ${t.nextQueueId}`)))
    expect(forwarded.length).toBeGreaterThan(0)
    for (const t of [...c.timelines()].filter((x) => x.expired)) expect(t.recipients.every((r) => r.status === 'expired')).toBe(true)
  })

  it('keeps memory bounded: open and finished limits, age limit', () => {
    const lines = generateMaillog(20_000, { seed: 12 }).trimEnd().split('\n')
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
    const c = new MessageCorrelator({ maxOpen: 50, maxFinished: 20, maxOpenAgeMs: 3_600_000 })
    for (const l of lines) {
      c.push(p.parse(l))
      expect(c.openCount).toBeLessThanOrEqual(50)
      expect(c.finishedCount).toBeLessThanOrEqual(20)
    }
    expect(c.evicted).toBeGreaterThan(0)
    // a message silent for longer than the age limit is swept out
    const old = new MessageCorrelator({ maxOpenAgeMs: 1000 })
    old.push(p.parse('Nov 28 07:00:00 mx1 postfix/qmgr[1]: AAAAA11111: from=<a@b>, size=1, nrcpt=1 (queue active)'))
    for (let i = 0; i < 5000; i++) old.push(p.parse(`Nov 28 08:00:00 mx1 postfix/qmgr[1]: B${String(i).padStart(9, '0')}: removed`))
    expect(old.get('AAAAA11111')).toBeUndefined()
  })

  it('marks recipients rejected after the queue id exists, and ignores lines without one', () => {
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
    const c = new MessageCorrelator()
    const line = fixtureLogLines('fail2ban__fail2ban/fail2ban/tests/files/logs/postfix').find((l) => l.text.includes('00ADB3C0899'))!.text
    const t = c.push(p.parse(line))!
    expect(t.recipients.map((r) => [r.to, r.status])).toEqual([[/to=<([^>]+)>/.exec(line)![1], 'rejected']])
    expect(c.push(p.parse(line.replace('00ADB3C0899', 'NOQUEUE')))).toBeNull()
  })
})
