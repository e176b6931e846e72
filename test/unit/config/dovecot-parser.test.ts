import { describe, expect, it } from 'vitest'
import { readDovecotLines } from '../../../shared/config/dovecot/dovecot-lines'
import { buildDovecotTree, dovecotSourceFromTexts, walkDovecot } from '../../../shared/config/dovecot/dovecot-tree'

describe('readDovecotLines', () => {
  it('reads settings, sections, includes and value kinds with positions', () => {
    const text = [
      'protocols = imap lmtp # trailing comment',
      'ssl_cert = </etc/ssl/cert.pem',
      'mail_plugins = $mail_plugins quota',
      'login_greeting = "Ready # not a comment"',
      'mailbox "Sent Messages" {',
      '  special_use = \\Sent',
      '}',
      '!include conf.d/*.conf',
      '!include_try local.conf',
      'password_query = SELECT password \\',
      "   FROM mailbox WHERE username = '%u'",
    ].join('\n')
    const doc = readDovecotLines(text)
    expect(doc.problems).toEqual([])
    const kinds = doc.lines.map((l) => (l.type === 'setting' ? `${l.key}:${l.valueKind}:${l.value}` : l.type === 'section-begin' ? `{${l.sectionType}|${l.name}` : l.type === 'include' ? `${l.optional ? 'try' : 'inc'}:${l.pattern}` : '}'))
    expect(kinds).toEqual([
      'protocols:plain:imap lmtp',
      'ssl_cert:file:/etc/ssl/cert.pem',
      'mail_plugins:variable:$mail_plugins quota',
      'login_greeting:quoted:Ready # not a comment',
      '{mailbox|Sent Messages',
      'special_use:plain:\\Sent',
      '}',
      'inc:conf.d/*.conf',
      'try:local.conf',
      "password_query:plain:SELECT password FROM mailbox WHERE username = '%u'",
    ])
    const file = doc.lines[1]!
    if (file.type !== 'setting') throw new Error()
    expect(doc.source.positionAt(file.valueSpan.from)).toEqual({ line: 2, column: 13 })
    const q = doc.lines[9]!
    if (q.type !== 'setting') throw new Error()
    expect(text.slice(q.valueSpan.from, q.valueSpan.to)).toContain("FROM mailbox WHERE username = '%u'")
  })

  it('warns about a # glued to text and rejects a key without =', () => {
    const doc = readDovecotLines('mail_location = maildir:~/M#x\nmail_plugins $x\nservice imap { x\n')
    expect(doc.problems.map((p) => [p.code, doc.source.positionAt(p.span.from)])).toEqual([
      ['dovecot.ambiguous-hash', { line: 1, column: 28 }],
      ['dovecot.expecting-equals', { line: 2, column: 1 }],
      ['dovecot.garbage-after-brace', { line: 3, column: 15 }],
    ])
  })

  it('reads a here-document as one value', () => {
    const doc = readDovecotLines('x = <<EOF\nline 1\nline 2\nEOF\ny = 1\n')
    expect(doc.lines.map((l) => (l.type === 'setting' ? [l.key, l.valueKind, l.value] : l.type))).toEqual([
      ['x', 'heredoc', 'line 1\nline 2'],
      ['y', 'plain', '1'],
    ])
  })
})

describe('buildDovecotTree', () => {
  const texts = new Map([
    ['/etc/dovecot/dovecot.conf', 'protocols = imap\n!include conf.d/*.conf\n!include_try local.conf\n!include missing.conf\n'],
    ['/etc/dovecot/conf.d/20-b.conf', 'service lmtp {\n  !include ../inner.ext\n}\n'],
    ['/etc/dovecot/conf.d/10-a.conf', 'mail_location = maildir:~/Maildir\n'],
    ['/etc/dovecot/inner.ext', 'unix_listener lmtp {\n  mode = 0600\n}\n'],
  ])

  it('follows includes relative to the including file, globs in byte order, inside the current section', () => {
    const tree = buildDovecotTree('/etc/dovecot/dovecot.conf', dovecotSourceFromTexts(texts))
    expect(tree.files).toEqual(['/etc/dovecot/dovecot.conf', '/etc/dovecot/conf.d/10-a.conf', '/etc/dovecot/conf.d/20-b.conf', '/etc/dovecot/inner.ext'])
    const nodes = [...walkDovecot(tree.root)].map((n) => (n.kind === 'section' ? `${n.sectionType} ${n.name}` : n.key))
    expect(nodes).toEqual(['protocols', 'mail_location', 'service lmtp', 'unix_listener lmtp', 'mode'])
    expect(tree.unresolvedIncludes.map((u) => [u.resolved, u.include.optional])).toEqual([
      ['/etc/dovecot/local.conf', true],
      ['/etc/dovecot/missing.conf', false],
    ])
    expect(tree.problems).toEqual([])
  })

  it('reports recursive includes, stray and missing braces', () => {
    const t = new Map([
      ['/a.conf', '!include b.conf\n}\nservice x {\n'],
      ['/b.conf', '!include a.conf\n'],
    ])
    const tree = buildDovecotTree('/a.conf', dovecotSourceFromTexts(t))
    expect(tree.problems.map((p) => [p.file, p.code])).toEqual([
      ['/b.conf', 'dovecot.recursive-include'],
      ['/a.conf', 'dovecot.unexpected-close'],
      ['/a.conf', 'dovecot.unclosed-section'],
    ])
  })
})
