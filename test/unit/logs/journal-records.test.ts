// journalctl -o json records: the same parse as the syslog line they come from; MESSAGE as a byte array.

import { describe, expect, it } from 'vitest'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { PflogsummCounter } from '../../../shared/logs/pflogsumm-counter'
import { fixtureLogLines } from '../../support/maillog-fixtures'

/** A syslog line as journald would have stored it. */
function asJournal(line: string, p: MailLogParser, bytes = false): string {
  const l = p.parse(line)
  const msg: string | number[] = bytes ? [...new TextEncoder().encode(l.message)] : l.message
  return JSON.stringify({
    __REALTIME_TIMESTAMP: String(Math.round(l.time! * 1000)), _HOSTNAME: l.host, SYSLOG_IDENTIFIER: l.program,
    _PID: l.pid === null ? undefined : String(l.pid), MESSAGE: msg, PRIORITY: '6',
  })
}

describe('journald JSON records', () => {
  const p = new MailLogParser({ referenceTime: Date.UTC(2024, 5, 1) })
  const lines = fixtureLogLines('vignemail1__pflogsumm-go/testdata/sample.log').map((l) => l.text)

  it('parse to the same fields as the syslog lines', () => {
    for (const [i, line] of lines.entries()) {
      const a = p.parse(line)
      const b = p.parse(asJournal(line, p, i % 2 === 1))
      expect(b.format).toBe('journal')
      expect({ ...b, raw: '', format: '' }).toEqual({ ...a, raw: '', format: '' })
    }
  })

  it('count like the syslog lines in the summary', () => {
    const fromSyslog = new PflogsummCounter()
    const fromJournal = new PflogsummCounter()
    for (const line of lines) {
      fromSyslog.addLine(line)
      const j = p.parse(asJournal(line, p))
      fromJournal.addJournal(j.program!, j.pid, j.message)
    }
    expect(fromJournal.totals()).toEqual(fromSyslog.totals())
    expect(fromSyslog.totals().delivered).toBeGreaterThan(0)
  })

  it('survive broken JSON, null and odd MESSAGE values', () => {
    for (const raw of ['{', '{"MESSAGE":null,"__REALTIME_TIMESTAMP":"x"}', '{"MESSAGE":[255,254,65]}', '[1,2]', '{"a":1}']) {
      expect(() => p.parse(raw)).not.toThrow()
    }
    expect(p.parse('{"MESSAGE":[255,254,65],"SYSLOG_IDENTIFIER":"postfix/smtpd"}').message).toBe('\uFFFD\uFFFDA')
  })
})
