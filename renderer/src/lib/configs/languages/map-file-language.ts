import { StreamLanguage, type StreamParser } from '@codemirror/language'

interface MapState {
  /** The key of this entry is done; the rest of the entry is its value (also on continuation lines). */
  inValue: boolean
  /** After `if` in a pcre/regexp table: a pattern follows. */
  afterIf: boolean
}

const PATTERN = [/^!?\/(?:[^/\\]|\\.)*\/[a-zA-Z]*/, /^!?\{(?:[^}\\]|\\.)*\}[a-zA-Z]*/]

/** Access actions (access(5), header_checks(5)) and the like: shown as keywords in values. */
const ACTION = /^(OK|REJECT|DEFER|DEFER_IF_PERMIT|DEFER_IF_REJECT|DISCARD|DUNNO|FILTER|HOLD|IGNORE|INFO|PREPEND|REDIRECT|BCC|WARN|REPLACE|PERMIT|BYPASS|[45]\d\d|[45]\.\d+\.\d+)\b/

/**
 * Postfix lookup table sources, one mode per flavour: `key value` tables (hash, lmdb, btree, texthash),
 * `/etc/aliases` (`name: value`), cidr (`network/prefix action`), and pcre/regexp (`/pattern/flags
 * action`, `if /pattern/` … `endif`). Continuation lines start with whitespace; `#` lines are comments.
 */
export function mapParser(mapType: string): StreamParser<MapState> {
  const regexp = mapType === 'pcre' || mapType === 'regexp'
  const aliases = mapType === 'aliases'
  return {
    name: `postfix-map-${mapType}`,
    startState: () => ({ inValue: false, afterIf: false }),
    copyState: (s) => ({ ...s }),
    token(stream, state) {
      if (stream.sol()) {
        if (stream.match(/^\s*#.*/)) return 'comment'
        if (!/^\s/.test(stream.peek() ?? '')) {
          state.inValue = false
          if (regexp) {
            if (stream.match(/^if\b/)) {
              state.afterIf = true
              return 'keyword'
            }
            if (stream.match(/^endif\b/)) return 'keyword'
            if (PATTERN.some((p) => stream.match(p))) {
              state.inValue = true
              return 'regexp'
            }
          } else if (mapType === 'cidr') {
            if (stream.match(/^!?[0-9a-fA-F:.]+(\/\d+)?/)) {
              state.inValue = true
              return 'number'
            }
          } else if (aliases) {
            if (stream.match(/^("[^"]*"|[^\s:]+)(?=:)/)) return 'propertyName'
          } else if (stream.match(/^\S+/)) {
            state.inValue = true
            return 'propertyName'
          }
        } else state.inValue = true
      }
      if (stream.eatSpace()) return null
      if (state.afterIf) {
        state.afterIf = false
        if (PATTERN.some((p) => stream.match(p))) return 'regexp'
      }
      if (aliases && !state.inValue && stream.eat(':')) {
        state.inValue = true
        return 'operator'
      }
      if (stream.match(ACTION)) return 'keyword'
      if (aliases && stream.match(/^[|:]include:|^\|/)) return 'operator'
      if (stream.match(/^\$\d+|^\$\{\d+\}/)) return 'variableName'
      if (stream.eat(',')) return 'separator'
      if (!stream.match(/^[^\s,$]+/)) stream.next()
      return 'string'
    },
    languageData: { commentTokens: { line: '#' } },
  }
}

const cache = new Map<string, StreamLanguage<MapState>>()
/** The language of a lookup table of that type (hash, cidr, pcre, regexp, aliases, …). */
export function mapLanguage(mapType: string): StreamLanguage<MapState> {
  const kind = mapType === 'pcre' || mapType === 'regexp' || mapType === 'cidr' || mapType === 'aliases' ? mapType : 'hash'
  let lang = cache.get(kind)
  if (!lang) cache.set(kind, (lang = StreamLanguage.define(mapParser(kind))))
  return lang
}
