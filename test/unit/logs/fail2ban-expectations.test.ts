// fail2ban's postfix and dovecot filter tests: for every annotated line, our time, remote address
// (clientIp) and user equal the failJSON expectation.

import { describe, expect, it } from 'vitest'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { FAIL2BAN_REFERENCE_WALL_CLOCK, FAIL2BAN_TIME_ZONE, fail2banCases, zonedToUtc } from '../../support/fail2ban-cases'

for (const rel of ['fail2ban__fail2ban/fail2ban/tests/files/logs/postfix', 'fail2ban__fail2ban/fail2ban/tests/files/logs/dovecot']) {
  const cases = fail2banCases(rel)
  describe(rel, () => {
    it('has its annotated cases', () => {
      expect(cases.length).toBeGreaterThan(50)
    })
    // stamps without a zone are read as wall clock (offset 0), against fail2ban's test clock
    const parser = new MailLogParser({ referenceTime: FAIL2BAN_REFERENCE_WALL_CLOCK })
    for (const c of cases) {
      it(`line ${c.lineNo}: ${c.line.slice(0, 80)}`, () => {
        const r = parser.parse(c.line)
        expect(r.kind).not.toBe('unparsed')
        if (c.time) {
          const wall = Date.UTC(c.time[0], c.time[1] - 1, c.time[2], c.time[3], c.time[4], c.time[5])
          if (r.format === 'tai64n') {
            // TAI64N is absolute time. fail2ban reads the label as 2^62 + Unix seconds; libtai (which
            // multilog uses to write it) adds the 10 s TAI-UTC offset of 1972, which we take away.
            expect(Math.floor(r.time! / 1000) * 1000).toBe(zonedToUtc(wall, FAIL2BAN_TIME_ZONE) - 10_000)
          } else {
            expect(Math.floor(r.time! / 1000) * 1000).toBe(wall)
          }
        }
        if (c.host !== null) expect(r.fields.clientIp).toBe(c.host)
        if (c.user !== null) expect(r.fields.user ?? r.fields.saslUsername).toBe(c.user)
        if (c.match) {
          // every line a jail would act on is classified as something other than plain information
          expect(r.kind).not.toBe('info')
        }
      })
    }
  })
}
