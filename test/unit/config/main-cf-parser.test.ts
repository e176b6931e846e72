import { describe, expect, it } from 'vitest'
import { parseMainCf, valueSpanToSource } from '../../../shared/config/postfix/main-cf-parser'

const pos = (doc: ReturnType<typeof parseMainCf>, offset: number) => doc.source.positionAt(offset)

describe('parseMainCf', () => {
  it('reads name = value with exact positions', () => {
    const doc = parseMainCf('# comment\nmyhostname   =  mail.example.com  \nrelayhost =\n')
    expect(doc.entries.map((e) => [e.name, e.value])).toEqual([
      ['myhostname', 'mail.example.com'],
      ['relayhost', ''],
    ])
    const e = doc.entries[0]!
    expect(pos(doc, e.nameSpan.from)).toEqual({ line: 2, column: 1 })
    expect(pos(doc, e.valueSpan.from)).toEqual({ line: 2, column: 17 })
    expect(pos(doc, e.valueSpan.to)).toEqual({ line: 2, column: 33 })
    expect(doc.problems).toEqual([])
  })

  it('joins continuation lines across comment and blank lines, keeping positions of each piece', () => {
    const text = 'mynetworks = 127.0.0.0/8,\n  # office\n\n   \n\t10.0.0.0/8\nnext = 1\n'
    const doc = parseMainCf(text)
    const e = doc.entries[0]!
    expect(e.value).toBe('127.0.0.0/8, 10.0.0.0/8')
    const i = e.value.indexOf('10.0.0.0/8')
    const span = valueSpanToSource(e, i, i + '10.0.0.0/8'.length)
    expect(text.slice(span.from, span.to)).toBe('10.0.0.0/8')
    expect(pos(doc, span.from)).toEqual({ line: 5, column: 2 })
    expect(doc.entries[1]!.name).toBe('next')
  })

  it('keeps a trailing # text in the value, as Postfix does', () => {
    expect(parseMainCf('myhostname = x # c\n').entries[0]!.value).toBe('x # c')
  })

  it('reports a missing "=" and a leading-whitespace line like postconf', () => {
    const doc = parseMainCf('  orphan = 1\nmyhostname x\n')
    expect(doc.problems.map((p) => [p.code, p.severity, pos(doc, p.span.from)])).toEqual([
      ['postfix.leading-whitespace', 'warning', { line: 1, column: 3 }],
      ['postfix.missing-equals', 'error', { line: 2, column: 1 }],
    ])
  })

  it('flags no-break spaces pasted from a web page and still parses the rest', () => {
    const doc = parseMainCf('smtpd_client_restrictions = permit_mynetworks,\n\u00a0\u00a0\u00a0\u00a0reject\n')
    expect(doc.entries[0]!.value).toBe('permit_mynetworks, reject')
    expect(doc.problems).toHaveLength(1)
    expect(doc.problems[0]!.code).toBe('text.lookalike-space')
    expect(doc.problems[0]!.message).toContain('U+00A0 no-break space (4 in a row)')
    expect(pos(doc, doc.problems[0]!.span.from)).toEqual({ line: 2, column: 1 })
  })

  it('reports a byte order mark and reads the first line without it', () => {
    const doc = parseMainCf('\ufeffmyhostname = a\r\nmydomain = b\r\n')
    expect(doc.entries.map((e) => [e.name, e.value])).toEqual([
      ['myhostname', 'a'],
      ['mydomain', 'b'],
    ])
    expect(doc.problems.map((p) => p.code)).toEqual(['text.byte-order-mark'])
  })
})
