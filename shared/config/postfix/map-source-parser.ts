import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { SourceText, linesOf } from '../source-text'
import { checkLookalikeSpaces, isCommentLine, skipByteOrderMark } from '../text-hazards'

/** One rule of a lookup table source: `key value`, `pattern result`, or an if/endif line. */
export interface MapRule {
  key: string
  value: string
  keySpan: SourceSpan
  valueSpan: SourceSpan
  line: number
  /** pcre/regexp/cidr block structure */
  directive?: 'if' | 'endif'
}

export interface MapSourceDocument {
  source: SourceText
  rules: MapRule[]
  problems: ParseProblem[]
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t'

/**
 * Logical lines of a lookup table source (postmap(1) rules: '#' comments, blank lines, a line starting
 * with whitespace continues the previous one), split into key and value at the first blank (for
 * pcre/regexp at the end of the /pattern/flags).
 */
export function parseMapSource(text: string, type: string): MapSourceDocument {
  const source = new SourceText(text)
  const rules: MapRule[] = []
  const problems: ParseProblem[] = []
  const regex = type === 'pcre' || type === 'regexp'
  let last: MapRule | null = null
  for (const physical of linesOf(text)) {
    const { start, content: raw } = skipByteOrderMark(physical, problems, 'postmap')
    const content = isCommentLine(raw) ? raw : checkLookalikeSpaces(raw, start, problems, 'postmap')
    let i = 0
    while (isBlank(content[i])) i++
    if (i === content.length || content[i] === '#') continue
    let end = content.length
    while (end > i && isBlank(content[end - 1])) end--
    if (i > 0 && last) {
      last.value += (last.value ? ' ' : '') + content.slice(i, end)
      last.valueSpan = { from: last.value === content.slice(i, end) ? start + i : last.valueSpan.from, to: start + end }
      continue
    }
    let k = i
    let negated: boolean
    if (regex) {
      if (/^endif\b/.test(content.slice(i, end))) {
        rules.push({ key: 'endif', value: '', keySpan: { from: start + i, to: start + i + 5 }, valueSpan: { from: start + end, to: start + end }, line: physical.line, directive: 'endif' })
        last = null
        continue
      }
      const m = /^(if\s+)?(!)?/.exec(content.slice(i))
      const directive = m?.[1] ? 'if' : undefined
      k = i + (m?.[1]?.length ?? 0)
      negated = !!m?.[2]
      const delim = content[k + (negated ? 1 : 0)] as string
      let p = k + (negated ? 2 : 1)
      while (p < end && content[p] !== delim) p += content[p] === '\\' ? 2 : 1
      if (p >= end) {
        problems.push({
          severity: 'error',
          code: 'postfix.map-unterminated-pattern',
          message: `The pattern starting with "${delim}" is never closed: postmap and Postfix skip this rule`,
          hint: `End the pattern with ${delim}, e.g. /^Subject: spam/ REJECT.`,
          span: { from: start + k, to: start + end },
        })
        last = null
        continue
      }
      p++
      while (p < end && /[a-zA-Z]/.test(content[p] as string)) p++
      let v = p
      while (isBlank(content[v])) v++
      last = { key: content.slice(k, p), value: content.slice(v, end), keySpan: { from: start + k, to: start + p }, valueSpan: { from: start + v, to: start + end }, line: physical.line }
      if (directive) last.directive = 'if'
      rules.push(last)
      continue
    }
    while (k < end && !isBlank(content[k])) k++
    let v = k
    while (isBlank(content[v])) v++
    last = { key: content.slice(i, k), value: content.slice(v, end), keySpan: { from: start + i, to: start + k }, valueSpan: { from: start + v, to: start + end }, line: physical.line }
    if (type === 'cidr' && (last.key === 'if' || last.key === 'endif')) {
      if (last.key === 'endif') last.directive = 'endif'
      else {
        last.directive = 'if'
        last.key = last.value
        last.keySpan = last.valueSpan
        last.value = ''
      }
    }
    rules.push(last)
  }
  return { source, rules, problems }
}
