// A small PHP tokenizer, enough to read configuration files statically (never to run them):
// inline HTML outside <?php ?>, comments, strings (single, double, heredoc, nowdoc), numbers,
// names, variables and punctuation. Double-quoted strings and heredocs that interpolate
// variables are flagged so the reader can call their value dynamic.

export type PhpToken =
  | { t: 'string'; value: string; interpolated: boolean; line: number; start: number; end: number }
  | { t: 'number'; value: number; line: number; start: number; end: number }
  | { t: 'name'; value: string; line: number; start: number; end: number } // identifiers, keywords, constants
  | { t: 'var'; value: string; line: number; start: number; end: number } // $name (without $)
  | { t: 'punct'; value: string; line: number; start: number; end: number }
  | { t: 'close-tag'; value: '?>'; line: number; start: number; end: number } // acts as ';'

const puncts = ['<<=', '>>=', '**=', '...', '<=>', '===', '!==', '??=', '=>', '->', '::', '++', '--', '.=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '==', '!=', '<>', '<=', '>=', '&&', '||', '??', '<<', '>>', '**']

export interface TokenizeResult {
  tokens: PhpToken[]
  /** true when the text has no `<?php` / `<?=` open tag at all (PHP would only print it) */
  noOpenTag: boolean
  /** lines with non-ASCII spaces (e.g. U+00A0 from a web page) outside strings: read as spaces here, but PHP takes them for a name and fails to parse */
  unicodeSpaceLines: number[]
  /** the same spaces as runs of one character (offsets), for findings that point at them */
  unicodeSpaces: { from: number; to: number; char: string }[]
}

export interface TokenizeOptions {
  /**
   * Read the whole text as PHP code, open tags or not (a linter reading what the admin meant, e.g. a
   * copy whose `<?php` a web page turned into `<!--?php`). PHP itself (the default) prints text
   * outside `<?php … ?>` and sets nothing from it.
   */
  ignoreOpenTags?: boolean
}

export function tokenizePhp(src: string, opts: TokenizeOptions = {}): TokenizeResult {
  const tokens: PhpToken[] = []
  const unicodeSpaceLines = new Set<number>()
  const unicodeSpaces: { from: number; to: number; char: string }[] = []
  let i = 0
  let line = 1
  let sawOpenTag = false
  const advanceLines = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (src.charCodeAt(k) === 10) line++
  }

  // inline HTML until the first open tag, and after each close tag
  const skipHtml = (): void => {
    const m = /<\?(php\b|=)?/gi
    m.lastIndex = i
    const found = m.exec(src)
    const to = found ? found.index + found[0].length : src.length
    if (found) sawOpenTag = true
    advanceLines(i, to)
    i = to
  }
  if (opts.ignoreOpenTags) sawOpenTag = true
  else skipHtml()

  while (i < src.length) {
    const c = src[i] as string
    const start = i
    if (c === '\n') {
      line++
      i++
      continue
    }
    if (/\s/.test(c) || c === '\u200b') {
      if (c.charCodeAt(0) > 0x7f) {
        unicodeSpaceLines.add(line)
        const last = unicodeSpaces[unicodeSpaces.length - 1]
        if (last && last.to === i && last.char === c) last.to = i + 1
        else unicodeSpaces.push({ from: i, to: i + 1, char: c })
      }
      i++
      continue
    }
    if (opts.ignoreOpenTags) {
      // an open tag, also as a web page mangles it (<!--?php), is not code
      const tag = /^(<!--\?php\b|<\?php\b|<\?=|<\?)/i.exec(src.slice(i, i + 8))
      if (tag) {
        i += tag[0].length
        continue
      }
    }
    if (src.startsWith('?>', i)) {
      tokens.push({ t: 'close-tag', value: '?>', line, start, end: i + 2 })
      i += 2
      if (src[i] === '\n') {
        line++
        i++
      }
      if (!opts.ignoreOpenTags) skipHtml()
      continue
    }
    if (c === '#' || src.startsWith('//', i)) {
      // a line comment ends at the newline or at ?>
      while (i < src.length && src[i] !== '\n' && !src.startsWith('?>', i)) i++
      continue
    }
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2)
      const to = end < 0 ? src.length : end + 2
      advanceLines(i, to)
      i = to
      continue
    }
    if (c === "'") {
      let v = ''
      i++
      while (i < src.length && src[i] !== "'") {
        if (src[i] === '\\' && (src[i + 1] === "'" || src[i + 1] === '\\')) {
          v += src[i + 1]
          i += 2
        } else {
          v += src[i]
          i++
        }
      }
      i++
      tokens.push({ t: 'string', value: v, interpolated: false, line, start, end: i })
      advanceLines(start, i)
      continue
    }
    if (c === '"') {
      let j = i + 1
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1
      const body = src.slice(i + 1, j)
      const { value, interpolated } = unescapeDouble(body, '"')
      i = j + 1
      tokens.push({ t: 'string', value, interpolated, line, start, end: i })
      advanceLines(start, i)
      continue
    }
    if (src.startsWith('<<<', i)) {
      const head = /^<<<[ \t]*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n/.exec(src.slice(i))
      if (head) {
        const nowdoc = head[1] === "'"
        const label = head[2] as string
        const bodyStart = i + head[0].length
        const close = new RegExp(`^([ \\t]*)${label}\\b`, 'm')
        close.lastIndex = 0
        const rest = src.slice(bodyStart)
        const m = close.exec(rest)
        const bodyEnd = m ? bodyStart + m.index : src.length
        const indent = m ? (m[1] as string) : ''
        let body = src.slice(bodyStart, bodyEnd).replace(/\r?\n$/, '')
        if (indent) body = body.split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n')
        const { value, interpolated } = nowdoc ? { value: body, interpolated: false } : unescapeDouble(body, '')
        i = m ? bodyEnd + (m[0] as string).length : src.length
        tokens.push({ t: 'string', value, interpolated, line, start, end: i })
        advanceLines(start, i)
        continue
      }
    }
    const num = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.?(?:[eE][+-]?\d+)?)/.exec(src.slice(i, i + 64))
    if (num && /[\d.]/.test(c) && !(c === '.' && !/\d/.test(src[i + 1] ?? ''))) {
      tokens.push({ t: 'number', value: phpNumber(num[0]), line, start, end: i + num[0].length })
      i += num[0].length
      continue
    }
    if (c === '$' && /[A-Za-z_\x80-\uffff]/.test(src[i + 1] ?? '')) {
      const m = /^\$[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*/.exec(src.slice(i)) as RegExpExecArray
      tokens.push({ t: 'var', value: m[0].slice(1), line, start, end: i + m[0].length })
      i += m[0].length
      continue
    }
    const name = /^\\?[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*(?:\\[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i, i + 256))
    if (name) {
      tokens.push({ t: 'name', value: name[0], line, start, end: i + name[0].length })
      i += name[0].length
      continue
    }
    const p = puncts.find((x) => src.startsWith(x, i)) ?? c
    tokens.push({ t: 'punct', value: p, line, start, end: i + p.length })
    i += p.length
  }
  return { tokens, noOpenTag: !sawOpenTag, unicodeSpaceLines: [...unicodeSpaceLines], unicodeSpaces }
}

function phpNumber(s: string): number {
  const t = s.replace(/_/g, '')
  if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16)
  if (/^0[bB]/.test(t)) return Number.parseInt(t.slice(2), 2)
  if (/^0[oO]/.test(t)) return Number.parseInt(t.slice(2), 8)
  if (/^0\d+$/.test(t)) return Number.parseInt(t, 8)
  return Number(t)
}

/** Double-quoted / heredoc escapes; `interpolated` when a $var or {$...} would be substituted. */
function unescapeDouble(body: string, quote: string): { value: string; interpolated: boolean } {
  let out = ''
  let interpolated = false
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === '$' && /[A-Za-z_{]/.test(body[i + 1] ?? '')) interpolated = true
    if (c === '{' && body[i + 1] === '$') interpolated = true
    if (c !== '\\' || i + 1 >= body.length) {
      out += c
      continue
    }
    const n = body[i + 1] as string
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', e: '\x1b', f: '\f', '\\': '\\', $: '$' }
    if (n in simple) {
      out += simple[n]
      i++
    } else if (n === quote && quote !== '') {
      out += n
      i++
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1)) as RegExpExecArray
      out += String.fromCharCode(Number.parseInt(m[0], 8) & 0xff)
      i += m[0].length
    } else if (n === 'x' && /[0-9a-fA-F]/.test(body[i + 2] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 2)) as RegExpExecArray
      out += String.fromCharCode(Number.parseInt(m[0], 16))
      i += 1 + m[0].length
    } else if (n === 'u' && body[i + 2] === '{') {
      const close = body.indexOf('}', i + 3)
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 3, close), 16))
      i = close
    } else {
      out += c
    }
  }
  return { value: out, interpolated }
}
