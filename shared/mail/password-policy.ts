// PostfixAdmin 3.3's password rules (functions.inc.php validate_password, generate_password) and a
// strength hint for the form. $CONF['password_validation'] maps PHP regexes to message keys
// ('password_too_short 5'); PHP's preg_match without /u counts bytes, so rules run on UTF-8 bytes.
import { z } from 'zod'

/** The package default: at least 5 characters, 3 letters, 2 digits. */
export const defaultPasswordValidation: Record<string, string> = {
  '/.{5}/': 'password_too_short 5',
  '/([a-zA-Z].*){3}/': 'password_no_characters 3',
  '/([0-9].*){2}/': 'password_no_digits 2',
}

export interface PasswordPolicy {
  /** $CONF['password_validation'] (regex => 'message_key [param]') */
  validation: Record<string, string>
  /** $CONF['min_password_length'] (PostfixAdmin <= 2.3), adds '/.{N}/' when > 0 */
  minLength?: number
}

export const PasswordViolation = z.object({ key: z.string(), param: z.string().optional() })
export type PasswordViolation = z.infer<typeof PasswordViolation>

/** A PHP preg pattern ('/…/flags', any delimiter) as a JS RegExp; undefined when JS cannot run it. */
export function phpRegexToJs(pattern: string): { re: RegExp; unicode: boolean } | undefined {
  const open = pattern[0]
  if (!open || /[a-zA-Z0-9\\\s]/.test(open)) return undefined
  const close = ({ '(': ')', '{': '}', '[': ']', '<': '>' } as Record<string, string>)[open] ?? open
  const end = pattern.lastIndexOf(close)
  if (end <= 0) return undefined
  const body = pattern.slice(1, end)
  const flags = pattern.slice(end + 1)
  if (/[^imsuxDU]/.test(flags) || /[xU]/.test(flags)) return undefined
  const jsFlags = [...new Set(flags.replace(/D/g, '').split(''))].join('')
  try {
    return { re: new RegExp(body, jsFlags), unicode: flags.includes('u') }
  } catch {
    return undefined
  }
}

/** UTF-8 bytes as a one-char-per-byte string, the way PCRE without /u sees a PHP string. */
function asBytes(s: string): string {
  let out = ''
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b)
  return out
}

/** validate_password(): every rule the password breaks, in $CONF order ([] = acceptable). */
export function validatePassword(password: string, policy: PasswordPolicy): PasswordViolation[] {
  const rules = { ...policy.validation }
  if (policy.minLength !== undefined && policy.minLength > 0) rules[`/.{${policy.minLength}}/`] = `password_too_short ${policy.minLength}`
  const out: PasswordViolation[] = []
  for (const [pattern, message] of Object.entries(rules)) {
    const rx = phpRegexToJs(pattern)
    const [key, param] = message.split(/ (.*)/s, 2) as [string, string | undefined]
    const violation: PasswordViolation = param === undefined || param === '' ? { key } : { key, param }
    if (!rx) {
      out.push({ key: 'password_rule_unsupported', param: pattern })
      continue
    }
    if (!rx.re.test(rx.unicode ? password : asBytes(password))) out.push(violation)
  }
  return out
}

const generatorAlphabet = '2345678923456789abcdefghijkmnpqrstuvwxyzABCDEFGHIJKLMNPQRSTUVWXYZ' // no 0/O/1/l, digits twice

function randomIndex(n: number): number {
  // rejection sampling over crypto.getRandomValues (browser and Node)
  const limit = Math.floor(0x1_0000_0000 / n) * n
  const buf = new Uint32Array(1)
  for (;;) {
    globalThis.crypto.getRandomValues(buf)
    if ((buf[0] as number) < limit) return (buf[0] as number) % n
  }
}

/**
 * generate_password(): `length` distinct characters from PostfixAdmin's alphabet (no 0, 1, O, l),
 * redrawn until it satisfies `policy` (PostfixAdmin's can fail its own 2-digit rule).
 */
export function generatePassword(length = 12, policy: PasswordPolicy = { validation: defaultPasswordValidation }): string {
  const distinct = new Set(generatorAlphabet).size
  const n = Math.min(Math.max(1, length), distinct)
  for (let attempt = 0; ; attempt++) {
    let pw = ''
    while (pw.length < n) {
      const c = generatorAlphabet[randomIndex(generatorAlphabet.length)] as string
      if (!pw.includes(c)) pw += c
    }
    if (validatePassword(pw, policy).length === 0 || attempt >= 100) return pw
  }
}

export type StrengthHint = 'very-weak' | 'weak' | 'fair' | 'strong' | 'very-strong'

/** A rough hint for the form: estimated entropy bits from length and character classes, minus repetition. */
export function passwordStrength(password: string): { hint: StrengthHint; bits: number } {
  const chars = [...password]
  let pool = 0
  if (/[a-z]/.test(password)) pool += 26
  if (/[A-Z]/.test(password)) pool += 26
  if (/[0-9]/.test(password)) pool += 10
  if (/[^a-zA-Z0-9]/.test(password)) pool += /[^\x20-\x7e]/.test(password) ? 100 : 33
  const unique = new Set(chars).size
  // repeated characters and short cycles add little: count distinct characters at full weight, the rest at a quarter
  const effective = unique + (chars.length - unique) / 4
  const bits = pool > 0 ? Math.round(effective * Math.log2(pool)) : 0
  const hint: StrengthHint = bits < 28 ? 'very-weak' : bits < 40 ? 'weak' : bits < 60 ? 'fair' : bits < 80 ? 'strong' : 'very-strong'
  return { hint, bits }
}
