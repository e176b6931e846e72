/** A `$name`, `${name}`, `$(name)` or conditional `${name?...}` / `${name:...}` inside a Postfix value. */
export interface ParameterReference {
  name: string
  /** Offsets in the value string: the whole expression, and the name alone. */
  from: number
  to: number
  nameFrom: number
  nameTo: number
  /** ${name?x} / ${name:x}: only tests whether the parameter is empty. */
  conditional: boolean
}

export interface ExpansionProblem {
  code: string
  message: string
  hint?: string
  from: number
  to: number
}

export interface ParsedExpansions {
  references: ParameterReference[]
  problems: ExpansionProblem[]
}

const isNameChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95

/** Index of the `}` closing the `{` at `open`, honouring nesting; -1 if none. */
function matchingBrace(s: string, open: number, end: number, openCh = '{', closeCh = '}'): number {
  let depth = 0
  for (let i = open; i < end; i++) {
    const c = s[i]
    if (c === openCh) depth++
    else if (c === closeCh && --depth === 0) return i
  }
  return -1
}

/**
 * Finds parameter references in a main.cf or master.cf `-o` value, as Postfix's mac_expand reads them:
 * `$$` is a literal dollar; `${...}` forms nest; Postfix 3.0 relational forms
 * `${{$a} == {b} ? {x} : {y}}` are walked for the references inside their operands.
 */
export function parseExpansions(value: string, from = 0, to = value.length): ParsedExpansions {
  const out: ParsedExpansions = { references: [], problems: [] }
  scan(value, from, to, out)
  return out
}

function scan(s: string, from: number, to: number, out: ParsedExpansions): void {
  let i = from
  while (i < to) {
    const d = s.indexOf('$', i)
    if (d === -1 || d >= to) return
    const c = s.charCodeAt(d + 1)
    if (s[d + 1] === '$') {
      i = d + 2
      continue
    }
    if (isNameChar(c)) {
      let e = d + 1
      while (e < to && isNameChar(s.charCodeAt(e))) e++
      out.references.push({ name: s.slice(d + 1, e), from: d, to: e, nameFrom: d + 1, nameTo: e, conditional: false })
      i = e
      continue
    }
    if (s[d + 1] === '(' || s[d + 1] === '{') {
      i = scanBraced(s, d, to, out)
      continue
    }
    out.problems.push({
      code: 'postfix.stray-dollar',
      message: `'$' is not followed by a parameter name`,
      hint: 'Write $$ for a literal dollar sign, or $name / ${name} for a parameter.',
      from: d,
      to: d + 1,
    })
    i = d + 1
  }
}

/** Parses `${...}` or `$(...)` starting at the `$`; returns the index after it. */
function scanBraced(s: string, d: number, to: number, out: ParsedExpansions): number {
  const open = s[d + 1] as '{' | '('
  const close = open === '{' ? '}' : ')'
  const end = matchingBrace(s, d + 1, to, open, close)
  if (end === -1) {
    out.problems.push({
      code: 'postfix.unterminated-expansion',
      message: `"${s.slice(d, Math.min(to, d + 20))}" has no closing '${close}'`,
      hint: `Close the expression with '${close}'.`,
      from: d,
      to,
    })
    return to
  }
  let p = d + 2
  if (open === '{' && s[p] === '{') {
    // Relational expression: ${{a} op {b} ? {x} : {y}} — collect references in every braced operand.
    while (p < end) {
      if (s[p] === '{') {
        const q = matchingBrace(s, p, end)
        if (q === -1) break
        scan(s, p + 1, q, out)
        p = q + 1
      } else p++
    }
    return end + 1
  }
  const nameStart = p
  while (p < end && isNameChar(s.charCodeAt(p))) p++
  const name = s.slice(nameStart, p)
  if (!name) {
    out.problems.push({
      code: 'postfix.empty-expansion',
      message: `"${s.slice(d, end + 1)}" names no parameter`,
      hint: 'Put a parameter name after the opening brace, e.g. ${myhostname}.',
      from: d,
      to: end + 1,
    })
    return end + 1
  }
  const op = s[p]
  if (p === end) {
    out.references.push({ name, from: d, to: end + 1, nameFrom: nameStart, nameTo: p, conditional: false })
    return end + 1
  }
  if (open === '{' && (op === '?' || op === ':')) {
    out.references.push({ name, from: d, to: end + 1, nameFrom: nameStart, nameTo: p, conditional: true })
    scan(s, p + 1, end, out)
    return end + 1
  }
  out.problems.push({
    code: 'postfix.bad-expansion',
    message: `"${s.slice(d, end + 1)}": a parameter name may contain only letters, digits and '_'`,
    hint: open === '{' ? 'Use ${name}, ${name?value} or ${name:value}.' : 'Use $(name).',
    from: nameStart,
    to: end,
  })
  return end + 1
}
