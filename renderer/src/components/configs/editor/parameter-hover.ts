import { hoverTooltip } from '@codemirror/view'
import type { Extension } from '@codemirror/state'
import type { WorkspaceCatalogues } from '../../../../../shared/domain/config-workspace'
import { t } from '../../../i18n'
import { parameterAt } from '../../../lib/configs/parameter-at'
import { parameterInfo } from './catalogue-lookup'

const MAX_SHOWN = 400
const clip = (s: string) => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s)

/** Hover on a parameter name: its default (catalogue) and its value on that server. */
export function parameterHover(kind: () => string, catalogues: () => WorkspaceCatalogues | null): Extension {
  return hoverTooltip((view, pos) => {
    const line = view.state.doc.lineAt(pos)
    const ref = parameterAt(kind(), line.text, pos - line.from)
    if (!ref) return null
    const info = parameterInfo(catalogues(), ref.catalogue, ref.name)
    return {
      pos: line.from + ref.from,
      end: line.from + ref.to,
      above: true,
      create: () => {
        const dom = document.createElement('div')
        dom.className = 'cfg-hover'
        dom.setAttribute('data-testid', 'config-hover')
        const name = document.createElement('div')
        name.className = 'cfg-hover-name mono'
        name.textContent = ref.name
        dom.append(name)
        const row = (label: string, value: string | undefined, empty: string) => {
          const r = document.createElement('div')
          r.className = 'cfg-hover-row'
          const l = document.createElement('span')
          l.className = 'cfg-hover-label'
          l.textContent = label
          const v = document.createElement('span')
          v.className = value === undefined || value === '' ? 'cfg-hover-value muted' : 'cfg-hover-value mono'
          v.textContent = value === undefined ? empty : value === '' ? t('configs.hover.emptyValue') : clip(value)
          r.append(l, v)
          dom.append(r)
        }
        if (info.defaultValue === undefined) row(t('configs.hover.default'), undefined, t('configs.hover.unknown'))
        else row(t('configs.hover.default'), info.defaultValue, '')
        row(t('configs.hover.server'), info.serverValue, t('configs.hover.notSet'))
        return { dom }
      },
    }
  })
}
