// Reads `$CONF[...] = <literal>;` assignments from PHP config files without running PHP: strings,
// numbers, booleans, null, arrays (array(...) and [...], nested, keyed or not), concatenation
// and arithmetic of literals, and plain variables assigned from literals earlier (Debian's
// dbconfig.inc.php). Anything else is reported as dynamic with its source text. Assignments in
// function bodies are skipped (not run at include time); those in if/else blocks are kept and
// flagged conditional.
import { tokenizePhp, type PhpToken, type TokenizeOptions } from './php-config-tokens'

export type PhpScalar = string | number | boolean | null
/** PHP arrays keep insertion order and int/string keys: a Map until converted for JSON. */
export type PhpValue = PhpScalar | PhpArray
export type PhpArray = Map<string | number, PhpValue>

export interface ConfigAssignment {
  /** the key path after $CONF: ['encrypt'], ['database_tables', 'admin'], ['x', null] for $CONF['x'][] */
  path: (string | number | null)[]
  /** undefined when dynamic */
  value: PhpValue | undefined
  dynamic?: string
  op: '=' | '.='
  file: string
  line: number
  conditional: boolean
  /** offsets in the file's text: the first key (its string token, quotes included) and the right-hand side */
  keySpan?: { from: number; to: number }
  valueSpan: { from: number; to: number }
}

export interface PhpSourceFile {
  name: string
  text: string
}

export interface StaticConfigResult {
  /** $CONF after all literal assignments, in order (dynamic ones leave the key as it was, or absent) */
  conf: PhpArray
  assignments: ConfigAssignment[]
  /** keys whose final value the static reader could not know */
  dynamicKeys: string[]
  warnings: string[]
}

class Dynamic {
  constructor(readonly source: string) {}
}
type Evaluated = PhpValue | Dynamic

/** PHP array key casting: "8" -> 8, true -> 1, null -> "", 1.5 -> 1. */
export function phpArrayKey(k: PhpScalar): string | number {
  if (typeof k === 'string') return /^(0|-?[1-9]\d*)$/.test(k) && Number.isSafeInteger(Number(k)) ? Number(k) : k
  if (typeof k === 'boolean') return k ? 1 : 0
  if (k === null) return ''
  return Math.trunc(k)
}

function nextIndex(a: PhpArray): number {
  let max = -1
  for (const k of a.keys()) if (typeof k === 'number' && k > max) max = k
  return max + 1
}

/** PHP's string conversion for concatenation. */
function phpToString(v: PhpValue): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v).replace(/e\+?/, 'E+')
  if (v === true) return '1'
  if (v === false || v === null) return ''
  return undefined
}

class Parser {
  private pos = 0
  constructor(
    private readonly toks: PhpToken[],
    private readonly src: string,
  ) {}

  peek(o = 0): PhpToken | undefined {
    return this.toks[this.pos + o]
  }
  next(): PhpToken | undefined {
    return this.toks[this.pos++]
  }
  isPunct(v: string, o = 0): boolean {
    const t = this.peek(o)
    return t?.t === 'punct' && t.value === v
  }
  atEnd(): boolean {
    return this.pos >= this.toks.length
  }
  get index(): number {
    return this.pos
  }
  set index(i: number) {
    this.pos = i
  }
  text(from: number, to: number): string {
    const a = this.toks[from]
    const b = this.toks[to - 1]
    return a && b ? this.src.slice(a.start, b.end) : ''
  }

  /** Index just past the end of the current statement (';' or '?>' at depth 0). */
  statementEnd(): number {
    let depth = 0
    for (let i = this.pos; i < this.toks.length; i++) {
      const t = this.toks[i] as PhpToken
      if (t.t === 'close-tag' && depth === 0) return i
      if (t.t !== 'punct') continue
      if ('([{'.includes(t.value)) depth++
      else if (')]}'.includes(t.value)) {
        if (depth === 0) return i
        depth--
      } else if (t.value === ';' && depth === 0) return i
    }
    return this.toks.length
  }

  /** Skips a balanced (...) / {...} group starting at the current token. */
  skipGroup(): void {
    let depth = 0
    while (!this.atEnd()) {
      const t = this.next() as PhpToken
      if (t.t !== 'punct') continue
      if ('([{'.includes(t.value)) depth++
      else if (')]}'.includes(t.value) && --depth === 0) return
    }
  }

  // expression := concat ; concat := additive ('.' additive)* ; additive := term (('+'|'-') term)* ;
  // term := unary (('*'|'/'|'%') unary)* ; unary := '-' unary | '+' unary | primary
  expr(end: number, vars: Map<string, PhpValue>): Evaluated {
    const from = this.pos
    const v = this.concat(end, vars)
    if (this.pos !== end) {
      this.pos = end
      return new Dynamic(this.text(from, end))
    }
    return v
  }

  private concat(end: number, vars: Map<string, PhpValue>): Evaluated {
    let v = this.additive(end, vars)
    while (this.pos < end && this.isPunct('.')) {
      this.pos++
      const r = this.additive(end, vars)
      if (v instanceof Dynamic || r instanceof Dynamic) {
        v = new Dynamic('')
        continue
      }
      const a = phpToString(v)
      const b = phpToString(r)
      v = a === undefined || b === undefined ? new Dynamic('') : a + b
    }
    return v
  }

  private additive(end: number, vars: Map<string, PhpValue>): Evaluated {
    let v = this.term(end, vars)
    while (this.pos < end && (this.isPunct('+') || this.isPunct('-'))) {
      const op = (this.next() as PhpToken).value
      const r = this.term(end, vars)
      v = typeof v === 'number' && typeof r === 'number' ? (op === '+' ? v + r : v - r) : new Dynamic('')
    }
    return v
  }

  private term(end: number, vars: Map<string, PhpValue>): Evaluated {
    let v = this.unary(end, vars)
    while (this.pos < end && (this.isPunct('*') || this.isPunct('/') || this.isPunct('%'))) {
      const op = (this.next() as PhpToken).value
      const r = this.unary(end, vars)
      if (typeof v !== 'number' || typeof r !== 'number' || (op !== '*' && r === 0)) v = new Dynamic('')
      else v = op === '*' ? v * r : op === '/' ? v / r : Math.trunc(v) % Math.trunc(r)
    }
    return v
  }

  private unary(end: number, vars: Map<string, PhpValue>): Evaluated {
    if (this.isPunct('-') || this.isPunct('+')) {
      const neg = (this.next() as PhpToken).value === '-'
      const v = this.unary(end, vars)
      return typeof v === 'number' ? (neg ? -v : v) : new Dynamic('')
    }
    return this.primary(end, vars)
  }

  private primary(end: number, vars: Map<string, PhpValue>): Evaluated {
    const t = this.peek()
    if (!t || this.pos >= end) return new Dynamic('')
    if (t.t === 'string') {
      this.pos++
      return t.interpolated ? new Dynamic(this.src.slice(t.start, t.end)) : t.value
    }
    if (t.t === 'number') {
      this.pos++
      return t.value
    }
    if (t.t === 'var') {
      this.pos++
      // a plain variable known from an earlier literal assignment; $x[...] / $x->y are dynamic
      if (this.isPunct('[') || this.isPunct('->') || this.isPunct('(')) return new Dynamic('')
      return vars.has(t.value) ? (vars.get(t.value) as PhpValue) : new Dynamic(`$${t.value}`)
    }
    if (t.t === 'punct' && t.value === '(') {
      const close = this.matching(this.pos)
      this.pos++
      const v = this.expr(close, vars)
      this.pos = close + 1
      return v
    }
    if (t.t === 'punct' && t.value === '[') return this.arrayLiteral(this.matching(this.pos), vars)
    if (t.t === 'name') {
      const lower = t.value.toLowerCase()
      if (lower === 'array' && this.isPunct('(', 1)) {
        this.pos++
        return this.arrayLiteral(this.matching(this.pos), vars)
      }
      this.pos++
      if (lower === 'true') return true
      if (lower === 'false') return false
      if (lower === 'null') return null
      return new Dynamic(t.value)
    }
    this.pos++
    return new Dynamic(t.value)
  }

  /** Index of the bracket closing the one at `at`. */
  matching(at: number): number {
    let depth = 0
    for (let i = at; i < this.toks.length; i++) {
      const t = this.toks[i] as PhpToken
      if (t.t !== 'punct') continue
      if ('([{'.includes(t.value)) depth++
      else if (')]}'.includes(t.value) && --depth === 0) return i
    }
    return this.toks.length
  }

  /** `[ ... ]` or `( ... )` after `array`, current token is the opening bracket; `close` its match. */
  private arrayLiteral(close: number, vars: Map<string, PhpValue>): Evaluated {
    this.pos++ // opening bracket
    const arr: PhpArray = new Map()
    let dynamic = false
    while (this.pos < close) {
      // one element: [key =>] value, up to ',' at depth 0 or close
      let elemEnd = this.pos
      let arrow = -1
      let depth = 0
      for (; elemEnd < close; elemEnd++) {
        const t = this.toks[elemEnd] as PhpToken
        if (t.t !== 'punct') continue
        if ('([{'.includes(t.value)) depth++
        else if (')]}'.includes(t.value)) depth--
        else if (depth === 0 && t.value === ',') break
        else if (depth === 0 && t.value === '=>' && arrow < 0) arrow = elemEnd
      }
      if (elemEnd === this.pos) {
        this.pos++ // trailing or empty ','
        continue
      }
      let key: Evaluated | undefined
      if (arrow >= 0) {
        key = this.expr(arrow, vars)
        this.pos = arrow + 1
      }
      const value = this.expr(elemEnd, vars)
      if (value instanceof Dynamic || key instanceof Dynamic || (key !== undefined && key instanceof Map)) dynamic = true
      else arr.set(key === undefined ? nextIndex(arr) : phpArrayKey(key as PhpScalar), value)
      this.pos = elemEnd < close ? elemEnd + 1 : close
    }
    this.pos = close + 1
    return dynamic ? new Dynamic('array') : arr
  }
}

const controlKeywords = new Set(['if', 'elseif', 'else', 'foreach', 'for', 'while', 'do', 'switch', 'try', 'catch', 'finally'])

/** Reads the files in include order (e.g. dbconfig.inc.php, config.inc.php, config.local.php). */
export function readConfigStatically(files: PhpSourceFile[], opts: TokenizeOptions = {}): StaticConfigResult {
  const conf: PhpArray = new Map()
  const vars = new Map<string, PhpValue>()
  const assignments: ConfigAssignment[] = []
  const dynamicKeys = new Set<string>()
  const warnings: string[] = []

  for (const file of files) {
    const { tokens, noOpenTag, unicodeSpaceLines } = tokenizePhp(file.text, opts)
    if (noOpenTag) warnings.push(`${file.name}: no <?php open tag: PHP would print it and set nothing`)
    if (unicodeSpaceLines.length > 0) {
      warnings.push(`${file.name}: non-ASCII spaces (e.g. U+00A0) outside strings on line(s) ${unicodeSpaceLines.join(', ')}: PHP would fail to parse the file`)
    }
    const p = new Parser(tokens, file.text)
    // block stack: 'function' blocks are skipped, control blocks are conditional
    const blocks: ('plain' | 'control')[] = []
    let pendingControl = false
    while (!p.atEnd()) {
      const t = p.peek() as PhpToken
      const conditional = pendingControl || blocks.includes('control')
      if (t.t === 'punct' && t.value === '{') {
        blocks.push(pendingControl ? 'control' : 'plain')
        pendingControl = false
        p.next()
        continue
      }
      if (t.t === 'punct' && t.value === '}') {
        blocks.pop()
        p.next()
        continue
      }
      if ((t.t === 'punct' && t.value === ';') || t.t === 'close-tag') {
        p.next()
        pendingControl = false
        continue
      }
      if (t.t === 'name') {
        const kw = t.value.toLowerCase()
        if (kw === 'function' || kw === 'class') {
          // skip the declaration and its body
          while (!p.atEnd() && !p.isPunct('{')) p.next()
          p.skipGroup()
          continue
        }
        if (controlKeywords.has(kw)) {
          p.next()
          if (p.isPunct('(')) p.skipGroup()
          pendingControl = true
          continue
        }
        if (/^(require|include)(_once)?$/.test(kw)) {
          const end = p.statementEnd()
          const from = p.index
          warnings.push(`${file.name}:${t.line}: ${p.text(from, end)} is not followed`)
          p.index = end
          continue
        }
      }
      if (t.t === 'var') {
        const end = p.statementEnd()
        const a = readAssignment(p, end, vars)
        if (a && a.target === 'CONF') {
          const valueSpan = { from: tokens[a.valueFrom]?.start ?? t.end, to: tokens[end - 1]?.end ?? t.end }
          const assignment: ConfigAssignment = { path: a.path, value: a.value instanceof Dynamic ? undefined : a.value, op: a.op, file: file.name, line: t.line, conditional, valueSpan, ...(a.keySpan ? { keySpan: a.keySpan } : {}) }
          if (a.value instanceof Dynamic) assignment.dynamic = a.value.source || p.text(a.valueFrom, end)
          assignments.push(assignment)
          applyAssignment(conf, assignment, dynamicKeys)
        } else if (a && a.path.length === 0 && !(a.value instanceof Dynamic) && a.op === '=') {
          // a plain variable (e.g. $dbuser in dbconfig.inc.php); a conditional one only fills a gap
          if (!conditional || !vars.has(a.target)) vars.set(a.target, a.value)
        } else if (a && a.path.length === 0) {
          vars.delete(a.target)
        }
        p.index = end
        if (pendingControl && !blocks.includes('control')) pendingControl = false
        continue
      }
      p.index = Math.max(p.index + 1, p.statementEnd())
    }
  }
  return { conf, assignments, dynamicKeys: [...dynamicKeys], warnings }
}

interface RawAssignment {
  target: string
  path: (string | number | null)[]
  op: '=' | '.='
  value: Evaluated
  valueFrom: number
  keySpan?: { from: number; to: number }
}

function readAssignment(p: Parser, end: number, vars: Map<string, PhpValue>): RawAssignment | undefined {
  const v = p.next() as PhpToken
  const path: (string | number | null)[] = []
  let keySpan: { from: number; to: number } | undefined
  while (p.index < end && p.isPunct('[')) {
    const close = p.matching(p.index)
    if (close === p.index + 1) {
      path.push(null)
    } else {
      p.index++
      const keyTok = p.peek()
      if (path.length === 0 && keyTok && close === p.index + 1) keySpan = { from: keyTok.start, to: keyTok.end }
      const k = p.expr(close, vars)
      if (k instanceof Dynamic || k instanceof Map) return undefined
      path.push(phpArrayKey(k))
    }
    p.index = close + 1
  }
  const op = p.peek()
  if (!op || op.t !== 'punct' || (op.value !== '=' && op.value !== '.=')) return undefined
  p.next()
  const valueFrom = p.index
  const value = p.expr(end, vars)
  return { target: String(v.value), path, op: op.value, value, valueFrom, ...(keySpan ? { keySpan } : {}) }
}

function applyAssignment(conf: PhpArray, a: ConfigAssignment, dynamicKeys: Set<string>): void {
  const top = String(a.path[0])
  if (a.value === undefined) {
    dynamicKeys.add(top)
    return
  }
  let container: PhpArray = conf
  for (let i = 0; i < a.path.length - 1; i++) {
    const k = a.path[i] === null ? nextIndex(container) : (a.path[i] as string | number)
    let child = container.get(k)
    if (!(child instanceof Map)) {
      child = new Map()
      container.set(k, child)
    }
    container = child
  }
  const last = a.path[a.path.length - 1]
  const key = last === null || last === undefined ? nextIndex(container) : last
  if (a.op === '.=') {
    const before = phpToString(container.get(key) ?? '')
    const add = phpToString(a.value)
    if (before === undefined || add === undefined) {
      dynamicKeys.add(top)
      return
    }
    container.set(key, before + add)
  } else {
    container.set(key, a.value)
  }
  if (a.path.length === 1) dynamicKeys.delete(top)
}

/** json_encode()'s view of a PHP value: lists (keys 0..n-1 in order) become arrays. */
export type PhpJson = string | number | boolean | null | PhpJson[] | { [k: string]: PhpJson }

export function phpValueToJson(v: PhpValue): PhpJson {
  if (!(v instanceof Map)) return v
  const keys = [...v.keys()]
  if (keys.every((k, i) => k === i)) return [...v.values()].map(phpValueToJson)
  const o: { [k: string]: PhpJson } = {}
  for (const [k, val] of v) o[String(k)] = phpValueToJson(val)
  return o
}
