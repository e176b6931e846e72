import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { SourceText, linesOf } from '../source-text'
import { checkLookalikeSpaces, isCommentLine, skipByteOrderMark } from '../text-hazards'

/** A piece of a logical value and where it sits in the file (continuation lines are joined by one space). */
export interface ValueSegment {
  valueStart: number
  sourceStart: number
  length: number
}

export interface MainCfEntry {
  name: string
  nameSpan: SourceSpan
  /** The logical value: trimmed, continuation lines joined with a single space. */
  value: string
  /** From the first to the last character of the value in the file (equal ends when empty). */
  valueSpan: SourceSpan
  segments: ValueSegment[]
  /** 1-based line of the name. */
  line: number
}

export interface MainCfDocument {
  source: SourceText
  entries: MainCfEntry[]
  problems: ParseProblem[]
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t'

/** Maps an offset inside an entry's logical value to an offset in the file. */
export function valueToSource(entry: Pick<MainCfEntry, 'segments' | 'valueSpan'>, valueOffset: number): number {
  const segs = entry.segments
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i] as ValueSegment
    if (valueOffset >= s.valueStart) return s.sourceStart + Math.min(valueOffset - s.valueStart, s.length)
  }
  return entry.valueSpan.from
}

/** A span of the logical value as a file span. */
export function valueSpanToSource(entry: Pick<MainCfEntry, 'segments' | 'valueSpan'>, from: number, to: number): SourceSpan {
  const start = valueToSource(entry, from)
  const end = to > from ? valueToSource(entry, to - 1) + 1 : start
  return { from: start, to: end }
}

/**
 * Parses Postfix main.cf syntax (also used by *.cf lookup-table configs such as mysql_*.cf).
 * As Postfix does: '#' starts a comment only as the first non-blank character of a line; a line that
 * starts with a blank continues the previous logical line; comment and blank lines inside a
 * continuation do not end it; a trailing '#' text is part of the value.
 */
export function parseMainCf(text: string, product = 'Postfix'): MainCfDocument {
  const source = new SourceText(text)
  const entries: MainCfEntry[] = []
  const problems: ParseProblem[] = []
  let current: MainCfEntry | null = null

  const appendSegment = (entry: MainCfEntry, from: number, piece: string) => {
    if (!piece) return
    if (entry.value) entry.value += ' '
    entry.segments.push({ valueStart: entry.value.length, sourceStart: from, length: piece.length })
    entry.value += piece
    entry.valueSpan = entry.value.length === piece.length ? { from, to: from + piece.length } : { from: entry.valueSpan.from, to: from + piece.length }
  }

  for (const physical of linesOf(text)) {
    const line = physical.line
    const { start, content: raw } = skipByteOrderMark(physical, problems, product)
    const content = isCommentLine(raw) ? raw : checkLookalikeSpaces(raw, start, problems, product)
    let i = 0
    while (isBlank(content[i])) i++
    if (i === content.length || content[i] === '#') continue
    let end = content.length
    while (end > i && isBlank(content[end - 1])) end--

    if (i > 0) {
      if (current) appendSegment(current, start + i, content.slice(i, end))
      else
        problems.push({
          severity: 'warning',
          code: 'postfix.leading-whitespace',
          message: `A logical line must not start with whitespace: ${product} ignores this line`,
          hint: 'Remove the indentation, or move the line under the parameter it continues.',
          span: { from: start + i, to: start + end },
        })
      continue
    }

    current = null
    let n = i
    while (n < end && !isBlank(content[n]) && content[n] !== '=') n++
    const name = content.slice(i, n)
    let e = n
    while (isBlank(content[e])) e++
    if (!name || content[e] !== '=') {
      problems.push({
        severity: 'error',
        code: name ? 'postfix.missing-equals' : 'postfix.missing-name',
        message: name ? `Missing '=' after parameter name "${name}": ${product} refuses to start with this line` : `Missing parameter name before '='`,
        hint: name ? `Write "${name} = value"; a parameter name cannot contain spaces.` : 'Write "name = value".',
        span: { from: start + i, to: start + end },
      })
      continue
    }
    let v = e + 1
    while (isBlank(content[v])) v++
    current = {
      name,
      nameSpan: { from: start + i, to: start + n },
      value: '',
      valueSpan: { from: start + v, to: start + v },
      segments: [],
      line,
    }
    entries.push(current)
    appendSegment(current, start + v, content.slice(v, Math.max(v, end)))
  }
  return { source, entries, problems }
}
