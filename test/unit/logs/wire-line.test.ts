// Lines to the renderer are sent once, column by column, each message as its offset in raw. The
// renderer gets back the very lines the parser made, and an IPC payload of 1,000 lines is much smaller.

import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { fromWireBatch, toWireBatch, type StreamLine } from '../../../shared/logs/wire-line'
import { generateMaillog } from '../../support/maillog-generator'
import { fixtureLogLines, logFixtureFiles } from '../../support/maillog-fixtures'

function parsed(raws: string[]): StreamLine[] {
  const p = new MailLogParser({ referenceTime: Date.UTC(2026, 5, 1) })
  return raws.map((r, i) => Object.assign(p.parse(r), { seq: i + 1 }))
}

/** What crosses IPC: Electron's structured clone (v8 serializer), and JSON as the e2e harness sends it. */
function sizes(payload: unknown): { clone: number; json: number } {
  return { clone: serialize(payload).length, json: Buffer.byteLength(JSON.stringify(payload)) }
}

describe('wire lines', () => {
  const journal = JSON.stringify({ __CURSOR: 's=1;i=2', __REALTIME_TIMESTAMP: '1764313982000000', _HOSTNAME: 'mx1', SYSLOG_IDENTIFIER: 'postfix/smtpd', _PID: '12', MESSAGE: 'connect from unknown[192.0.2.1]' })
  const raws = [
    ...logFixtureFiles().flatMap((f) => fixtureLogLines(f).map((l) => l.text)),
    ...generateMaillog(2000, { seed: 11, stamps: 'mixed' }).trimEnd().split('\n'),
    'Nov 28 07:13:02 mx1 postfix/smtpd[1]: connect from a[192.0.2.1]\r',
    'no header at all\r',
    '',
    journal,
  ]

  it('round-trips every line exactly (classic, RFC 3339, CR, unparsed, journald)', () => {
    const lines = parsed(raws)
    expect(lines.some((l) => l.truncated)).toBe(false)
    lines[3]!.truncated = true
    const back = fromWireBatch(structuredClone(toWireBatch(lines)))
    expect(back).toEqual(lines)
    expect(JSON.parse(JSON.stringify(back))).toEqual(JSON.parse(JSON.stringify(lines)))
    // a journald record's message is not a part of its JSON text: it is sent as it is
    const j = toWireBatch(parsed([journal]))
    expect(j.msgAt).toEqual([-1])
    expect(j.messages).toEqual({ 0: 'connect from unknown[192.0.2.1]' })
  })

  it('sends each message once: 1,000 lines in a third less or better', () => {
    const lines = parsed(generateMaillog(1000, { seed: 12, stamps: 'mixed' }).trimEnd().split('\n'))
    expect(lines).toHaveLength(1000)
    const before = sizes({ followId: 'f1', lines })
    const after = sizes({ followId: 'f1', lines: toWireBatch(lines) })
    const rawBytes = lines.reduce((n, l) => n + l.raw.length, 0)
    console.log(`logs.lines payload per 1,000 lines: structured clone ${before.clone} -> ${after.clone} bytes, JSON ${before.json} -> ${after.json} bytes (raw text ${rawBytes} bytes)`)
    // the message (most of a line) is no longer there twice
    expect(before.clone - after.clone).toBeGreaterThan(rawBytes * 0.6)
    expect(after.clone).toBeLessThan(before.clone * 0.67)
    expect(after.json).toBeLessThan(before.json * 0.67)
  })
})
