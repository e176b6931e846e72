import { StreamLanguage, type StreamParser } from '@codemirror/language'
import { postfixValueToken } from './postfix-value-tokens'

interface MainCfState {
  /** After `name =` on this logical line (continuation lines stay in the value). */
  inValue: boolean
  open: string[]
}

/**
 * main.cf (and the main.cf-syntax files: mysql_*.cf, pgsql, ldap clients): `name = value` lines,
 * `#` comment lines, continuation lines that start with whitespace, `$name` expansions in values.
 */
export const mainCfParser: StreamParser<MainCfState> = {
  name: 'postfix-main',
  startState: () => ({ inValue: false, open: [] }),
  copyState: (s) => ({ ...s, open: [...s.open] }),
  token(stream, state) {
    if (stream.sol()) {
      // A comment line: '#' as its first non-blank character (Postfix only knows whole-line comments).
      if (stream.match(/^\s*#.*/)) return 'comment'
      if (!/^\s/.test(stream.peek() ?? '')) {
        state.inValue = false
        state.open = []
        if (stream.match(/^[A-Za-z0-9_.-]+/)) return 'propertyName'
        stream.skipToEnd()
        return 'invalid'
      }
      // A continuation line: the value goes on.
      state.inValue = true
    }
    if (!state.inValue) {
      if (stream.eatSpace()) return null
      if (stream.eat('=')) {
        state.inValue = true
        return 'operator'
      }
      stream.skipToEnd()
      return 'invalid'
    }
    return postfixValueToken(stream, state)
  },
  languageData: { commentTokens: { line: '#' } },
}

export const mainCfLanguage = StreamLanguage.define(mainCfParser)
