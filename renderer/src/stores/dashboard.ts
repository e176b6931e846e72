import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Dashboard } from '../../../shared/domain/system'
import { ApiError, call } from '../api/call'

export interface DashboardEntry {
  data: Dashboard | null
  loading: boolean
  error: ApiError | null
}
const empty = (): DashboardEntry => ({ data: null, loading: false, error: null })

/** The dashboard tiles of each server (services, queue, today, disks, load, certificates). */
export const useDashboardStore = defineStore('dashboard', () => {
  const byServer = ref<Record<string, DashboardEntry>>({})
  const entry = (id: string): DashboardEntry => byServer.value[id] ?? empty()
  const patch = (id: string, p: Partial<DashboardEntry>) => (byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } })

  async function load(id: string): Promise<void> {
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    try {
      patch(id, { data: await call(window.api.dashboard.get({ id })), loading: false })
    } catch (e) {
      patch(id, { loading: false, error: e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)) })
    }
  }

  return { byServer, entry, load }
})
