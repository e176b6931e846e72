// crowdsec's postfix and dovecot parser assertions, mapped onto our fields (see MAP); keys that are
// crowdsec's own bookkeeping are listed in UNMAPPED and any other key fails the test.

import { describe, expect, it } from 'vitest'
import { MailLogParser } from '../../../shared/logs/parse-line'
import type { LogLine } from '../../../shared/logs/types'
import { crowdsecAsserts, type CrowdsecAssert } from '../../support/crowdsec-asserts'
import { fixtureLogLines } from '../../support/maillog-fixtures'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** our time, written the way the stamp was: `May 11 04:02:36` (crowdsec keeps the day as written) */
function sameSyslogStamp(l: LogLine, expected: string): boolean {
  const m = /^(\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)$/.exec(expected)
  if (!m || l.time === null) return false
  const d = new Date(l.time)
  return MONTHS[d.getUTCMonth()] === m[1] && d.getUTCDate() === Number(m[2]) && d.getUTCHours() === Number(m[3]) && d.getUTCMinutes() === Number(m[4]) && d.getUTCSeconds() === Number(m[5])
}

type Check = (l: LogLine, expected: string) => boolean
const eq = (get: (l: LogLine) => unknown): Check => (l, e) => String(get(l)) === e

const MAP: Record<string, Check> = {
  'Parsed.program': eq((l) => l.program),
  'Parsed.pid': eq((l) => l.pid),
  'Parsed.message': eq((l) => l.message),
  'Parsed.timestamp': sameSyslogStamp,
  'Parsed.timestamp8601': (l, e) => Math.floor(l.time!) === Date.parse(e),
  'Meta.machine': eq((l) => l.host),
  'Parsed.remote_addr': eq((l) => l.fields.clientIp),
  'Meta.source_ip': eq((l) => l.fields.clientIp),
  'Parsed.dovecot_remote_ip': eq((l) => l.fields.clientIp),
  'Parsed.remote_host': eq((l) => l.fields.clientHost),
  'Meta.source_hostname': eq((l) => l.fields.clientHost),
  'Parsed.action': eq((l) => l.fields.action),
  'Meta.action': eq((l) => l.fields.action),
  // the SMTP command a reject answered, or what a client sent instead of SMTP
  'Parsed.command': eq((l) => l.fields.stage ?? l.fields.reason),
  'Parsed.reason': eq((l) => l.fields.reason),
  'Meta.reason': eq((l) => l.fields.reason),
  'Parsed.smtp_basic_status_code': eq((l) => l.fields.replyCode),
  'Parsed.smtp_enhanced_status_code': eq((l) => l.fields.replyDsn),
  'Parsed.smtp_return_codes': eq((l) => `${l.fields.replyCode} ${l.fields.replyDsn}`),
  // crowdsec's grok keeps the space after "failed:"
  'Parsed.message_failure': (l, e) => l.fields.reason === e.trimStart(),
  'Unmarshaled.postfix.from': eq((l) => `<${l.fields.from}>`),
  'Unmarshaled.postfix.to': eq((l) => `<${l.fields.to}>`),
  'Unmarshaled.postfix.helo': eq((l) => `<${l.fields.helo}>`),
  'Unmarshaled.postfix.proto': eq((l) => l.fields.proto),
  'Parsed.dovecot_user': eq((l) => l.fields.user),
  'Parsed.dovecot_local_ip': eq((l) => l.fields.localIp),
  'Parsed.dovecot_user_backend': eq((l) => l.fields.passdb),
  'Parsed.protocol': eq((l) => l.fields.protocol),
  // crowdsec keeps Dovecot's "Info: " level prefix in some of these
  'Parsed.dovecot_login_message': (l, e) => l.fields.reason === e.replace(/^Info: /, ''),
  'Meta.dovecot_login_result': (l, e) => e === 'auth_failed' && (l.kind === 'login_failed' || l.kind === 'auth_failed'),
}

const UNMAPPED = new Set([
  'Parsed.logsource', 'Meta.datasource_path', 'Meta.datasource_type', 'Meta.log_type', 'Meta.log_type_enh', 'Meta.service',
  // the raw key list, and crowdsec's helo grok that captures the <data> of the reply instead of the helo (the
  // helo itself is checked through Unmarshaled.postfix.helo)
  'Parsed.kvItems', 'Parsed.helo', 'Parsed.auth_func',
])

for (const name of ['postfix-logs', 'dovecot-logs']) {
  const dir = `crowdsecurity__hub/.tests/${name}`
  const lines = fixtureLogLines(`${dir}/${name}.log`).map((l) => l.text)
  const asserts = crowdsecAsserts(`${dir}/parser.assert`)
  describe(`crowdsec ${name}`, () => {
    const parser = new MailLogParser({ referenceTime: Date.UTC(2025, 5, 1) })
    const parsed = lines.map((l) => parser.parse(l))
    const byLine = new Map<number, CrowdsecAssert[]>()
    for (const a of asserts) byLine.set(a.index, [...(byLine.get(a.index) ?? []), a])
    it('has assertions for its lines', () => {
      expect(asserts.length).toBeGreaterThan(100)
      expect(Math.max(...byLine.keys())).toBe(lines.length - 1)
    })
    for (const [index, list] of byLine) {
      it(`line ${index}: ${lines[index]!.slice(0, 80)}`, () => {
        const l = parsed[index]!
        for (const a of list) {
          if (a.from !== null) continue // `[4:]` elides the year: nothing of ours to compare it with
          const key = [a.map, a.key, a.subKey].filter(Boolean).join('.')
          if (UNMAPPED.has(key)) continue
          const check = MAP[key]
          expect(check, `no mapping for ${key}`).toBeDefined()
          expect(check!(l, a.value), `${a.stage} ${key}: expected ${JSON.stringify(a.value)}`).toBe(true)
        }
      })
    }
  })
}
