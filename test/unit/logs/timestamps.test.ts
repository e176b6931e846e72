// Stamps: space-, zero- and un-padded syslog days, the year across New Year, RFC 3339 zones and
// fractions, Dovecot's own stamp, journald; expectations are computed with Date.UTC.

import { describe, expect, it } from 'vitest'
import { MailLogParser } from '../../../shared/logs/parse-line'

const tail = ' mx1 postfix/qmgr[1234]: 4A1B2C3D4E: removed'

describe('timestamps', () => {
  it('reads space-padded, zero-padded and unpadded days alike', () => {
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 2, 15) })
    const want = Date.UTC(2026, 2, 7, 2, 9, 33)
    for (const stamp of ['Mar  7 02:09:33', 'Mar 07 02:09:33', 'Mar 7 02:09:33']) {
      const l = p.parse(stamp + tail)
      expect([l.format, l.time, l.host, l.program, l.pid, l.queueId]).toEqual(['syslog', want, 'mx1', 'postfix/qmgr', 1234, '4A1B2C3D4E'])
    }
  })

  it('infers the year across New Year from the reference time', () => {
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 0, 1, 0, 5) })
    expect(p.parse('Dec 31 23:59:59' + tail).time).toBe(Date.UTC(2025, 11, 31, 23, 59, 59))
    expect(p.parse('Jan  1 00:00:01' + tail).time).toBe(Date.UTC(2026, 0, 1, 0, 0, 1))
    // slightly ahead of the reference (clock skew) stays in the reference year
    expect(p.parse('Jan  2 10:00:00' + tail).time).toBe(Date.UTC(2026, 0, 2, 10))
    // read in late December, a line of January 1st is last January's, not next year's
    const dec = new MailLogParser({ referenceTime: Date.UTC(2025, 11, 31, 12) })
    expect(dec.parse('Jan  1 00:00:01' + tail).time).toBe(Date.UTC(2025, 0, 1, 0, 0, 1))
    expect(dec.parse('Feb 29 12:00:00' + tail).time).toBe(Date.UTC(2025, 2, 1, 12))
  })

  it('applies the server offset to zone-less stamps', () => {
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1), utcOffsetMinutes: 9 * 60 })
    expect(p.parse('Nov 28 07:13:02' + tail).time).toBe(Date.UTC(2025, 10, 27, 22, 13, 2))
    expect(p.parse('2013-08-11 03:56:40 auth-worker(default): Info: pam(u,1.2.3.4): unknown user').time).toBe(Date.UTC(2013, 7, 10, 18, 56, 40))
  })

  it('reads RFC 3339 with zones and fractions (Debian rsyslog, journalctl short-iso)', () => {
    const p = new MailLogParser()
    const cases: Array<[string, number]> = [
      ['2026-11-28T07:13:02.123456+00:00', Date.UTC(2026, 10, 28, 7, 13, 2) + 123.456],
      ['2026-11-28T07:13:02+09:00', Date.UTC(2026, 10, 27, 22, 13, 2)],
      ['2026-11-28T07:13:02-0130', Date.UTC(2026, 10, 28, 8, 43, 2)],
      ['2026-11-28T07:13:02Z', Date.UTC(2026, 10, 28, 7, 13, 2)],
    ]
    for (const [stamp, want] of cases) {
      const l = p.parse(stamp + tail)
      expect(l.format).toBe('rfc3339')
      expect(l.time).toBeCloseTo(want, 3)
      expect(l.queueId).toBe('4A1B2C3D4E')
    }
  })

  it('leaves lines without a stamp unparsed but whole', () => {
    const l = new MailLogParser().parse('just some text')
    expect([l.format, l.time, l.kind, l.message]).toEqual(['none', null, 'unparsed', 'just some text'])
  })
})
