import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { SourceText, linesOf } from '../source-text'
import { checkLookalikeSpaces, isCommentLine, skipByteOrderMark, withAsciiSpaces } from '../text-hazards'

/** How a value was written: plain, `<file` (contents of a file), `$setting ...`, "quoted", or a here-document. */
export type DovecotValueKind = 'plain' | 'file' | 'variable' | 'quoted' | 'heredoc'

export interface DovecotSettingLine {
  type: 'setting'
  key: string
  /** The value as Dovecot stores it: quotes removed and unescaped, `<` of a file value removed. */
  value: string
  valueKind: DovecotValueKind
  keySpan: SourceSpan
  valueSpan: SourceSpan
  line: number
}

export interface DovecotSectionBeginLine {
  type: 'section-begin'
  sectionType: string
  /** Empty for unnamed sections such as `passdb {`. */
  name: string
  typeSpan: SourceSpan
  nameSpan: SourceSpan
  line: number
}

export interface DovecotSectionEndLine {
  type: 'section-end'
  span: SourceSpan
  line: number
}

export interface DovecotIncludeLine {
  type: 'include'
  optional: boolean
  pattern: string
  span: SourceSpan
  line: number
}

export type DovecotLine = DovecotSettingLine | DovecotSectionBeginLine | DovecotSectionEndLine | DovecotIncludeLine

export interface DovecotFileLines {
  source: SourceText
  lines: DovecotLine[]
  problems: ParseProblem[]
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t'

/** A logical line: physical pieces joined by one space (a trailing '\' continues a line). */
interface Logical {
  text: string
  /** offset in `text` -> offset in the file */
  pieces: { at: number; source: number; length: number }[]
  line: number
}

const toSource = (l: Logical, at: number): number => {
  for (let i = l.pieces.length - 1; i >= 0; i--) {
    const p = l.pieces[i] as Logical['pieces'][number]
    if (at >= p.at) return p.source + Math.min(at - p.at, p.length)
  }
  return l.pieces[0]?.source ?? 0
}
const span = (l: Logical, from: number, to: number): SourceSpan => ({ from: toSource(l, from), to: to > from ? toSource(l, to - 1) + 1 : toSource(l, from) })

/** Removes a '#' comment outside quotes; returns the kept length and the '#' offset if it was glued to text. */
function stripComment(s: string): { length: number; glued: number } {
  for (let p = 0; p < s.length; p++) {
    const c = s[p]
    if (c === '"' || c === "'") {
      for (p++; p < s.length && s[p] !== c; p++) if (s[p] === '\\' && p + 1 < s.length) p++
      if (p >= s.length) break
    } else if (c === '#') return { length: p, glued: p > 0 && !isBlank(s[p - 1]) ? p : -1 }
  }
  return { length: s.length, glued: -1 }
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c))
}

/**
 * Splits a Dovecot config file (dovecot.conf, conf.d/*.conf, *.conf.ext) into its lines, the way
 * Dovecot 2.3's config-parser reads them. Includes are not followed here (see dovecot-tree).
 */
export function readDovecotLines(text: string): DovecotFileLines {
  const source = new SourceText(text)
  const lines: DovecotLine[] = []
  const problems: ParseProblem[] = []
  let pending: Logical | null = null
  let heredoc: { terminator: string; key: DovecotSettingLine; body: string[]; start: number } | null = null

  for (const physical of linesOf(text)) {
    const { start, content: raw } = skipByteOrderMark(physical, problems, 'Dovecot')
    if (heredoc) {
      if (raw.trim() === heredoc.terminator) {
        heredoc.key.value = heredoc.body.join('\n')
        heredoc.key.valueSpan = { from: heredoc.start, to: start + raw.length }
        heredoc = null
      } else heredoc.body.push(raw)
      continue
    }
    const normalized = withAsciiSpaces(raw)
    let c0 = 0
    while (isBlank(normalized[c0])) c0++
    const commentAt = c0 + stripComment(normalized.slice(c0)).length
    const content = isCommentLine(raw) ? raw : checkLookalikeSpaces(raw, start, problems, 'Dovecot', commentAt)
    let i = 0
    while (isBlank(content[i])) i++
    if (i === content.length || content[i] === '#') continue
    const { length, glued } = stripComment(content.slice(i))
    if (glued >= 0)
      problems.push({
        severity: 'warning',
        code: 'dovecot.ambiguous-hash',
        message: "'#' right after text starts a comment: Dovecot ignores the rest of the line",
        hint: 'Put a space before # if it is a comment; quote the value ("...") if # belongs to it.',
        span: { from: start + i + glued, to: start + i + glued + 1 },
      })
    let end = i + length
    while (end > i && isBlank(content[end - 1])) end--
    if (end === i) continue
    let piece = content.slice(i, end)
    let continues = false
    if (piece.endsWith('\\')) {
      continues = true
      piece = piece.slice(0, -1).replace(/[ \t]+$/, '')
    }
    if (!pending) pending = { text: '', pieces: [], line: physical.line }
    else pending.text += ' '
    pending.pieces.push({ at: pending.text.length, source: start + i, length: piece.length })
    pending.text += piece
    if (continues) continue
    const logical: Logical = pending
    pending = null
    const parsed = parseLogical(logical, problems)
    if (!parsed) continue
    lines.push(parsed)
    if (parsed.type === 'setting' && parsed.valueKind === 'heredoc')
      heredoc = { terminator: parsed.value, key: parsed, body: [], start: parsed.valueSpan.from }
  }
  if (heredoc)
    problems.push({
      severity: 'error',
      code: 'dovecot.unterminated-heredoc',
      message: `The here-document of ${heredoc.key.key} never reaches its end marker "${heredoc.terminator}"`,
      span: heredoc.key.keySpan,
    })
  return { source, lines, problems }
}

function parseLogical(l: Logical, problems: ParseProblem[]): DovecotLine | undefined {
  const s = l.text
  let k = 0
  while (k < s.length && !isBlank(s[k]) && s[k] !== '=') k++
  const key = s.slice(0, k)
  let p = k
  while (isBlank(s[p])) p++

  if (key === '!include' || key === '!include_try') {
    return { type: 'include', optional: key === '!include_try', pattern: s.slice(p), span: span(l, p, s.length), line: l.line }
  }
  if (s[p] === '=') {
    let v = p + 1
    while (isBlank(s[v])) v++
    let value = s.slice(v)
    let valueKind: DovecotValueKind = 'plain'
    let vFrom = v
    if (value.startsWith('<<')) {
      valueKind = 'heredoc'
      value = value.slice(2).trim()
    } else if (value.startsWith('<')) {
      valueKind = 'file'
      value = value.slice(1)
      vFrom = v + 1
    } else if (value.startsWith('$')) valueKind = 'variable'
    else if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
      valueKind = 'quoted'
      value = unescape(value.slice(1, -1))
    }
    return { type: 'setting', key, value, valueKind, keySpan: span(l, 0, k), valueSpan: span(l, vFrom, s.length), line: l.line }
  }
  if (key === '}' && p === s.length) return { type: 'section-end', span: span(l, 0, 1), line: l.line }
  if (s[p] === '{' && p + 1 === s.length)
    return { type: 'section-begin', sectionType: key, name: '', typeSpan: span(l, 0, k), nameSpan: span(l, k, k), line: l.line }

  // section_type name {
  let nameFrom = p
  let nameTo = p
  let name: string
  if (s[p] === '"' || s[p] === "'") {
    const q = s[p] as string
    let e = p + 1
    while (e < s.length && s[e] !== q) e += s[e] === '\\' ? 2 : 1
    name = unescape(s.slice(p + 1, e))
    nameFrom = p
    nameTo = Math.min(s.length, e + 1)
  } else {
    while (nameTo < s.length && !isBlank(s[nameTo])) nameTo++
    name = s.slice(p, nameTo)
  }
  let b = nameTo
  while (isBlank(s[b])) b++
  if (name && s[b] === '{' && b + 1 === s.length)
    return { type: 'section-begin', sectionType: key, name, typeSpan: span(l, 0, k), nameSpan: span(l, nameFrom, nameTo), line: l.line }
  problems.push(
    name && s[b] === '{'
      ? { severity: 'error', code: 'dovecot.garbage-after-brace', message: "Text after '{': Dovecot refuses to start", hint: 'Put settings on their own lines after the section header.', span: span(l, b + 1, s.length) }
      : {
          severity: 'error',
          code: 'dovecot.expecting-equals',
          message: `"${key}" is followed by neither '=' nor a section '{': Dovecot refuses to start`,
          hint: `Write "${key} = value", or "${key} name {" to open a section.`,
          span: span(l, 0, s.length),
        },
  )
  return undefined
}
