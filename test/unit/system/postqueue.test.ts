import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parsePostcat, decodeWords } from '../../../electron/services/system/parse-postcat'
import { countQueue, hasQueueJson, parseQueueJson, parseQueueText } from '../../../electron/services/system/parse-postqueue'
import { QueueId } from '../../../shared/domain/system'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/queue', name), 'utf8')
const UTC = { now: new Date('2026-11-28T09:00:00Z'), utcOffsetMinutes: 0 }
const REASON = 'unable to look up host defer.invalid: Temporary failure in name resolution'

describe('postqueue -j (Postfix 3.7, real output)', () => {
  it('reads queue, id, arrival, size, sender and per-recipient delay reasons', () => {
    const m = parseQueueJson(fixture('postfix-3.7-postqueue-j.jsonl'))
    expect(m).toHaveLength(3)
    expect(m[0]).toEqual({ id: '620E517035D', queue: 'deferred', arrival: '2026-11-28T08:40:16.000Z', size: 390, sender: 'MAILER-DAEMON', recipients: [{ address: 'x@defer.invalid', reason: REASON }] })
    expect(m[2]!.queue).toBe('hold')
    expect(m[2]!.recipients.map((r) => r.address)).toEqual(['a@defer.invalid', 'b@other.invalid'])
    expect(m[2]!.recipients[1]!.reason).toMatch(/other\.invalid/)
    expect(countQueue(m)).toEqual({ total: 3, active: 0, deferred: 2, hold: 1, other: 0 })
  })
})

describe('postqueue -p text', () => {
  it('reads Postfix 3.7 output exactly like its own postqueue -j', () => {
    const text = parseQueueText(fixture('postfix-3.7-postqueue-p.txt'), UTC)
    const json = parseQueueJson(fixture('postfix-3.7-postqueue-j.jsonl'))
    expect(text).toEqual(json)
  })

  it('reads the Postfix 2.6 (CentOS 6) layout: column-0 reasons, marks, reasons shared by the recipients below', () => {
    const m = parseQueueText(fixture('postfix-2.6-postqueue-p.txt'), { now: new Date('2026-11-28T00:30:00Z'), utcOffsetMinutes: 540 })
    expect(m.map((x) => [x.id, x.queue, x.size, x.sender])).toEqual([
      ['8C3F51E0C5', 'active', 2310, 'info@example.co.jp'],
      ['4A1B61E0B7', 'deferred', 1843, 'MAILER-DAEMON'],
      ['E07C21E0A1', 'hold', 5512, 'sales@example.co.jp'],
      ['2D9E41E099', 'deferred', 7719, 'info@example.co.jp'],
    ])
    // JST 23:58:11 on Nov 27 is 14:58:11 UTC
    expect(m[0]!.arrival).toBe('2026-11-27T14:58:11.000Z')
    expect(m[0]!.recipients).toEqual([{ address: 'yamada@example.ne.jp', reason: null }])
    expect(m[1]!.recipients).toEqual([{ address: 'tanaka@example.jp', reason: 'connect to mx.example.jp[192.0.2.25]:25: Connection timed out' }])
    expect(m[3]!.recipients.map((r) => [r.address, r.reason?.slice(0, 30)])).toEqual([
      ['sato@example.org', 'host mx.example.org[198.51.100'],
      ['ito@example.net', 'conversation with mx2.example.'],
      ['kato@example.net', 'conversation with mx2.example.'],
    ])
    expect(countQueue(m)).toEqual({ total: 4, active: 1, deferred: 2, hold: 1, other: 0 })
  })

  it('reads reasons wrapped over lines, long queue ids, and the previous year in January', () => {
    const text = [
      '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------',
      '4XcB7k2Jm9z1     3174 Sun Dec 31 23:58:07  alerts@example.org',
      '                (host mx1.example.org[192.0.2.10] said: 451 4.7.1',
      '                Greylisted (in reply to RCPT TO command))',
      '                                         noc@example.org',
      '',
      '-- 3 Kbytes in 1 Request.',
    ].join('\n')
    const m = parseQueueText(text, { now: new Date('2027-01-02T00:00:00Z'), utcOffsetMinutes: 0 })
    expect(m).toEqual([{ id: '4XcB7k2Jm9z1', queue: 'deferred', size: 3174, sender: 'alerts@example.org', arrival: '2026-12-31T23:58:07.000Z', recipients: [{ address: 'noc@example.org', reason: 'host mx1.example.org[192.0.2.10] said: 451 4.7.1 Greylisted (in reply to RCPT TO command)' }] }])
  })

  it('reads an empty queue from both versions', () => {
    expect(parseQueueText(fixture('postfix-3.7-postqueue-p-empty.txt'), UTC)).toEqual([])
    expect(parseQueueText(fixture('postfix-2.6-postqueue-p-empty.txt'), UTC)).toEqual([])
  })

  it('knows which Postfix has postqueue -j', () => {
    expect([hasQueueJson('2.6.6'), hasQueueJson('3.0.4'), hasQueueJson('3.1.0'), hasQueueJson('3.7.11'), hasQueueJson('4.0'), hasQueueJson(null)]).toEqual([false, false, true, true, true, false])
  })
})

describe('queue ids', () => {
  it('accepts short and long ids and refuses ALL, options and paths', () => {
    for (const ok of ['620E517035D', '4A1B61E0B7', '4XcB7k2Jm9z1', '4Ff3Xj6WZQz9vNx']) expect(QueueId.safeParse(ok).success, ok).toBe(true)
    for (const bad of ['ALL', 'all', '-d', '../x', '620E5170 35D', '620e517035d', 'deferred', '', 'A;rm', 'ABCDE'.repeat(5)]) expect(QueueId.safeParse(bad).success, bad).toBe(false)
  })
})

describe('postcat -q', () => {
  it('decodes a base64 UTF-8 body and an RFC 2047 subject (Postfix 3.7, real)', () => {
    const c = parsePostcat('5DE4017035E', fixture('postfix-3.7-postcat-base64.txt'))
    expect(c.queue).toBe('hold')
    expect(c.sender).toBe('tanaka@example.test')
    expect(c.recipients).toEqual(['a@defer.invalid', 'b@other.invalid'])
    expect(c.headers.find((h) => h.name === 'Subject')?.value).toBe('テスト')
    expect(c.headers.find((h) => h.name === 'Received')?.value).toMatch(/^by mail\.test\.local .* id 5DE4017035E;/)
    expect(c.parts).toEqual([{ contentType: 'text/plain', charset: 'UTF-8', filename: null, text: 'こんにちは世界\n', size: 22 }])
  })

  it('decodes quoted-printable ISO-8859-1 with a soft line break (Postfix 3.7, real)', () => {
    const c = parsePostcat('620E517035D', fixture('postfix-3.7-postcat-qp.txt'))
    expect(c.parts[0]!.text).toBe('Café crème soft break')
  })

  it('reads a Postfix 2.6 multipart bounce: ISO-2022-JP, Shift_JIS base64, null sender, RFC 2047 file name', () => {
    const c = parsePostcat('4A1B61E0B7', fixture('postfix-2.6-postcat.txt'))
    expect(c).toMatchObject({ queue: 'deferred', sender: '', recipients: ['tanaka@example.jp'] })
    expect(c.headers.find((h) => h.name === 'Subject')?.value).toBe('テスト Undelivered Mail')
    expect(c.parts.map((p) => [p.contentType, p.charset, p.filename, p.text])).toEqual([
      ['text/plain', 'ISO-2022-JP', null, 'テスト'],
      ['text/plain', 'Shift_JIS', 'メモ.txt', 'あいう'],
    ])
  })

  it('joins adjacent encoded words and leaves plain text alone', () => {
    expect(decodeWords('=?UTF-8?B?44OG?= =?UTF-8?B?44K544OI?= ok')).toBe('テスト ok')
    expect(decodeWords('=?iso-8859-1?Q?Caf=E9_au_lait?=')).toBe('Café au lait')
    expect(decodeWords('plain')).toBe('plain')
  })
})

describe('certificate expiry', () => {
  const now = new Date('2026-11-28T09:00:00Z')
  it('warns under 21 days, says expired, and reports unreadable dates', async () => {
    const { certExpiry } = await import('../../../electron/services/system/dashboard-service')
    expect(certExpiry('postfix', '/c.pem', 'Dec  8 09:00:00 2026 GMT', null, now)).toMatchObject({ state: 'warning', daysLeft: 10, notAfter: '2026-12-08T09:00:00.000Z' })
    expect(certExpiry('postfix', '/c.pem', 'Dec 19 09:00:00 2026 GMT', null, now)).toMatchObject({ state: 'ok', daysLeft: 21 })
    expect(certExpiry('dovecot', '/c.pem', 'Nov 27 09:00:00 2026 GMT', null, now)).toMatchObject({ state: 'expired', daysLeft: -1 })
    expect(certExpiry('dovecot', '/c.pem', null, 'Could not open file', now)).toMatchObject({ state: 'error', error: 'Could not open file', daysLeft: null })
  })
})
