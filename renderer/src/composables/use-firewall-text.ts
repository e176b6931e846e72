import { useI18n } from 'vue-i18n'
import type { ApplyResult, FirewallHistoryItem, FirewallNote } from '../../../shared/domain/firewall'
import type { ApiError } from '../api/call'

/**
 * The firewall service's sentences in the UI's language: results, history items and errors carry codes
 * (`notes`, an error's `detail.reason`) with parameters; a code this build does not know falls back to
 * the service's English text.
 */
export function useFirewallText() {
  const { t, te } = useI18n()
  const key = (code: string) => `firewall.note.${code}`
  const known = (notes: readonly FirewallNote[] | undefined): notes is FirewallNote[] => !!notes?.length && notes.every((n) => te(key(n.code)))
  const notesText = (notes: FirewallNote[]) => notes.map((n) => t(key(n.code), n.params)).join(' ')

  return {
    resultText: (r: Pick<ApplyResult, 'message' | 'notes'>): string => (known(r.notes) ? notesText(r.notes) : r.message),
    historyText: (h: FirewallHistoryItem): string => (known(h.notes) ? notesText(h.notes) : h.detail),
    actionText: (action: string): string => (te(`firewall.action.${action}`) ? t(`firewall.action.${action}`) : action),
    outcomeText: (outcome: string): string => (te(`firewall.historyOutcome.${outcome}`) ? t(`firewall.historyOutcome.${outcome}`) : outcome),
    /** The detail line of an error: its reason translated, else the server's own words. */
    errorText: (e: ApiError): string => {
      const reason = e.detail['reason']
      if (typeof reason === 'string' && te(key(reason))) {
        const params: Record<string, string | number> = {}
        for (const [k, v] of Object.entries(e.detail)) if (typeof v === 'string' || typeof v === 'number') params[k] = v
        return t(key(reason), params)
      }
      return e.serverMessage
    },
  }
}
