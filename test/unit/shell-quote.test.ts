import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { quoteWord, shellQuote } from '../../electron/services/ssh/shell-quote'

const hostile = [
  '',
  ' ',
  "'",
  "''",
  '"',
  "it's",
  `'"'"'`,
  '$(touch /tmp/postdesk-pwned)',
  '`touch /tmp/postdesk-pwned`',
  '$HOME',
  '${HOME:-x}',
  '$((1+1))',
  'a;b',
  'a && b || c',
  'a|b',
  '>out',
  '<in',
  '&',
  '\n',
  'line1\nline2\n',
  '\r\n',
  '\t tab',
  '\\',
  "\\'",
  '\\"',
  '*',
  '?',
  '[a-z]',
  '{a,b}',
  '~',
  '~root',
  '#not a comment',
  '!',
  '!!',
  '-n',
  '-e',
  '--',
  'A=b',
  '%s%n',
  'ü日本語🙂',
  '\x01\x07\x1b[31m\x7f',
  "'; rm -rf / #",
  'x'.repeat(20_000) + "'" + '"'.repeat(5_000) + '$(x)'.repeat(2_000),
]

// The real test: a POSIX shell given the quoted line must see exactly these argv, byte for byte.
function echoedBy(shell: string, args: string[]): Buffer[] {
  const out = execFileSync(shell, ['-c', shellQuote(['printf', '%s\\0', ...args])], { maxBuffer: 64 * 1024 * 1024 })
  const parts: Buffer[] = []
  let start = 0
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) {
      parts.push(out.subarray(start, i))
      start = i + 1
    }
  }
  expect(start).toBe(out.length)
  return parts
}

const shells = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((s) => existsSync(s))

describe('shellQuote', () => {
  it('finds at least one POSIX shell to check against', () => {
    expect(shells).toContain('/bin/sh')
  })

  for (const shell of shells) {
    it(`round-trips hostile arguments through ${shell} byte-exactly`, () => {
      const got = echoedBy(shell, hostile)
      expect(got.length).toBe(hostile.length)
      got.forEach((buf, i) => expect(buf.equals(Buffer.from(hostile[i] ?? '', 'utf8')), `argument ${i}: ${JSON.stringify(hostile[i]?.slice(0, 40))}`).toBe(true))
      expect(existsSync('/tmp/postdesk-pwned')).toBe(false)
    })

    it(`keeps each hostile argument a single word in ${shell}`, () => {
      for (const arg of hostile) expect(echoedBy(shell, [arg]).length).toBe(1)
    })
  }

  it('leaves plain words bare and quotes everything else', () => {
    expect(shellQuote(['postconf', '-h', 'mail_version'])).toBe('postconf -h mail_version')
    expect(shellQuote(['ls', '/var/log/mail.log'])).toBe('ls /var/log/mail.log')
    expect(quoteWord("it's")).toBe(`'it'\\''s'`)
    expect(quoteWord('')).toBe("''")
    expect(quoteWord('a b')).toBe("'a b'")
  })

  it('quotes A=b so a first word is never taken as a variable assignment', () => {
    expect(quoteWord('A=b')).toBe("'A=b'")
    expect(() => execFileSync('/bin/sh', ['-c', shellQuote(['A=b'])], { stdio: 'pipe' })).toThrow() // "A=b: not found"
  })

  it('refuses NUL bytes and empty commands with invalid-input', () => {
    expect(() => shellQuote(['echo', 'a\0b'])).toThrow(AppError)
    expect(() => shellQuote(['echo', 'a\0b'])).toThrow(/NUL/)
    try {
      shellQuote([])
      expect.unreachable()
    } catch (e) {
      expect((e as AppError).code).toBe('invalid-input')
    }
  })
})
