import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import type { Extension } from '@codemirror/state'
import { EditorView } from '@codemirror/view'
import { tags } from '@lezer/highlight'

// Colours come from CSS variables (configs.css), so the editor follows the light/dark theme of the app.
const highlight = HighlightStyle.define([
  { tag: tags.comment, color: 'var(--cm-comment)', fontStyle: 'italic' },
  { tag: [tags.propertyName, tags.labelName], color: 'var(--cm-name)', fontWeight: '600' },
  { tag: [tags.variableName, tags.special(tags.variableName)], color: 'var(--cm-variable)' },
  { tag: [tags.operator, tags.separator, tags.brace, tags.punctuation], color: 'var(--cm-operator)' },
  { tag: [tags.keyword, tags.tagName], color: 'var(--cm-keyword)' },
  { tag: [tags.typeName, tags.meta], color: 'var(--cm-type)' },
  { tag: [tags.number, tags.bool, tags.atom], color: 'var(--cm-number)' },
  { tag: [tags.regexp, tags.escape], color: 'var(--cm-regexp)' },
  { tag: tags.string, color: 'var(--cm-string)' },
  { tag: tags.invalid, color: 'var(--cm-invalid)', textDecoration: 'underline wavy' },
])

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '12.5px', backgroundColor: 'var(--bg)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-gutters': { backgroundColor: 'var(--bg-subtle)', color: 'var(--fg-muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--cm-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--cm-active-line)', color: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--cm-selection) !important' },
  '.cm-searchMatch': { backgroundColor: 'var(--cm-search)', outline: '1px solid var(--state-warn)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg-elev)', color: 'var(--fg)', border: '1px solid var(--border-strong)', borderRadius: '6px', boxShadow: 'var(--shadow-md)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-panels': { backgroundColor: 'var(--bg-subtle)', color: 'var(--fg)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-panel input, .cm-panel button': { font: 'inherit', fontSize: '12px' },
  '.cm-textfield': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--border-strong)', borderRadius: '4px' },
  '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--bg-elev)', color: 'var(--fg)', border: '1px solid var(--border-strong)', borderRadius: '4px' },
  '.cm-diagnostic': { padding: '4px 8px' },
  '.cm-lint-marker': { width: '0.9em', height: '0.9em' },
  // The merge view's "N unchanged lines" bar: its ⦚ glyph is missing from common UI fonts.
  // (and its light gradient, which would glare in the dark theme)
  '.cm-collapsedLines': { color: 'var(--fg-muted)', background: 'var(--bg-subtle)', fontFamily: 'var(--font-ui)' },
  '.cm-collapsedLines:before, .cm-collapsedLines:after': { content: '"⋯"' },
})

export const configEditorTheme: Extension = [theme, syntaxHighlighting(highlight)]
