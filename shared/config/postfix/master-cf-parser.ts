import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { SourceText, linesOf } from '../source-text'
import { checkLookalikeSpaces, isCommentLine, skipByteOrderMark } from '../text-hazards'
import { valueSpanToSource, type ValueSegment } from './main-cf-parser'
import { splitWords, unbrace, type ValueWord } from './value-words'

export const MASTER_FIELD_NAMES = ['service', 'type', 'private', 'unpriv', 'chroot', 'wakeup', 'maxproc', 'command'] as const
export const MASTER_SERVICE_TYPES = ['inet', 'unix', 'unix-dgram', 'fifo', 'pass'] as const

/** A word of a master.cf entry with its span in the file. */
export interface MasterWord {
  text: string
  span: SourceSpan
}

/** `-o name=value` (or `-o { name = value }`): a main.cf parameter overridden for one service. */
export interface MasterOverride {
  name: string
  value: string
  nameSpan: SourceSpan
  /** Spans of the value pieces in the file, with `segments` mapping value offsets like main.cf entries. */
  valueSpan: SourceSpan
  segments: ValueSegment[]
}

export interface MasterEntry {
  service: string
  type: string
  /** `service/type`, the key `postconf -M` and `-P` use. */
  key: string
  fields: MasterWord[]
  /** The command name (8th field) and its arguments. */
  command: string
  args: MasterWord[]
  overrides: MasterOverride[]
  line: number
  span: SourceSpan
}

export interface MasterCfDocument {
  source: SourceText
  entries: MasterEntry[]
  problems: ParseProblem[]
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t'

interface LogicalLine {
  line: number
  text: string
  segments: ValueSegment[]
  span: SourceSpan
}

/**
 * Parses master.cf the way postconf -M reads it: one service per logical line (continuation lines
 * start with a blank; comment and blank lines inside do not end it), 8 fields then arguments, with
 * `{ ... }` grouping words that contain blanks (Postfix 3.0 and later).
 */
export function parseMasterCf(text: string): MasterCfDocument {
  const source = new SourceText(text)
  const problems: ParseProblem[] = []
  const logical: LogicalLine[] = []
  let current: LogicalLine | null = null

  for (const physical of linesOf(text)) {
    const { start, content: raw } = skipByteOrderMark(physical, problems, 'Postfix')
    const content = isCommentLine(raw) ? raw : checkLookalikeSpaces(raw, start, problems, 'Postfix')
    let i = 0
    while (isBlank(content[i])) i++
    if (i === content.length || content[i] === '#') continue
    let end = content.length
    while (end > i && isBlank(content[end - 1])) end--
    const piece = content.slice(i, end)
    if (i > 0 && current) {
      current.text += ' '
      current.segments.push({ valueStart: current.text.length, sourceStart: start + i, length: piece.length })
      current.text += piece
      current.span.to = start + end
      continue
    }
    if (i > 0) {
      problems.push({
        severity: 'warning',
        code: 'postfix.leading-whitespace',
        message: 'A service entry must not start with whitespace: Postfix ignores this line',
        hint: 'Remove the indentation, or move the line under the service it continues.',
        span: { from: start + i, to: start + end },
      })
      continue
    }
    current = { line: physical.line, text: piece, segments: [{ valueStart: 0, sourceStart: start, length: piece.length }], span: { from: start, to: start + end } }
    logical.push(current)
  }

  const entries: MasterEntry[] = []
  for (const l of logical) {
    const entry = parseEntry(l, problems)
    if (entry) entries.push(entry)
  }
  return { source, entries, problems }
}

function parseEntry(l: LogicalLine, problems: ParseProblem[]): MasterEntry | undefined {
  const map = { segments: l.segments, valueSpan: l.span }
  const toWord = (w: ValueWord): MasterWord => ({ text: w.text, span: valueSpanToSource(map, w.from, w.to) })
  const words = splitWords(l.text, false)
  if (words.length < 8) {
    problems.push({
      severity: 'error',
      code: 'postfix.master-field-count',
      message: `A service entry needs 8 fields (${MASTER_FIELD_NAMES.join(' ')}); this one has ${words.length}: Postfix refuses to start`,
      hint: 'Write "-" for a field that should keep its default.',
      span: l.span,
    })
    return undefined
  }
  const fields = words.slice(0, 8).map(toWord)
  const [service, type, priv, unpriv, chroot, wakeup, maxproc] = fields as [MasterWord, MasterWord, MasterWord, MasterWord, MasterWord, MasterWord, MasterWord]
  const bad = (w: MasterWord, field: string, expected: string) =>
    problems.push({
      severity: 'error',
      code: 'postfix.master-bad-field',
      message: `Invalid ${field} field "${w.text}": expected ${expected}; Postfix refuses to start`,
      span: w.span,
    })
  if (!(MASTER_SERVICE_TYPES as readonly string[]).includes(type.text)) bad(type, 'type', MASTER_SERVICE_TYPES.join(', '))
  for (const [w, name] of [[priv, 'private'], [unpriv, 'unpriv'], [chroot, 'chroot']] as const)
    if (!/^[yn-]$/.test(w.text)) bad(w, name, 'y, n or -')
  if (!/^(\d+\??|-)$/.test(wakeup.text)) bad(wakeup, 'wakeup', 'a number of seconds, optionally followed by ?, or -')
  if (!/^(\d+|-)$/.test(maxproc.text)) bad(maxproc, 'maxproc', 'a number or -')

  const args = words.slice(8).map(toWord)
  const overrides: MasterOverride[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as MasterWord
    if (!a.text.startsWith('-o')) continue
    const attached = a.text.length > 2 ? words[8 + i] : undefined
    const raw = attached ? { text: attached.text.slice(2), from: attached.from + 2, to: attached.to } : words[8 + i + 1]
    if (!attached) i++
    if (!raw) {
      problems.push({ severity: 'error', code: 'postfix.master-bad-override', message: '"-o" without "name=value" after it', hint: 'Write -o name=value.', span: a.span })
      break
    }
    const braced = unbrace(raw)
    const body = braced ?? raw
    const eq = body.text.indexOf('=')
    if (eq <= 0) {
      const next = words[8 + i + 1]
      problems.push({
        severity: 'error',
        code: 'postfix.master-bad-override',
        message:
          next?.text === '=' || next?.text.startsWith('=')
            ? `"-o ${body.text} = ..." has blanks around '=': the service gets "-o ${body.text}" without a value and fails to start`
            : `"-o ${body.text}" has no '=': the service fails to start`,
        hint: 'Write -o name=value without blanks, or -o { name = value } (Postfix 3.0 and later).',
        span: valueSpanToSource(map, body.from, body.to),
      })
      continue
    }
    let nameEnd = eq
    while (nameEnd > 0 && /\s/.test(body.text[nameEnd - 1] as string)) nameEnd--
    let valueStart = eq + 1
    while (valueStart < body.text.length && /\s/.test(body.text[valueStart] as string)) valueStart++
    const name = body.text.slice(0, nameEnd)
    const value = body.text.slice(valueStart)
    const nameSpan = valueSpanToSource(map, body.from, body.from + nameEnd)
    const vFrom = body.from + valueStart
    const valueSpan = valueSpanToSource(map, vFrom, body.to)
    // Segments of the override value: re-based pieces of the logical line's segments.
    const segments: ValueSegment[] = []
    for (const s of l.segments) {
      const a0 = Math.max(s.valueStart, vFrom)
      const b0 = Math.min(s.valueStart + s.length, body.to)
      if (a0 < b0) segments.push({ valueStart: a0 - vFrom, sourceStart: s.sourceStart + (a0 - s.valueStart), length: b0 - a0 })
    }
    overrides.push({ name, value, nameSpan, valueSpan, segments })
  }
  return {
    service: service.text,
    type: type.text,
    key: `${service.text}/${type.text}`,
    fields,
    command: (fields[7] as MasterWord).text,
    args,
    overrides,
    line: l.line,
    span: l.span,
  }
}
