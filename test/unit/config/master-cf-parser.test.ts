import { describe, expect, it } from 'vitest'
import { parseMasterCf } from '../../../shared/config/postfix/master-cf-parser'

describe('parseMasterCf', () => {
  it('reads the 8 fields and -o overrides with positions, in both -o forms', () => {
    const text = [
      '# service type private unpriv chroot wakeup maxproc command',
      'submission inet n       -       y       -       -       smtpd',
      '  -o syslog_name=postfix/submission',
      '  # a comment inside the entry',
      '  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }',
      'pickup    unix  n       -       y       60      1       pickup',
      '',
    ].join('\n')
    const doc = parseMasterCf(text)
    expect(doc.problems).toEqual([])
    expect(doc.entries.map((e) => e.key)).toEqual(['submission/inet', 'pickup/unix'])
    const [a, b] = doc.entries[0]!.overrides
    expect([a!.name, a!.value]).toEqual(['syslog_name', 'postfix/submission'])
    expect([b!.name, b!.value]).toEqual(['smtpd_client_restrictions', 'permit_sasl_authenticated, reject'])
    expect(doc.source.positionAt(b!.nameSpan.from)).toEqual({ line: 5, column: 8 })
    expect(text.slice(b!.valueSpan.from, b!.valueSpan.to)).toBe('permit_sasl_authenticated, reject')
    expect(doc.entries[1]!.fields.map((f) => f.text)).toEqual(['pickup', 'unix', 'n', '-', 'y', '60', '1', 'pickup'])
  })

  it('rejects what postconf -M and the master daemon reject', () => {
    const doc = parseMasterCf('smtp inet n - y - smtpd\nsmtp inet n - yes - - smtpd\nsub inet n - y - - smtpd\n  -o smtpd_tls_security_level = encrypt\n')
    expect(doc.problems.map((p) => [p.code, doc.source.positionAt(p.span.from)])).toEqual([
      ['postfix.master-field-count', { line: 1, column: 1 }],
      ['postfix.master-bad-field', { line: 2, column: 15 }],
      ['postfix.master-bad-override', { line: 4, column: 6 }],
    ])
    expect(doc.problems[2]!.message).toContain('blanks around')
  })
})
