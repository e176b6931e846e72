import { ensureSyntaxTree, type Language } from '@codemirror/language'
import { EditorState } from '@codemirror/state'
import { highlightTree, tagHighlighter, tags } from '@lezer/highlight'

// One class per tag the config modes emit, so a test can say "this text is a propertyName".
const highlighter = tagHighlighter([
  { tag: tags.comment, class: 'comment' },
  { tag: tags.propertyName, class: 'propertyName' },
  { tag: tags.special(tags.variableName), class: 'special' },
  { tag: tags.variableName, class: 'variableName' },
  { tag: tags.operator, class: 'operator' },
  { tag: tags.keyword, class: 'keyword' },
  { tag: tags.typeName, class: 'typeName' },
  { tag: tags.string, class: 'string' },
  { tag: tags.number, class: 'number' },
  { tag: tags.bool, class: 'bool' },
  { tag: tags.atom, class: 'atom' },
  { tag: tags.labelName, class: 'labelName' },
  { tag: tags.meta, class: 'meta' },
  { tag: tags.regexp, class: 'regexp' },
  { tag: tags.brace, class: 'brace' },
  { tag: tags.separator, class: 'separator' },
  { tag: tags.invalid, class: 'invalid' },
  { tag: tags.escape, class: 'escape' },
  { tag: tags.punctuation, class: 'punctuation' },
  { tag: tags.tagName, class: 'tagName' },
])

/** The highlighted spans of a text in a language, as the editor would colour them: [text, class]. */
export function tokens(language: Language, text: string): Array<[string, string]> {
  const state = EditorState.create({ doc: text, extensions: [language] })
  const tree = ensureSyntaxTree(state, state.doc.length, 5000)
  if (!tree) throw new Error('the parser did not finish')
  const out: Array<[string, string]> = []
  highlightTree(tree, highlighter, (from, to, cls) => out.push([text.slice(from, to), cls]))
  return out
}

/** The class of the first span with exactly this text (undefined: not highlighted as one span). */
export const classOf = (toks: Array<[string, string]>, text: string, nth = 0): string | undefined => toks.filter(([t]) => t === text)[nth]?.[1]
