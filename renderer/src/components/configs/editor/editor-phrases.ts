import { EditorState, type Extension } from '@codemirror/state'
import { t } from '../../../i18n'

// CodeMirror's own UI words (search panel, lint panel, completion, fold) through vue-i18n.
const PHRASES: Record<string, string> = {
  Find: 'find',
  Replace: 'replace',
  next: 'next',
  previous: 'previous',
  all: 'all',
  'match case': 'matchCase',
  regexp: 'regexp',
  'by word': 'byWord',
  replace: 'replaceOne',
  'replace all': 'replaceAll',
  close: 'close',
  'Go to line': 'gotoLine',
  go: 'go',
  Diagnostics: 'diagnostics',
  'No diagnostics': 'noDiagnostics',
  'current match': 'currentMatch',
  'on line': 'onLine',
  'replaced match on line $': 'replacedOnLine',
  'replaced $ matches': 'replacedMatches',
  '$ unchanged lines': 'unchangedLines',
  Completions: 'completions',
}

/** The phrases for the current locale (English keeps CodeMirror's own). */
export function editorPhrases(locale: string): Extension {
  if (locale === 'en') return []
  const out: Record<string, string> = {}
  for (const [phrase, key] of Object.entries(PHRASES)) if (!phrase.includes('$')) out[phrase] = t(`configs.cm.${key}`)
  // CodeMirror substitutes "$" in these two with the line / count.
  out['replaced match on line $'] = t('configs.cm.replacedOnLine', { n: '$' })
  out['replaced $ matches'] = t('configs.cm.replacedMatches', { n: '$' })
  out['$ unchanged lines'] = t('configs.cm.unchangedLines', { n: '$' })
  return EditorState.phrases.of(out)
}
