import { describe, expect, it } from 'vitest'
import { SourceText } from '../../../shared/config/source-text'
import { parseMainCf } from '../../../shared/config/postfix/main-cf-parser'
import { parseMapSource } from '../../../shared/config/postfix/map-source-parser'
import { lintDbMapConfig, lintMapSource } from '../../../shared/config/postfix/map-source-lint'
import { findMapReferences } from '../../../shared/config/postfix/map-references'

const where = (text: string, path = '/etc/postfix/t') => ({ path, source: new SourceText(text) })
const lint = (text: string, type: string, use: 'access' | 'header-checks' | 'other' = 'other') =>
  lintMapSource(where(text), parseMapSource(text, type), type, use).map((f) => `${f.line}:${f.column} ${f.code}`)

describe('lookup table sources', () => {
  it('hash: key value with continuation, duplicates and missing values', () => {
    const text = 'a@example.com   REJECT no\n  thanks\n# c\nb@example.com\nA@example.com OK\n'
    const doc = parseMapSource(text, 'hash')
    expect(doc.rules.map((r) => [r.key, r.value])).toEqual([
      ['a@example.com', 'REJECT no thanks'],
      ['b@example.com', ''],
      ['A@example.com', 'OK'],
    ])
    expect(lint(text, 'hash')).toEqual(['4:1 postfix.map-missing-value', '5:1 postfix.map-duplicate-key'])
  })

  it('access tables: results must be access(5) actions', () => {
    expect(lint('1.2.3.4 REJCT\n5.6.7.8 550 go away\nexample.com permit_mynetworks\n', 'hash', 'access')).toEqual(['1:9 postfix.map-unknown-action'])
  })

  it('cidr: networks, prefix lengths and host bits', () => {
    expect(lint('192.168.1.0/24 OK\n192.168.1.5/24 REJECT\n10.0.0.0/33 OK\n[2001:db8::]/32 OK\n300.1.1.1 OK\n', 'cidr')).toEqual([
      '2:1 postfix.cidr-host-bits',
      '3:1 postfix.cidr-bad-network',
      '5:1 postfix.cidr-bad-network',
    ])
  })

  it('pcre/regexp: delimited patterns, flags, if/endif', () => {
    const text = '/^Subject: .*viagra/i REJECT spam\nif /^From:/\n!/example\\.com/ WARN\nendif\n/^X-Unclosed REJECT\nendif\n'
    const doc = parseMapSource(text, 'pcre')
    expect(doc.rules.map((r) => [r.directive ?? '', r.key, r.value])).toEqual([
      ['', '/^Subject: .*viagra/i', 'REJECT spam'],
      ['if', '/^From:/', ''],
      ['', '!/example\\.com/', 'WARN'],
      ['endif', 'endif', ''],
      ['endif', 'endif', ''],
    ])
    expect(doc.problems.map((p) => p.code)).toEqual(['postfix.map-unterminated-pattern'])
    expect(lint(text, 'pcre', 'header-checks')).toEqual(['6:1 postfix.map-endif-without-if'])
    expect(lint('/x/ REJECTED\n', 'regexp', 'header-checks')).toEqual(['1:5 postfix.map-unknown-action'])
  })

  it('mysql client configs: unknown keys and a missing query', () => {
    const text = 'hosts = localhost\nuser = postfix\ndbname = postfix\nquerry = SELECT 1\n'
    const f = lintDbMapConfig(where(text), parseMainCf(text), 'mysql')
    expect(f.map((x) => [x.code, x.line, x.message.includes('Did you mean query?')])).toEqual([
      ['postfix.dbmap-unknown-key', 4, true],
      ['postfix.dbmap-no-query', 1, false],
    ])
  })

  it('finds table references inside proxy:, pipemap and unionmap', () => {
    const refs = findMapReferences('proxy:mysql:/etc/postfix/a.cf, pipemap:{hash:/etc/b, regexp:/etc/c} static:x')
    expect(refs.map((r) => [r.type, r.name, r.proxied])).toEqual([
      ['mysql', '/etc/postfix/a.cf', true],
      ['hash', '/etc/b', false],
      ['regexp', '/etc/c', false],
      ['static', 'x', false],
    ])
  })
})
