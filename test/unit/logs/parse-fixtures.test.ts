// Every line of every fixture log is parsed; header fields and the classification agree with what
// simple independent patterns read from the same line.

import { describe, expect, it } from 'vitest'
import { MailLogParser, parseMessage } from '../../../shared/logs/parse-line'
import { bareDaemonOf, fixtureLogLines, logFixtureFiles } from '../../support/maillog-fixtures'

const STAMP = /^(?:\w{3} +\d{1,2} \d\d:\d\d:\d\d |\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* |@4[0-9a-f]{23} |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )/
const POSTFIX_TAG = / (postfix[\w-]*\/[\w/-]+)\[(\d+)\]: *(?:([0-9A-F]{6,}|[0-9A-Za-z]{10}z[0-9A-Za-z]+|NOQUEUE): )?/

/** the kind a line must have, from its plain text (null: no opinion) */
function kindFromText(line: string): string | null {
  if (/ postfix[\w/-]*\[\d+\]: +\w+: to=<?[^,]*>?, .*status=sent /.test(line)) return 'delivered'
  if (/status=deferred /.test(line)) return 'deferred'
  if (/status=bounced /.test(line)) return 'bounced'
  if (/ postfix[\w/-]*\/(smtpd|postscreen)\[\d+\]: NOQUEUE: reject: /.test(line)) return 'rejected'
  if (/: SASL \S+ authentication failed/.test(line)) return 'sasl_auth_failed'
  if (/-login: (Info: )?Login: user=/.test(line)) return 'login'
  if (/-login: .*\(auth failed, \d+ attempts/.test(line)) return 'login_failed'
  return null
}

describe('every fixture line parses', () => {
  const parser = new MailLogParser({ referenceTime: Date.UTC(2025, 11, 31) })
  for (const rel of logFixtureFiles()) {
    it(rel, () => {
      const lines = fixtureLogLines(rel)
      expect(lines.length).toBeGreaterThan(0)
      const daemon = bareDaemonOf(rel)
      let classified = 0
      for (const { n, text } of lines) {
        const at = `${rel}:${n}`
        if (daemon !== null) {
          expect(parseMessage(daemon, text).kind, at).not.toBe('unparsed')
          continue
        }
        const l = parser.parse(text)
        expect(l.raw, at).toBe(text)
        if (STAMP.test(text)) expect(l.time, at).not.toBeNull()
        else expect(l.format, at).toBe('none')
        const tag = POSTFIX_TAG.exec(text)
        if (tag) {
          expect(l.program, at).toBe(tag[1])
          expect(l.pid, at).toBe(Number(tag[2]))
          if (tag[3] !== undefined) expect(l.queueId, at).toBe(tag[3])
        }
        if (l.program !== null) expect(l.kind, at).not.toBe('unparsed')
        const want = kindFromText(text)
        if (want !== null) {
          expect(l.kind, `${at}: ${text}`).toBe(want)
          classified++
        }
      }
      if (/pflogsumm-go|modoboa|fail2ban|crowdsec/.test(rel)) expect(classified, 'lines with a known classification').toBeGreaterThan(0)
    })
  }
})
