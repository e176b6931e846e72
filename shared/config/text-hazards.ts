import type { ParseProblem } from './parse-problem'

/**
 * Characters that look like a space but are not one to Postfix or Dovecot (both only skip ASCII space
 * and tab). Text pasted from web pages brings U+00A0 no-break spaces; a Japanese IME brings U+3000.
 */
export const LOOKALIKE_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g

export interface LookalikeRun {
  /** offset within the line */
  start: number
  end: number
  char: string
}

/** Runs of look-alike spaces in a line. */
export function lookalikeRuns(line: string): LookalikeRun[] {
  const runs: LookalikeRun[] = []
  LOOKALIKE_SPACE.lastIndex = 0
  for (let m = LOOKALIKE_SPACE.exec(line); m; m = LOOKALIKE_SPACE.exec(line)) {
    const last = runs[runs.length - 1]
    if (last && last.end === m.index) last.end = m.index + 1
    else runs.push({ start: m.index, end: m.index + 1, char: m[0] })
  }
  return runs
}

/** The line with look-alike spaces replaced by ASCII spaces (same length, so offsets stay valid). */
export const withAsciiSpaces = (line: string): string => line.replace(LOOKALIKE_SPACE, ' ')

export function describeLookalike(char: string): string {
  const code = char.codePointAt(0) ?? 0
  const name =
    code === 0xa0 ? 'no-break space' : code === 0x3000 ? 'ideographic (full-width) space' : code === 0x200b ? 'zero-width space' : 'non-ASCII space'
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} ${name}`
}

/** True for a line whose first character other than ASCII blanks is '#' (a comment in every format here). */
export const isCommentLine = (content: string): boolean => /^[ \t]*#/.test(content)

/**
 * Reports look-alike spaces in a physical line (up to `checkUpTo`, e.g. where a comment starts) and
 * returns the line as the parser should see it.
 * Postfix and Dovecot treat them as text, so each run is an error; parsing continues as if they were
 * spaces so that one pasted line does not hide every other finding.
 */
export function checkLookalikeSpaces(content: string, lineStart: number, problems: ParseProblem[], product: string, checkUpTo = content.length): string {
  if (!/[^\t -~]/.test(content)) return content
  for (const run of lookalikeRuns(content.slice(0, checkUpTo))) {
    const leading = content.slice(0, run.start).trim() === ''
    const count = run.end - run.start
    problems.push({
      severity: 'error',
      code: 'text.lookalike-space',
      message: `${describeLookalike(run.char)}${count > 1 ? ` (${count} in a row)` : ''}: ${product} only accepts ASCII spaces and tabs and reads it ${leading ? 'as text, not as indentation' : 'as part of a word'}`,
      hint: 'Replace it with ordinary spaces (text copied from a web page often carries these).',
      span: { from: lineStart + run.start, to: lineStart + run.end },
    })
  }
  return withAsciiSpaces(content)
}

/** A UTF-8 byte order mark on the first line: reported, then skipped (returns the line without it). */
export function skipByteOrderMark(
  line: { line: number; start: number; content: string },
  problems: ParseProblem[],
  product: string,
): { start: number; content: string } {
  if (line.line !== 1 || !line.content.startsWith('\ufeff')) return line
  problems.push({
    severity: 'error',
    code: 'text.byte-order-mark',
    message: `The file starts with a byte order mark (U+FEFF): ${product} reads it as part of the first line`,
    hint: 'Save the file as UTF-8 without BOM.',
    span: { from: line.start, to: line.start + 1 },
  })
  return { start: line.start + 1, content: line.content.slice(1) }
}
