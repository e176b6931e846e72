// Hostile input: binary garbage, 1 MB lines, invalid UTF-8, truncated lines, adversarial repetitions.
// Nothing throws, every line comes back (raw or parsed), and the scans stay linear: the adversarial
// 1 MB lines below would take minutes with a quadratic scan (they finish in milliseconds here).

import { describe, expect, it } from 'vitest'
import { LineSplitter } from '../../../shared/logs/line-splitter'
import { MessageCorrelator } from '../../../shared/logs/message-correlator'
import { MailLogParser } from '../../../shared/logs/parse-line'
import { PflogsummCounter } from '../../../shared/logs/pflogsumm-counter'
import { generateMaillog } from '../../support/maillog-generator'
import { fixtureLogLines, logFixtureFiles } from '../../support/maillog-fixtures'

function engine() {
  const parser = new MailLogParser({ referenceTime: Date.UTC(2026, 0, 1) })
  const correlator = new MessageCorrelator({ maxOpen: 100 })
  const counter = new PflogsummCounter()
  return (line: string, truncated = false) => {
    const l = parser.parse(line, truncated)
    correlator.push(l)
    counter.addLine(line)
    return l
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296)
}

const realLines = [...logFixtureFiles().flatMap((f) => fixtureLogLines(f).map((l) => l.text)), ...generateMaillog(500, { seed: 9 }).trimEnd().split('\n')]
const MB = 1 << 20
const head = 'Nov 28 07:13:02 mx1 postfix/smtpd[123]: '

describe('hostile input', () => {
  it('binary garbage: every line is returned, none throws', () => {
    const r = rng(1)
    const bytes = new Uint8Array(2 * MB)
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256)
    const feed = engine()
    let lines = 0
    const sp = new LineSplitter((line, truncated) => {
      const l = feed(line, truncated)
      expect(l.raw).toBe(line)
      lines++
    })
    for (let i = 0; i < bytes.length; ) {
      const step = 1 + Math.floor(r() * 8192)
      sp.push(bytes.subarray(i, i + step))
      i += step
    }
    sp.end()
    expect(lines).toBe(sp.lines)
    const newlines = bytes.filter((b) => b === 10).length
    expect(lines).toBe(bytes[bytes.length - 1] === 10 ? newlines : newlines + 1)
  })

  it('invalid UTF-8 inside a postfix line: replaced, the line still parses', () => {
    const enc = new TextEncoder()
    const line = `${head}4A1B2C3D4E: client=bad\xff\xfe.example[192.0.2.7]`
    const bytes = enc.encode(line)
    // put raw invalid bytes where the two replacement characters were encoded
    const raw = new Uint8Array([...enc.encode(`${head}4A1B2C3D4E: client=bad`), 0xff, 0xfe, 0xc3, ...enc.encode('.example[192.0.2.7]\n')])
    expect(raw.length).toBeLessThan(bytes.length + 3)
    let got = ''
    new LineSplitter((l) => void (got = l)).push(raw)
    const l = engine()(got)
    expect(l.queueId).toBe('4A1B2C3D4E')
    expect(l.fields.clientIp).toBe('192.0.2.7')
    expect(got).toContain('\uFFFD')
  })

  it('every prefix of real lines (truncated lines) parses without throwing', () => {
    const feed = engine()
    let n = 0
    for (const line of realLines.slice(0, 400)) {
      for (let k = 0; k <= line.length; k++) {
        const l = feed(line.slice(0, k))
        expect(l.raw.length).toBe(k)
        n++
      }
    }
    expect(n).toBeGreaterThan(10_000)
  })

  it('random cuts and splices of real lines parse without throwing', () => {
    const r = rng(2)
    const feed = engine()
    for (let i = 0; i < 20_000; i++) {
      const a = realLines[Math.floor(r() * realLines.length)]!
      const b = realLines[Math.floor(r() * realLines.length)]!
      const line = a.slice(0, Math.floor(r() * a.length)) + b.slice(Math.floor(r() * b.length))
      expect(() => feed(line)).not.toThrow()
    }
  })

  const adversarial: Array<[string, string]> = [
    ['to=< repeated', head + 'ABCDE12345: ' + 'to=<a>, relay=x '.repeat(MB / 16)],
    ['to=< openers', head + 'to=<'.repeat(MB / 4)],
    ['from=< openers', 'Nov 28 07:13:02 h postfix/qmgr[1]: A1B2C3D4E5: ' + 'from=<'.repeat(MB / 6)],
    ['": " runs', 'Nov 28 07:13:02 h postfix/smtpd[1]' + ': :'.repeat(MB / 3)],
    ['cleanup actions', 'Nov 28 07:13:02 h postfix/cleanup[1]: A1B2C3D4E5: ' + 'xreject: header '.repeat(MB / 16)],
    ['client= runs', 'Nov 28 07:13:02 h postfix/smtpd[1]: ' + '[1]: a: client'.repeat(MB / 14)],
    ['bracket runs', 'Nov 28 07:13:02 h postfix/smtpd[1]: ' + '[1]: '.repeat(MB / 5)],
    ['Solaris ids', 'Nov 28 07:13:02 h postfix/smtpd[1]: [ID 1 ' + ': [ID 1 x'.repeat(MB / 9)],
    ['dovecot login list', 'Nov 28 07:13:02 h dovecot: imap-login: Login: user=<u>' + ', x'.repeat(MB / 3)],
    ['dovecot key runs', 'Nov 28 07:13:02 h dovecot: imap-login: Disconnected: user=<' + 'a>, '.repeat(MB / 4)],
    ['reject key lists', head + 'NOQUEUE: reject: RCPT from a[1.2.3.4]: 550 <x>: y; ' + 'from=<a b'.repeat(MB / 9)],
    ['angle runs', head + 'ABCDE12345: to=' + '<'.repeat(MB)],
    ['no spaces at all', 'x'.repeat(MB)],
    ['spaces only', ' '.repeat(MB)],
  ]
  for (const [name, line] of adversarial) {
    it(`1 MB adversarial line (${name}) is handled in linear time`, () => {
      const l = engine()(line)
      expect(l.raw).toBe(line)
    })
  }

  it('a line longer than the limit is cut, marked, and the next line is intact', () => {
    const lines: Array<[string, boolean]> = []
    const sp = new LineSplitter((l, t) => void lines.push([l, t]), { maxLineBytes: MB })
    const long = head + 'x'.repeat(3 * MB)
    const text = new TextEncoder().encode(`${long}\n${realLines[0]}\n`)
    for (let i = 0; i < text.length; i += 65_536) sp.push(text.subarray(i, i + 65_536))
    sp.end()
    expect(lines).toHaveLength(2)
    expect(lines[0]![1]).toBe(true)
    expect(lines[0]![0]).toHaveLength(MB)
    expect(lines[1]).toEqual([realLines[0], false])
    expect(sp.droppedBytes).toBe(long.length - MB)
    const l = engine()(lines[0]![0], true)
    expect(l.truncated).toBe(true)
  })
})
