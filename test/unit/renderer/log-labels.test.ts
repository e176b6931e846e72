import { describe, expect, it } from 'vitest'
import en from '../../../renderer/src/i18n/locales/en'
import ja from '../../../renderer/src/i18n/locales/ja'
import { FIELD_LABELS, KIND_LABELS, RECIPIENT_STATUSES, REJECT_CATEGORY_LABELS, fieldLabelKey, fieldValueKey, lineLabelKey, recipientStatusKey } from '../../../renderer/src/lib/log-labels'
import { statusOf } from '../../../shared/logs/line-filter'
import { parseLine } from '../../../shared/logs/parse-line'

type Tree = { [k: string]: string | Tree }
/** The message at a dotted key in a locale, or undefined. */
function msg(locale: unknown, key: string): string | undefined {
  let node: string | Tree | undefined = locale as Tree
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined
  return typeof node === 'string' ? node : undefined
}
const both = (key: string | null) => (key === null ? null : [msg(en, key), msg(ja, key)])

const at = '2026-11-28T12:25:11.000000+00:00 vm '
const line = (s: string) => parseLine(at + s, { referenceTime: Date.UTC(2026, 10, 28, 13) })

// The lines of one message as the test server logs them, plus a reject and a bounce.
const L = {
  connect: line('postfix/smtpd[11600]: connect from unknown[10.213.77.1]'),
  received: line('postfix/smtpd[11600]: 0C8CC1701C4: client=unknown[10.213.77.1]'),
  messageId: line('postfix/cleanup[11602]: 0C8CC1701C4: message-id=<m0@example.net>'),
  queued: line('postfix/qmgr[900]: 0C8CC1701C4: from=<tester@example.net>, size=428, nrcpt=1 (queue active)'),
  disconnect: line('postfix/smtpd[11600]: disconnect from unknown[10.213.77.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5'),
  delivered: line('postfix/lmtp[11603]: 0C8CC1701C4: to=<alice@example.test>, relay=mail.test.local[private/dovecot-lmtp], delay=0.01, delays=0/0/0/0.01, dsn=2.0.0, status=sent (250 2.0.0 <alice@example.test> Saved)'),
  lmtpConnect: line('dovecot: lmtp(11604): Connect from local'),
  saved: line('dovecot: lmtp(alice@example.test)<11604><WEc6AyfICmtULQAAg+zDdQ>: msgid=<m0@example.net>: saved mail to INBOX'),
  lmtpDisconnect: line('dovecot: lmtp(11604): Disconnect from local: Logged out (state=READY)'),
  removed: line('postfix/qmgr[900]: 0C8CC1701C4: removed'),
  deferred: line('postfix/smtp[1200]: 1A2B3C: to=<x@example.org>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to example.org[192.0.2.1]:25: Connection timed out)'),
  reject: line('postfix/smtpd[1001]: NOQUEUE: reject: RCPT from unknown[10.213.77.1]: 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table; from=<s@example.net> to=<nobody@example.test> proto=ESMTP helo=<vm>'),
  unknown: line('postdesk-test[1]: pdlogmx replaced 1 4'),
}

describe('log line labels', () => {
  it('names the kind of the lines that had no coloured status ("Other"), in English and Japanese', () => {
    const got = Object.fromEntries(Object.entries(L).map(([name, l]) => [name, msg(en, lineLabelKey(l))]))
    expect(got).toEqual({
      connect: 'Connect',
      received: 'Received',
      messageId: 'Message-ID',
      queued: 'Queued',
      disconnect: 'Disconnect',
      delivered: 'Delivered',
      lmtpConnect: 'Connect',
      saved: 'Saved',
      lmtpDisconnect: 'Disconnect',
      removed: 'Removed',
      deferred: 'Deferred',
      reject: 'Rejected',
      unknown: 'Other',
    })
    expect([L.connect, L.received, L.queued, L.disconnect, L.removed, L.deferred, L.unknown].map((l) => msg(ja, lineLabelKey(l)))).toEqual(['接続', '受付', 'キュー投入', '切断', 'キュー削除', '遅延', 'その他'])
  })

  it('keeps the coloured statuses and the status filter as they were', () => {
    for (const l of Object.values(L)) {
      const s = statusOf(l)
      if (s !== 'other') expect(lineLabelKey(l)).toBe(`logs.status.${s}`)
    }
    // the newly named lines still filter as "other"
    expect([L.connect, L.received, L.messageId, L.queued, L.disconnect, L.lmtpConnect, L.saved, L.lmtpDisconnect, L.removed].map(statusOf)).toEqual(Array(9).fill('other'))
    // a kind without its own label, and one with a coloured status whatever its kind
    expect(lineLabelKey({ kind: 'info', severity: 'info' })).toBe('logs.status.other')
    expect(lineLabelKey({ kind: 'unparsed', severity: 'info' })).toBe('logs.status.other')
    expect(lineLabelKey({ kind: 'connect', severity: 'warning' })).toBe('logs.status.warning')
    expect(lineLabelKey({ kind: 'expired', severity: 'info' })).toBe('logs.status.bounced')
  })

  it('has every label in both languages', () => {
    const keys = [
      ...KIND_LABELS.map((k) => `logs.kind.${k}`),
      ...FIELD_LABELS.map((k) => fieldLabelKey(k) as string),
      ...REJECT_CATEGORY_LABELS.map((c) => fieldValueKey('rejectCategory', c) as string),
      ...RECIPIENT_STATUSES.map((s) => recipientStatusKey(s) as string),
    ]
    for (const k of keys) {
      expect(msg(en, k), k).toBeTruthy()
      expect(msg(ja, k), k).toBeTruthy()
    }
  })

  it('labels the fields of a rejected line and its reject category; unknown keys and words stay as they are', () => {
    const f = L.reject.fields
    expect(f.rejectCategory).toBe('unknown_user')
    const labels = Object.keys(f).map((k) => msg(en, fieldLabelKey(k) as string))
    expect(labels).not.toContain(undefined)
    expect(both(fieldLabelKey('clientIp'))).toEqual(['Client IP', 'クライアント IP'])
    expect(both(fieldLabelKey('rejectCategory'))).toEqual(['Reject category', '拒否の分類'])
    expect(both(fieldValueKey('rejectCategory', f.rejectCategory))).toEqual(['Unknown recipient', '存在しない宛先'])
    expect(both(fieldValueKey('rejectCategory', 'relay_denied'))).toEqual(['Relay denied', '中継拒否'])
    expect(fieldLabelKey('somethingNew')).toBeNull()
    expect(fieldLabelKey('toString')).toBeNull()
    expect(fieldValueKey('rejectCategory', 'new_category')).toBeNull()
    expect(fieldValueKey('reason', 'User unknown')).toBeNull()
    expect(fieldValueKey('replyCode', 550)).toBeNull()
  })

  it('translates recipient statuses with Postfix terms in Japanese (deferred is 遅延, held is 保留)', () => {
    expect(['sent', 'deferred', 'bounced', 'expired', 'rejected'].map((s) => msg(ja, recipientStatusKey(s) as string))).toEqual(['配送済み', '配送遅延', 'バウンス', '期限切れ', '拒否'])
    expect(['sent', 'deferred', 'bounced', 'expired', 'rejected'].map((s) => msg(en, recipientStatusKey(s) as string))).toEqual(['Delivered', 'Deferred', 'Bounced', 'Expired', 'Rejected'])
    expect(recipientStatusKey('4.7.1-something')).toBeNull()
    expect([msg(ja, 'logs.status.deferred'), msg(ja, 'logs.kind.held'), msg(ja, 'logs.kind.discarded')]).toEqual(['遅延', '保留', '破棄'])
  })
})
