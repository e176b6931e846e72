import { StreamLanguage, type StreamParser } from '@codemirror/language'

/** Files of no known syntax (the Apache file, anything discovered but unrecognised): `#` comments, `<Tags>`, strings. */
export const plainConfigParser: StreamParser<null> = {
  name: 'plain-config',
  token(stream) {
    if (stream.eatSpace()) return null
    if (stream.match(/^#.*/)) return 'comment'
    if (stream.match(/^<\/?[A-Za-z]+/)) return 'tagName'
    if (stream.eat('>')) return 'tagName'
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string'
    if (stream.sol() || /^\s*$/.test(stream.string.slice(0, stream.pos))) {
      if (stream.match(/^[A-Za-z][\w-]*/)) return 'keyword'
    }
    if (!stream.match(/^[^\s"<>#]+/)) stream.next()
    return null
  },
  languageData: { commentTokens: { line: '#' } },
}

export const plainConfigLanguage = StreamLanguage.define(plainConfigParser)
