import { AppError } from '../../../shared/errors'

// Words made only of these characters mean the same quoted or not, so they stay readable in logs.
// '=' is left out on purpose: a bare first word `A=b` would be a variable assignment, not a command.
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/

/**
 * The POSIX sh command line that runs exactly `argv`: each element in single quotes, with each `'`
 * written as `'\''`. Inside single quotes nothing is special ($, `, \, ", newline, ;), so no element can
 * break out. sshd hands the line to the login shell with `-c`: the account's shell must be POSIX (sh,
 * bash, dash, zsh, ksh), not csh/fish.
 */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new AppError('invalid-input', 'Cannot run an empty command.')
  return argv.map(quoteWord).join(' ')
}

export function quoteWord(word: string): string {
  if (word.includes('\0')) throw new AppError('invalid-input', 'A command argument contains a NUL byte, which no POSIX command line can carry.')
  if (SAFE_WORD.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** shellQuote for arguments that may be raw bytes (file names that are not UTF-8): the line as bytes. */
export function shellQuoteBytes(argv: readonly (string | Uint8Array)[]): Buffer {
  if (argv.length === 0) throw new AppError('invalid-input', 'Cannot run an empty command.')
  const parts: Buffer[] = []
  argv.forEach((w, i) => {
    if (i > 0) parts.push(Buffer.from(' '))
    if (typeof w === 'string') return void parts.push(Buffer.from(quoteWord(w), 'utf8'))
    const b = Buffer.from(w)
    if (b.includes(0)) throw new AppError('invalid-input', 'A command argument contains a NUL byte, which no POSIX command line can carry.')
    const out: number[] = [0x27]
    for (const c of b) {
      if (c === 0x27) out.push(0x27, 0x5c, 0x27, 0x27)
      else out.push(c)
    }
    out.push(0x27)
    parts.push(Buffer.from(out))
  })
  return Buffer.concat(parts)
}
