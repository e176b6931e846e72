import type { StringStream } from '@codemirror/language'

/** Where the tokenizer is inside a Postfix value: `${name?{...}}` expansions nest. */
export interface PostfixValueState {
  /** Open `${` expansions ('x') and `{` of their `?{value}` parts ('b') still waiting for their `}`. */
  open: string[]
}

/**
 * One token of a Postfix parameter value (main.cf, master.cf `-o`, mysql_*.cf): `$name`, `${name}`,
 * `$(name)`, `${name?value}` / `${name:value}` / `${name==x?a:b}` expansions, `type:/table` references,
 * restriction words, commas. Returns a CodeMirror tag name.
 */
export function postfixValueToken(stream: StringStream, state: PostfixValueState): string | null {
  if (stream.eatSpace()) return null
  if (stream.match(/^\$\{[A-Za-z0-9_]+/)) {
    state.open.push('x')
    return 'variableName'
  }
  if (stream.match(/^\$\([A-Za-z0-9_]+\)/) || stream.match(/^\$[A-Za-z0-9_]+/)) return 'variableName'
  if (stream.match('$$')) return 'escape'
  if (state.open.length > 0) {
    // Inside an expansion: its operator (? : == != < <= > >=), a nested {value}, or the closing brace.
    if (stream.match(/^(==|!=|<=|>=|[?:<>])(?=\{|[^\s,}]|$)/)) return 'operator'
    if (stream.eat('{')) {
      state.open.push('b')
      return 'brace'
    }
    if (stream.eat('}')) return state.open.pop() === 'x' ? 'variableName' : 'brace'
  }
  if (stream.match(/^[a-z0-9_]+:(?=[/{])/)) return 'typeName'
  if (stream.eat(',')) return 'separator'
  if (stream.match(/^(permit|reject|defer|check|warn_if_reject|reject_unauth|permit_sasl|permit_mynetworks)[a-z0-9_]*/)) return 'keyword'
  if (stream.match(/^\d+[a-z]?(?=[\s,]|$)/)) return 'number'
  if (stream.match(/^(yes|no)(?=[\s,]|$)/)) return 'bool'
  if (!stream.match(/^[^\s,$}{]+/)) stream.next()
  return 'string'
}
