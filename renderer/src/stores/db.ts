import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DbCheck } from '../../../shared/domain/db'
import { ApiError, call } from '../api/call'

export interface DbEntry {
  check: DbCheck | null
  loading: boolean
  error: ApiError | null
}

const empty = (): DbEntry => ({ check: null, loading: false, error: null })

/** The database status of each server (`db.check`): versions, how it is reached, where the credentials came from. */
export const useDbStore = defineStore('db', () => {
  const byServer = ref<Record<string, DbEntry>>({})

  const entry = (id: string): DbEntry => byServer.value[id] ?? empty()

  function patch(id: string, p: Partial<DbEntry>): void {
    byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } }
  }

  /** Connects to the server's database through the tunnel; `rediscover` reads the credentials again. Errors stay on the entry. */
  async function check(id: string, rediscover = false): Promise<void> {
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    try {
      patch(id, { check: await call(window.api.db.check({ id, rediscover })), loading: false })
    } catch (e) {
      patch(id, { loading: false, error: e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)) })
    }
  }

  return { byServer, entry, check }
})
