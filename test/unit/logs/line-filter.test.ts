import { describe, expect, it } from 'vitest'
import { attackReport, blockRulesFor } from '../../../shared/logs/attack-report'
import { compileFilter, serviceOf, statusOf } from '../../../shared/logs/line-filter'
import { MinuteCounter } from '../../../shared/logs/minute-counts'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { formatLine, parseWhen } from '../../../electron/cli/commands/logs-tail'
import { syntheticLines } from '../../../electron/services/logs/synthetic-lines'
import type { StreamLine } from '../../../shared/contract/logs'

const p = new MailLogParser({ referenceTime: Date.UTC(2026, 10, 28, 12) })
const parse = (s: string) => p.parse(s)
const L = {
  sent: parse('2026-11-28T07:13:02.000000+00:00 mx postfix/lmtp[3002]: 4AB12C: to=<alice@example.test>, relay=mx[private/dovecot-lmtp], delay=0.05, delays=0.01/0/0.01/0.03, dsn=2.0.0, status=sent (250 2.0.0 Saved)'),
  reject: parse('2026-11-28T07:13:03.000000+00:00 mx postfix/smtpd[1001]: NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table; from=<s@example.com> to=<nobody@example.test> proto=ESMTP helo=<x>'),
  sasl: parse('2026-11-28T07:13:04.000000+00:00 mx postfix/smtpd[1001]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6'),
  imap: parse('2026-11-28T07:13:05.000000+00:00 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob@example.test>, method=PLAIN, rip=198.51.100.7, lip=10.0.0.2, session=<abc>'),
  imap2: parse('2026-11-28T07:14:05.000000+00:00 mx dovecot: pop3-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob@example.test>, method=PLAIN, rip=203.0.113.9, lip=10.0.0.2, session=<abd>'),
}

describe('line filters', () => {
  it('groups kinds into statuses and names services', () => {
    expect([L.sent, L.reject, L.sasl, L.imap].map(statusOf)).toEqual(['delivered', 'rejected', 'auth_failed', 'auth_failed'])
    expect([L.sent, L.reject, L.imap].map(serviceOf)).toEqual(['lmtp', 'smtpd', 'imap-login'])
  })
  it('combines service, status, text, regex, address, ip, queue id and time range', () => {
    const all = Object.values(L)
    const pick = (f: Parameters<typeof compileFilter>[0]) => all.filter(compileFilter(f))
    expect(pick({ statuses: ['auth_failed'] })).toEqual([L.sasl, L.imap, L.imap2])
    expect(pick({ services: ['smtpd'], statuses: ['rejected'] })).toEqual([L.reject])
    expect(pick({ text: 'SASL login' })).toEqual([L.sasl])
    expect(pick({ text: 'pop3|imap', regex: true })).toEqual([L.imap, L.imap2])
    expect(pick({ address: 'ALICE@example.test' })).toEqual([L.sent])
    expect(pick({ ip: '198.51.100.7' })).toEqual([L.reject, L.sasl, L.imap])
    expect(pick({ queueId: '4ab12c' })).toEqual([L.sent])
    expect(pick({ since: Date.UTC(2026, 10, 28, 7, 14), until: Date.UTC(2026, 10, 28, 7, 15) })).toEqual([L.imap2])
    expect(() => compileFilter({ text: '(', regex: true })).toThrow(SyntaxError)
  })
})

describe('attack view', () => {
  it('groups failed SASL/IMAP/POP3 logins by IP and user over a window', () => {
    const r = attackReport(Object.values(L), 10 * 60_000, Date.UTC(2026, 10, 28, 7, 20))
    expect(r.failures).toBe(3)
    expect(r.byIp).toEqual([
      { ip: '198.51.100.7', failures: 2, users: ['bob@example.test'], protocols: ['imap', 'smtp'], first: Date.UTC(2026, 10, 28, 7, 13, 4), last: Date.UTC(2026, 10, 28, 7, 13, 5) },
      { ip: '203.0.113.9', failures: 1, users: ['bob@example.test'], protocols: ['pop3'], first: Date.UTC(2026, 10, 28, 7, 14, 5), last: Date.UTC(2026, 10, 28, 7, 14, 5) },
    ])
    expect(r.byUser).toEqual([{ user: 'bob@example.test', failures: 2, ips: 2 }])
    expect(attackReport(Object.values(L), 60_000, Date.UTC(2026, 10, 28, 7, 15)).failures).toBe(1)
  })
  it('shows the rules that would block an IP, and refuses what is not an address', () => {
    const rules = blockRulesFor('198.51.100.7')
    expect(rules?.map((r) => r.tool)).toEqual(['iptables', 'nft', 'firewalld', 'ufw', 'postfix-access'])
    expect(rules?.[0]?.text).toBe('iptables -I INPUT -s 198.51.100.7 -p tcp -m multiport --dports 25,465,587,110,995,143,993 -j DROP')
    expect(rules?.[4]?.text).toBe('198.51.100.7    REJECT too many failed logins')
    expect(blockRulesFor('2001:db8::1')?.[0]?.text).toMatch(/^ip6tables -I INPUT -s 2001:db8::1 /)
    expect(blockRulesFor('1.2.3.4; rm -rf /')).toBeNull()
    expect(blockRulesFor('unknown')).toBeNull()
  })
})

describe('per-minute chart counts', () => {
  it('counts the chart series per minute and fills empty minutes', () => {
    const c = new MinuteCounter(3)
    for (const l of Object.values(L)) c.add(l)
    const s = c.series()
    expect(s.map((b) => b.minute)).toEqual([Date.UTC(2026, 10, 28, 7, 12), Date.UTC(2026, 10, 28, 7, 13), Date.UTC(2026, 10, 28, 7, 14)])
    expect(s[1]?.counts).toEqual({ delivered: 1, deferred: 0, bounced: 0, rejected: 1, auth_failed: 2 })
    expect(s[2]?.counts.auth_failed).toBe(1)
  })
})

describe('CLI formatting and synthetic lines', () => {
  it('formats a line and reads times', () => {
    expect(formatLine({ ...L.reject, seq: 1 } as StreamLine)).toMatch(/ rejected\s+smtpd\s+NOQUEUE\s+NOQUEUE: reject: RCPT from unknown/)
    expect(parseWhen('2h', 10_000_000)).toBe(10_000_000 - 7_200_000)
    expect(parseWhen('2026-11-28T07:00:00Z')).toBe(Date.UTC(2026, 10, 28, 7))
    expect(() => parseWhen('yesterday-ish')).toThrow(/Cannot read the time/)
  })
  it('generates lines the engine understands (no unparsed ones)', () => {
    const lines = syntheticLines(2000).map((l) => new MailLogParser().parse(l))
    expect(lines).toHaveLength(2000)
    expect(lines.filter((l) => l.kind === 'unparsed')).toEqual([])
    const kinds = new Set(lines.map((l) => statusOf(l)))
    for (const k of ['delivered', 'deferred', 'bounced', 'rejected', 'auth_failed', 'login']) expect(kinds).toContain(k)
  })
})
