import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ServiceAction, ServiceActionResult, ServiceKey, ServicesOverview } from '../../../shared/domain/system'
import { ApiError, call } from '../api/call'

export interface ServicesEntry {
  overview: ServicesOverview | null
  loading: boolean
  error: ApiError | null
  /** The service an action is running on, if any. */
  busy: ServiceKey | null
  /** The last action's result (failures stay until dismissed or replaced). */
  last: ServiceActionResult | null
}

const empty = (): ServicesEntry => ({ overview: null, loading: false, error: null, busy: null, last: null })
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)))

/** Services of each server: status, verified actions, undo. */
export const useServicesStore = defineStore('services', () => {
  const byServer = ref<Record<string, ServicesEntry>>({})
  const entry = (id: string): ServicesEntry => byServer.value[id] ?? empty()
  const patch = (id: string, p: Partial<ServicesEntry>) => (byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } })

  async function load(id: string): Promise<void> {
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    try {
      patch(id, { overview: await call(window.api.services.list({ id })), loading: false })
    } catch (e) {
      patch(id, { loading: false, error: asApiError(e) })
    }
  }

  function merge(id: string, r: ServiceActionResult): void {
    const o = entry(id).overview
    if (o) patch(id, { overview: { ...o, services: o.services.map((s) => (s.key === r.key ? r.status : s)) } })
  }

  /** Runs and verifies an action; the result (ok or not) is kept as `last`. Throws only if the call itself failed. */
  async function act(id: string, service: ServiceKey, action: ServiceAction): Promise<ServiceActionResult> {
    patch(id, { busy: service, last: null })
    try {
      const r = await call(window.api.services.act({ id, service, action }))
      merge(id, r)
      patch(id, { last: r })
      return r
    } finally {
      patch(id, { busy: null })
    }
  }

  async function undo(id: string, offerId: string, service: ServiceKey): Promise<ServiceActionResult> {
    patch(id, { busy: service })
    try {
      const r = await call(window.api.services.undo({ id, offerId }))
      merge(id, r)
      patch(id, { last: r })
      return r
    } finally {
      patch(id, { busy: null })
    }
  }

  const dismiss = (id: string) => patch(id, { last: null })

  return { byServer, entry, load, act, undo, dismiss }
})
