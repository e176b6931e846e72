import type { ParseProblem } from '../parse-problem'
import type { SourceSpan } from '../source-text'
import { SourceText } from '../source-text'
import { LOOKALIKE_SPACE, describeLookalike } from '../text-hazards'

export type PhpLiteral = string | number | boolean | null | PhpLiteral[] | { [key: string]: PhpLiteral }

export interface PhpConfAssignment {
  key: string
  /** undefined when the right-hand side is not a literal (a function call, a concatenation ...). */
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

type Tok = { t: 'str' | 'num' | 'word' | 'var' | 'punct'; v: string; from: number; to: number; dq?: boolean }

function tokenize(text: string, problems: ParseProblem[]): Tok[] {
  const toks: Tok[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i] as string
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') i++
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') {
        if (text[i] === '?' && text[i + 1] === '>') break
        i++
      }
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2)
      i = e === -1 ? n : e + 2
    } else if (c === "'" || c === '"') {
      let j = i + 1
      let v = ''
      while (j < n && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < n) {
          const e = text[j + 1] as string
          if (c === "'") v += e === "'" || e === '\\' ? e : '\\' + e
          else v += e === 'n' ? '\n' : e === 't' ? '\t' : e === '$' || e === '"' || e === '\\' ? e : '\\' + e
          j += 2
        } else v += text[j++]
      }
      toks.push({ t: 'str', v, from: i, to: Math.min(n, j + 1), dq: c === '"' })
      i = j + 1
    } else if (c === '$' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let j = i + 1
      while (j < n && /\w/.test(text[j] as string)) j++
      toks.push({ t: 'var', v: text.slice(i + 1, j), from: i, to: j })
      i = j
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1
      while (j < n && /[0-9.]/.test(text[j] as string)) j++
      toks.push({ t: 'num', v: text.slice(i, j), from: i, to: j })
      i = j
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /\w/.test(text[j] as string)) j++
      toks.push({ t: 'word', v: text.slice(i, j), from: i, to: j })
      i = j
    } else if (c === '=' && text[i + 1] === '>') {
      toks.push({ t: 'punct', v: '=>', from: i, to: i + 2 })
      i += 2
    } else if (new RegExp(LOOKALIKE_SPACE.source).test(c)) {
      let j = i + 1
      while (j < n && text[j] === c) j++
      problems.push({
        severity: 'error',
        code: 'text.lookalike-space',
        message: `${describeLookalike(c)}${j - i > 1 ? ` (${j - i} in a row)` : ''} in PHP code: PHP reads it as part of a name, so the file has a syntax error and PostfixAdmin stops with a blank page`,
        hint: 'Replace it with ordinary spaces (text copied from a web page often carries these).',
        span: { from: i, to: j },
      })
      i = j
    } else {
      toks.push({ t: 'punct', v: c, from: i, to: i + 1 })
      i++
    }
  }
  return toks
}

/** Reads one literal starting at toks[i]; returns it and the index after it, or undefined. */
function literal(toks: Tok[], i: number): { value: PhpLiteral; next: number } | undefined {
  const t = toks[i]
  if (!t) return undefined
  if (t.t === 'str') return t.dq && /\$/.test(t.v) ? undefined : { value: t.v, next: i + 1 }
  if (t.t === 'num') return { value: Number(t.v), next: i + 1 }
  if (t.t === 'word') {
    const w = t.v.toLowerCase()
    if (w === 'true' || w === 'false') return { value: w === 'true', next: i + 1 }
    if (w === 'null') return { value: null, next: i + 1 }
    if (w === 'array' && toks[i + 1]?.v === '(') return arrayLiteral(toks, i + 2, ')')
    return undefined
  }
  if (t.v === '[') return arrayLiteral(toks, i + 1, ']')
  return undefined
}

function arrayLiteral(toks: Tok[], i: number, close: string): { value: PhpLiteral; next: number } | undefined {
  const list: PhpLiteral[] = []
  const map: Record<string, PhpLiteral> = {}
  let keyed = false
  while (toks[i] && toks[i]?.v !== close) {
    const first = literal(toks, i)
    if (!first) return undefined
    i = first.next
    if (toks[i]?.v === '=>') {
      const second = literal(toks, i + 1)
      if (!second) return undefined
      keyed = true
      map[String(first.value)] = second.value
      i = second.next
    } else list.push(first.value)
    if (toks[i]?.v === ',') i++
    else if (toks[i]?.v !== close) return undefined
  }
  if (!toks[i]) return undefined
  return { value: keyed ? { ...Object.fromEntries(list.map((v, k) => [String(k), v])), ...map } : list, next: i + 1 }
}

/**
 * A static reader for PostfixAdmin's config.local.php / config.inc.php: collects literal
 * `$CONF['key'] = value;` assignments without running PHP. Non-literal right-hand sides are kept
 * with an undefined value, so the last assignment of a key is still known.
 */
export function readPhpConf(text: string): PhpConf {
  const source = new SourceText(text)
  const problems: ParseProblem[] = []
  const toks = tokenize(text, problems)
  const assignments: PhpConfAssignment[] = []
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok
    if (t.t !== 'var' || t.v !== 'CONF' || toks[i + 1]?.v !== '[' || toks[i + 2]?.t !== 'str' || toks[i + 3]?.v !== ']' || toks[i + 4]?.v !== '=') continue
    const keyTok = toks[i + 2] as Tok
    const lit = literal(toks, i + 5)
    let end = i + 5
    while (end < toks.length && toks[end]?.v !== ';') end++
    const first = toks[i + 5]
    const last = toks[end - 1]
    assignments.push({
      key: keyTok.v,
      value: lit && lit.next === end ? lit.value : undefined,
      keySpan: { from: keyTok.from, to: keyTok.to },
      valueSpan: first && last ? { from: first.from, to: last.to } : { from: keyTok.to, to: keyTok.to },
      line: source.positionAt(t.from).line,
    })
    i = end
  }
  const values = new Map<string, PhpConfAssignment>()
  for (const a of assignments) values.set(a.key, a)
  return { source, assignments, values, problems }
}
