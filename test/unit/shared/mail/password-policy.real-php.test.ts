// validate_password() verdicts against PostfixAdmin's own, for the package default policy and for
// a custom one (min_password_length, flags, /u); and the generator/strength hint.
import { describe, expect, it } from 'vitest'
import { defaultPasswordValidation, generatePassword, passwordStrength, phpRegexToJs, validatePassword } from '../../../../shared/mail/password-policy'
import { phpOk, runPostfixAdmin } from '../../../tools/real-mail-tools'

const passwords = ['', 'abc', 'abc12', 'Secret12!', 'abcdef', '12345', 'ab1c2', 'パスワード12', 'パ12ab', 'äöü12', 'aB3', 'xyz99xyz', 'a1b2', 'ABCDEFGHIJ1', '  12abc  ', 'a\nb\nc12']
const custom = {
  '/.{8}/': 'password_too_short 8',
  '/[A-Z]/': 'x_needs_upper',
  '#\\d.*\\d#': 'password_no_digits 2',
  '/^.{1,6}$/u': 'x_at_most_6_chars',
}

describe('validate_password() equals PostfixAdmin', () => {
  it.each([
    ['the package default', { password_validation: defaultPasswordValidation }, { validation: defaultPasswordValidation }],
    // as a string: PostfixAdmin 3.3's Config::read_string dies on an integer (the seed's old config has `= 6;`)
    ['a custom policy with min_password_length', { password_validation: custom, min_password_length: '10' }, { validation: custom, minLength: 10 }],
  ])('%s', (_name, conf, policy) => {
    const php = runPostfixAdmin(conf, passwords.map((pw) => ({ fn: 'validate_password', args: [pw] })))
    passwords.forEach((pw, i) => {
      const theirs = phpOk(php[i]) as string[]
      expect(validatePassword(pw, policy).length, `${JSON.stringify(pw)}: ${theirs.join(' | ')}`).toBe(theirs.length)
    })
  })

  it('names the broken rules in $CONF order with their parameter', () => {
    expect(validatePassword('ab1', { validation: defaultPasswordValidation })).toEqual([
      { key: 'password_too_short', param: '5' },
      { key: 'password_no_characters', param: '3' },
      { key: 'password_no_digits', param: '2' },
    ])
    expect(validatePassword('Secret12!', { validation: defaultPasswordValidation })).toEqual([])
  })

  it('counts bytes like PCRE without /u (so 3 Japanese characters are 9 "characters")', () => {
    expect(validatePassword('パスワ', { validation: { '/.{9}/': 'password_too_short 9' } })).toEqual([])
    expect(validatePassword('パスワ', { validation: { '/.{9}/u': 'password_too_short 9' } })).toHaveLength(1)
  })

  it('flags patterns JavaScript cannot run instead of ignoring them', () => {
    expect(phpRegexToJs('/a b/x')).toBeUndefined()
    expect(validatePassword('x', { validation: { '/a b/x': 'x_rule' } })).toEqual([{ key: 'password_rule_unsupported', param: '/a b/x' }])
  })
})

describe('generatePassword', () => {
  it("uses PostfixAdmin's alphabet, distinct characters, and passes the policy", () => {
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword()
      expect(pw).toMatch(/^[2-9a-km-zA-NP-Z]{12}$/)
      expect(new Set(pw).size).toBe(12)
      expect(validatePassword(pw, { validation: defaultPasswordValidation })).toEqual([])
    }
  })
  it("PostfixAdmin's own generate_password() draws from the same alphabet", () => {
    const php = runPostfixAdmin({}, Array.from({ length: 50 }, () => ({ fn: 'generate_password', args: [] })))
    const seen = new Set(php.flatMap((r) => [...(phpOk(r) as string)]))
    for (const c of seen) expect('2345678923456789abcdefghijkmnpqrstuvwxyzABCDEFGHIJKLMNPQRSTUVWXYZ').toContain(c)
    expect(seen.size).toBeGreaterThan(40)
  })
})

describe('passwordStrength', () => {
  it('orders obvious cases', () => {
    const order = ['aaaa', 'abc12', 'Secret12!', generatePassword(12), 'correct horse battery staple 42!']
    const bits = order.map((p) => passwordStrength(p).bits)
    expect([...bits].sort((a, b) => a - b)).toEqual(bits)
    expect(passwordStrength('aaaa').hint).toBe('very-weak')
    expect(passwordStrength('correct horse battery staple 42!').hint).toBe('very-strong')
  })
})
