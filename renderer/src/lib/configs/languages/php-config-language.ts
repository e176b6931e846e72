import { StreamLanguage, type StreamParser } from '@codemirror/language'

interface PhpState {
  inBlockComment: boolean
}

/** PostfixAdmin's config.local.php: `$CONF['key'] = value;`, strings, `//`, `#` and block comments. */
export const phpConfigParser: StreamParser<PhpState> = {
  name: 'postfixadmin-php',
  startState: () => ({ inBlockComment: false }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.inBlockComment) {
      if (stream.match(/^.*?\*\//)) state.inBlockComment = false
      else stream.skipToEnd()
      return 'comment'
    }
    if (stream.eatSpace()) return null
    if (stream.match('/*')) {
      state.inBlockComment = true
      return 'comment'
    }
    if (stream.match(/^(\/\/|#).*/)) return 'comment'
    if (stream.match(/^<\?php|^\?>/)) return 'meta'
    if (stream.match(/^\$[A-Za-z_][A-Za-z0-9_]*/)) return 'variableName'
    if (stream.match(/^'(?:[^'\\]|\\.)*'?/) || stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string'
    if (stream.match(/^(true|false|null|array|return)\b/i)) return 'keyword'
    if (stream.match(/^\d+(\.\d+)?/)) return 'number'
    if (stream.match(/^(=>|[=;,.[\]()])/)) return 'punctuation'
    if (!stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) stream.next()
    return null
  },
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
}

export const phpConfigLanguage = StreamLanguage.define(phpConfigParser)
