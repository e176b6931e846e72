import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { WorkspaceStatus } from '../../../shared/domain/config-workspace'
import type { Dashboard } from '../../../shared/domain/system'
import { ApiError, call } from '../api/call'

export interface DashboardEntry {
  data: Dashboard | null
  /** The configs workspace (config.status, local): unsynced changes since the pull. */
  configs: WorkspaceStatus | null
  /** Why config.status failed (e.g. the workspace is not in this build yet); the tile says so, the rest still shows. */
  configsError: ApiError | null
  loading: boolean
  error: ApiError | null
}
const empty = (): DashboardEntry => ({ data: null, configs: null, configsError: null, loading: false, error: null })
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)))

/** The dashboard tiles of each server (services, queue, today, disks, load, certificates). */
export const useDashboardStore = defineStore('dashboard', () => {
  const byServer = ref<Record<string, DashboardEntry>>({})
  const entry = (id: string): DashboardEntry => byServer.value[id] ?? empty()
  const patch = (id: string, p: Partial<DashboardEntry>) => (byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } })

  async function load(id: string): Promise<void> {
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    const configs = call(window.api.config.status({ id })).then(
      (st) => patch(id, { configs: st, configsError: null }),
      (e: unknown) => patch(id, { configs: null, configsError: asApiError(e) }),
    )
    try {
      patch(id, { data: await call(window.api.dashboard.get({ id })), loading: false })
    } catch (e) {
      patch(id, { loading: false, error: asApiError(e) })
    }
    await configs
  }

  return { byServer, entry, load }
})
