import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Allowlist, AllowlistStatus, ApplyResult, FirewallHistoryItem, FirewallProgress, HomeIpChange, RulePreview } from '../../../shared/domain/firewall'
import { ApiError, call } from '../api/call'
import { t, te } from '../i18n'
import { useToastsStore } from './toasts'

export interface FirewallEntry {
  status: AllowlistStatus | null
  history: FirewallHistoryItem[]
  result: ApplyResult | null
  preview: RulePreview | null
  progress: FirewallProgress | null
  loading: boolean
  busy: boolean
  error: ApiError | null
}

const empty = (): FirewallEntry => ({ status: null, history: [], result: null, preview: null, progress: null, loading: false, busy: false, error: null })
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)))

/** The firewall area per server: status (home IP and backends), the last preview and apply result, the history. */
export const useFirewallStore = defineStore('firewall', () => {
  const byServer = ref<Record<string, FirewallEntry>>({})
  /** The last "home IP changed" the main process reported on connect, per server (cleared by a confirmed refresh). */
  const changes = ref<Record<string, HomeIpChange>>({})
  let unsubscribe: (() => void) | null = null
  let unsubscribeChanges: (() => void) | null = null
  let unsubscribeRefreshed: (() => void) | null = null

  const entry = (id: string): FirewallEntry => byServer.value[id] ?? empty()
  function patch(id: string, p: Partial<FirewallEntry>): void {
    byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } }
  }

  function subscribe(): void {
    unsubscribe ??= window.api.firewall.onProgress((p) => patch(p.server, { progress: p }))
  }

  /** From app start: every connect compares the home IP (main process); a change becomes a toast and the banner. */
  function watchHomeIp(): void {
    unsubscribeChanges ??= window.api.firewall.onHomeIpChanged(({ server, ...change }) => {
      const known = changes.value[server]
      changes.value = { ...changes.value, [server]: change }
      if (known?.to !== change.to) useToastsStore().push('warning', change.from ? t('firewall.banner.changed', { from: change.from, to: change.to }) : t('firewall.banner.new', { to: change.to }))
    })
    // A refresh from the tray/application menu: its outcome as a toast; the area reloads if it was read.
    unsubscribeRefreshed ??= window.api.firewall.onRefreshed((r) => {
      const toasts = useToastsStore()
      const title = t('firewall.menuRefresh.title', { name: r.name, outcome: r.outcome === 'error' ? t('firewall.outcome.failed') : t(`firewall.outcome.${r.outcome}`) })
      // The service's notes in the UI's language; unknown codes fall back to its English message.
      const text = r.notes.length && r.notes.every((n) => te(`firewall.note.${n.code}`)) ? r.notes.map((n) => t(`firewall.note.${n.code}`, n.params)).join(' ') : r.message
      const detail = text
      if (r.outcome === 'confirmed' || r.outcome === 'unchanged') {
        const { [r.server]: _done, ...rest } = changes.value
        changes.value = rest
        toasts.push('success', title, detail)
      } else toasts.push(r.outcome === 'needs-confirmation' ? 'warning' : 'error', title, r.outcome === 'needs-confirmation' ? t('firewall.menuRefresh.needsConfirmation') : text)
      if (entry(r.server).status) void load(r.server)
    })
  }

  /** Detects the backends and the home IP the server sees; the banner shows when it differs from the home entry. */
  async function load(id: string): Promise<void> {
    subscribe()
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    try {
      const [status, history] = await Promise.all([call(window.api.firewall.status({ id })), call(window.api.firewall.history({ id }))])
      patch(id, { status, history, loading: false })
    } catch (e) {
      patch(id, { loading: false, error: asApiError(e) })
    }
  }

  async function run(id: string, op: () => Promise<ApplyResult>): Promise<ApplyResult | null> {
    subscribe()
    patch(id, { busy: true, error: null, result: null, progress: null })
    try {
      const result = await op()
      patch(id, { result, preview: result.preview, busy: false })
      if (result.outcome === 'confirmed' || result.outcome === 'unchanged') {
        const { [id]: _done, ...rest } = changes.value
        changes.value = rest
      }
      await load(id)
      return result
    } catch (e) {
      patch(id, { busy: false, error: asApiError(e) })
      return null
    }
  }

  /** The one click: detect -> preview -> apply -> confirm; `accept` is the second click when foreign rules would go. */
  const refresh = (id: string, accept = false) => run(id, () => call(window.api.firewall.refresh({ id, ...(accept ? { acceptForeignRemoval: true } : {}) })))
  const apply = (id: string, accept = false) => run(id, () => call(window.api.firewall.apply({ id, ...(accept ? { acceptForeignRemoval: true } : {}) })))

  async function preview(id: string): Promise<void> {
    patch(id, { busy: true, error: null })
    try {
      patch(id, { preview: await call(window.api.firewall.preview({ id })), busy: false })
    } catch (e) {
      patch(id, { busy: false, error: asApiError(e) })
    }
  }

  async function save(id: string, allowlist: Omit<Allowlist, 'server'>): Promise<boolean> {
    patch(id, { busy: true, error: null })
    try {
      const saved = await call(window.api.firewall.save({ id, allowlist }))
      const st = entry(id).status
      patch(id, { busy: false, ...(st ? { status: { ...st, allowlist: saved } } : {}) })
      return true
    } catch (e) {
      patch(id, { busy: false, error: asApiError(e) })
      return false
    }
  }

  return { byServer, changes, entry, load, refresh, apply, preview, save, watchHomeIp }
})
