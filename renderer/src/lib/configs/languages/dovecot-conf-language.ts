import { StreamLanguage, type StreamParser } from '@codemirror/language'

interface DovecotState {
  /** What the next word is: a statement's first word, a section's name, or part of a value. */
  expect: 'statement' | 'section-name' | 'value'
  /** Nesting depth of `{ }` sections (for indentation). */
  depth: number
}

/**
 * dovecot.conf and the files it includes: `key = value`, `section [name] {` … `}`, `!include` /
 * `!include_try` with globs, `<file` values, `$var` references, `%{var}` / `%u` variables, `#` comments.
 */
export const dovecotParser: StreamParser<DovecotState> = {
  name: 'dovecot',
  startState: () => ({ expect: 'statement', depth: 0 }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (stream.sol()) state.expect = 'statement'
    if (stream.eatSpace()) return null
    if (stream.peek() === '#' && (stream.sol() || /\s/.test(stream.string.charAt(stream.pos - 1)) || state.expect === 'statement')) {
      stream.skipToEnd()
      return 'comment'
    }
    if (stream.eat('{')) {
      state.depth++
      state.expect = 'statement'
      return 'brace'
    }
    if (stream.eat('}')) {
      state.depth = Math.max(0, state.depth - 1)
      state.expect = 'statement'
      return 'brace'
    }
    if (state.expect === 'statement') {
      if (stream.match(/^!include(_try)?\b/)) {
        state.expect = 'value'
        return 'keyword'
      }
      if (stream.match(/^[A-Za-z0-9_./-]+(?=\s*=)/)) {
        state.expect = 'value'
        return 'propertyName'
      }
      if (stream.match(/^[A-Za-z0-9_-]+/)) {
        state.expect = 'section-name'
        return 'keyword'
      }
    }
    if (stream.eat('=')) {
      state.expect = 'value'
      return 'operator'
    }
    if (state.expect === 'section-name') {
      if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^[^\s{}#]+/)) return 'labelName'
    }
    // A value.
    if (stream.match(/^<(?=\S)/)) return 'operator'
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'[^']*'?/)) return 'string'
    if (stream.match(/^\$[A-Za-z0-9_]+/) || stream.match(/^\$\{[A-Za-z0-9_:]+\}/)) return 'variableName'
    if (stream.match(/^%\{[^}]*\}?/) || stream.match(/^%[A-Za-z0-9]/)) return 'variableName.special'
    if (stream.match(/^(yes|no)\b/)) return 'bool'
    if (stream.match(/^\d+[a-zA-Z]*\b/)) return 'number'
    if (!stream.match(/^[^\s$%"'{}<#]+/)) stream.next()
    return 'string'
  },
  indent(state, textAfter, cx) {
    const depth = state.depth - (/^\s*\}/.test(textAfter) ? 1 : 0)
    return Math.max(0, depth) * cx.unit
  },
  languageData: { commentTokens: { line: '#' }, indentOnInput: /^\s*\}$/ },
}

export const dovecotLanguage = StreamLanguage.define(dovecotParser)
