import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import type { Extension } from '@codemirror/state'
import type { WorkspaceCatalogues } from '../../../../../shared/domain/config-workspace'
import { completionContext } from '../../../lib/configs/parameter-at'
import { parameterNames } from './catalogue-lookup'

/** Completion of Postfix parameter names (main.cf, master.cf `-o`, `$name`) and Dovecot setting names. */
export function parameterCompletion(kind: () => string, catalogues: () => WorkspaceCatalogues | null): Extension {
  let cacheKey: unknown = null
  let cache: Completion[] = []
  const options = (cat: WorkspaceCatalogues | null, which: 'postfix' | 'dovecot'): Completion[] => {
    const key = `${which}:${cat?.source}:${cat?.postfixVersion}:${cat?.dovecotVersion}`
    if (key !== cacheKey) {
      const values = which === 'postfix' ? cat?.postfixValues : cat?.dovecotValues
      cache = Object.entries(parameterNames(cat, which)).map(([label, def]) => ({
        label,
        type: 'property',
        detail: def.length > 40 ? `${def.slice(0, 40)}…` : def,
        ...(values && Object.hasOwn(values, label) ? { boost: 1 } : {}),
      }))
      cacheKey = key
    }
    return cache
  }
  const source = (cx: CompletionContext): CompletionResult | null => {
    const line = cx.state.doc.lineAt(cx.pos)
    const at = completionContext(kind(), line.text.slice(0, cx.pos - line.from))
    if (!at) return null
    if (at.prefix === '' && !cx.explicit) return null
    return { from: line.from + at.from, options: options(catalogues(), at.catalogue), validFor: /^[A-Za-z0-9_]*$/ }
  }
  return autocompletion({ override: [source], activateOnTyping: true })
}
