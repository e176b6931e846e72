import { StreamLanguage, type StreamParser } from '@codemirror/language'
import { postfixValueToken } from './postfix-value-tokens'

interface MasterCfState {
  /** Column of the service entry (0 service … 7 command); 8 and on are the command's arguments. */
  column: number
  /** The next word is an `-o name=value` override. */
  override: boolean
  /** Inside an override's value. */
  inValue: boolean
  open: string[]
}

const FIELD_TAGS = ['labelName', 'keyword', 'atom', 'atom', 'atom', 'number', 'number', 'typeName']

/**
 * master.cf: the eight columns of a service entry (service, type, private, unpriv, chroot, wakeup,
 * maxproc, command), the command's arguments on the same and on continuation lines, `-o name=value`
 * overrides with their own expansions, `#` comment lines.
 */
export const masterCfParser: StreamParser<MasterCfState> = {
  name: 'postfix-master',
  startState: () => ({ column: 0, override: false, inValue: false, open: [] }),
  copyState: (s) => ({ ...s, open: [...s.open] }),
  token(stream, state) {
    if (stream.sol()) {
      if (stream.match(/^\s*#.*/)) return 'comment'
      if (!/^\s/.test(stream.peek() ?? '')) {
        state.column = 0
        state.override = false
      } else if (state.column < 8) state.column = 8
      state.inValue = false
      state.open = []
    }
    if (stream.eatSpace()) {
      if (!state.inValue || state.open.length === 0) state.inValue = false
      return null
    }
    if (state.inValue) return postfixValueToken(stream, state)
    if (state.column < 8) {
      const tag = FIELD_TAGS[state.column] as string
      state.column++
      stream.match(/^\S+/)
      return tag
    }
    if (state.override) {
      state.override = false
      if (stream.match(/^\{/)) return 'brace'
      if (stream.match(/^[A-Za-z0-9_.-]+/)) {
        if (stream.eat('=')) stream.backUp(1)
        return 'propertyName'
      }
    }
    if (stream.eat('=')) {
      state.inValue = true
      return 'operator'
    }
    if (stream.match(/^-o(?=\s|$)/)) {
      state.override = true
      return 'meta'
    }
    if (stream.match(/^-[A-Za-z]+/)) return 'meta'
    if (stream.match(/^\$\{?[A-Za-z0-9_]+\}?/)) return 'variableName'
    if (!stream.match(/^[^\s$=]+/)) stream.next()
    return 'string'
  },
  languageData: { commentTokens: { line: '#' } },
}

export const masterCfLanguage = StreamLanguage.define(masterCfParser)
