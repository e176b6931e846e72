import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { SourceText } from '../source-text'
import { describeLookalike } from '../text-hazards'
import { phpValueToJson, readConfigStatically } from './php-config-reader'
import { tokenizePhp } from './php-config-tokens'

export type PhpLiteral = string | number | boolean | null | PhpLiteral[] | { [key: string]: PhpLiteral }

export interface PhpConfAssignment {
  key: string
  /** undefined when only PHP could evaluate the right-hand side (a function call, an unknown variable ...); literals, constants and concatenations of them are evaluated. */
  value: PhpLiteral | undefined
  keySpan: SourceSpan
  valueSpan: SourceSpan
  line: number
}

export interface PhpConf {
  source: SourceText
  /** Every `$CONF['key'] = ...;` in file order. */
  assignments: PhpConfAssignment[]
  /** key -> the last assignment (the one PHP keeps). */
  values: Map<string, PhpConfAssignment>
  /** Look-alike spaces in code (outside strings and comments): PHP stops with a syntax error. */
  problems: ParseProblem[]
}

/**
 * A static reader for PostfixAdmin's config.local.php / config.inc.php: collects literal
 * `$CONF['key'] = value;` assignments without running PHP. Non-literal right-hand sides are kept
 * with an undefined value, so the last assignment of a key is still known.
 */
export function readPhpConf(text: string): PhpConf {
  const source = new SourceText(text)
  // the reader that is checked against PHP itself (test/unit/mail/postfixadmin-config.test.ts), reading
  // the whole text as code: a lint wants what the admin meant even from a copy with a mangled open tag
  const r = readConfigStatically([{ name: 'config', text }], { ignoreOpenTags: true })
  const assignments: PhpConfAssignment[] = []
  for (const a of r.assignments) {
    const key = a.path[0]
    if (a.op !== '=' || a.path.length !== 1 || key === null || key === undefined) continue
    assignments.push({
      key: String(key),
      value: a.value === undefined ? undefined : (phpValueToJson(a.value) as PhpLiteral),
      keySpan: a.keySpan ?? a.valueSpan,
      valueSpan: a.valueSpan,
      line: a.line,
    })
  }
  const problems: ParseProblem[] = tokenizePhp(text, { ignoreOpenTags: true }).unicodeSpaces.map((u) => {
    const n = u.to - u.from
    return {
      severity: 'error',
      code: 'text.lookalike-space',
      message: `${describeLookalike(u.char)}${n > 1 ? ` (${n} in a row)` : ''} in PHP code: PHP reads it as part of a name, so the file has a syntax error and PostfixAdmin stops with a blank page`,
      hint: 'Replace it with ordinary spaces (text copied from a web page often carries these).',
      span: { from: u.from, to: u.to },
    }
  })
  const values = new Map<string, PhpConfAssignment>()
  for (const a of assignments) values.set(a.key, a)
  return { source, assignments, values, problems }
}
