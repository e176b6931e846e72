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

// The header parser reuses what it read for the line before (the same stamp, the same program): a
// line that only starts like the one before must still be read on its own.
describe('stamps and programs read again from the line before', () => {
  it('a repeated syslog stamp, then the same second with a fraction, then without again', () => {
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
    const t = Date.UTC(2026, 4, 3, 10, 20, 30)
    expect(p.parse('May  3 10:20:30' + tail).time).toBe(t)
    expect(p.parse('May  3 10:20:30' + tail).time).toBe(t)
    expect(p.parse('May  3 10:20:30.5' + tail).time).toBe(t + 500)
    expect(p.parse('May  3 10:20:30.5' + tail).time).toBe(t + 500)
    expect(p.parse('May  3 10:20:30' + tail).time).toBe(t)
    // the stamp of the line before followed by no space is not a stamp
    const l = p.parse('May  3 10:20:30x' + tail)
    expect([l.format, l.time]).toEqual(['none', null])
    expect(p.parse('May  3 10:20:31' + tail).time).toBe(t + 1000)
  })

  it('a repeated RFC 3339 date and time with other fractions and zones, and a broken zone after it', () => {
    const p = new MailLogParser()
    const t = Date.UTC(2026, 10, 28, 7, 13, 2)
    expect(p.parse('2026-11-28T07:13:02.250+00:00' + tail).time).toBe(t + 250)
    expect(p.parse('2026-11-28T07:13:02+09:00' + tail).time).toBe(t - 9 * 3_600_000)
    expect(p.parse('2026-11-28T07:13:02Z' + tail).time).toBe(t)
    const bad = p.parse('2026-11-28T07:13:02+0x:00' + tail)
    expect([bad.format, bad.time]).toEqual(['none', null])
    // Dovecot's own stamp (a space for the T, server local time) with the same date and time
    const dv = p.parse('2026-11-28 07:13:02 imap-login: Info: Disconnected')
    expect([dv.format, dv.time]).toEqual(['dovecot', t])
  })

  it('programs whose names hash alike are told apart', () => {
    // "Aa" and "BB" have the same 31-based hash
    const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
    const a = p.parse('May  3 10:20:30 mx1 Aa[1]: one')
    const b = p.parse('May  3 10:20:30 mx1 BB[2]: two')
    const a2 = p.parse('May  3 10:20:30 mx1 Aa[3]: three')
    expect([a.program, b.program, a2.program]).toEqual(['Aa', 'BB', 'Aa'])
    expect([a.message, b.message, a2.message]).toEqual(['one', 'two', 'three'])
  })
})
