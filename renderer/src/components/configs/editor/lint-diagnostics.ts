import type { Diagnostic } from '@codemirror/lint'
import type { Finding } from '../../../../../shared/config/finding'
import { t } from '../../../i18n'

/**
 * A linter finding as an editor diagnostic. The message and hint come in English from the shared
 * linter; the frame around them (severity, line:column, "Hint") is translated.
 */
export function findingToDiagnostic(f: Finding, docLength: number): Diagnostic {
  const from = Math.min(Math.max(0, f.from), docLength)
  const to = Math.min(Math.max(from, f.to), docLength)
  return {
    from,
    to,
    severity: f.severity,
    source: f.code,
    message: f.hint ? `${f.message} — ${f.hint}` : f.message,
    renderMessage: () => {
      const box = document.createElement('div')
      box.className = 'cfg-diagnostic'
      const head = document.createElement('div')
      head.className = 'cfg-diagnostic-head'
      const sev = document.createElement('span')
      sev.className = `cfg-sev cfg-sev-${f.severity}`
      sev.textContent = t(`configs.severity.${f.severity}`)
      const where = document.createElement('span')
      where.className = 'cfg-diagnostic-where'
      where.textContent = t('configs.findings.at', { line: f.line, column: f.column })
      head.append(sev, where)
      const msg = document.createElement('div')
      msg.textContent = f.message
      box.append(head, msg)
      if (f.hint) {
        const hint = document.createElement('div')
        hint.className = 'cfg-diagnostic-hint'
        hint.textContent = `${t('configs.findings.hint')}: ${f.hint}`
        box.append(hint)
      }
      for (const r of f.related ?? []) {
        const rel = document.createElement('div')
        rel.className = 'cfg-diagnostic-related'
        rel.textContent = `${t('configs.findings.related', { file: r.file, line: r.line, column: r.column })} ${r.message}`
        box.append(rel)
      }
      return box
    },
  }
}
