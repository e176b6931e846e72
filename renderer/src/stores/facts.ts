import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ServerFacts } from '../../../shared/domain/facts'
import { ApiError, call } from '../api/call'

export interface FactsEntry {
  facts: ServerFacts | null
  loading: boolean
  error: ApiError | null
}

const empty = (): FactsEntry => ({ facts: null, loading: false, error: null })

export const useFactsStore = defineStore('facts', () => {
  const byServer = ref<Record<string, FactsEntry>>({})

  const entry = (id: string): FactsEntry => byServer.value[id] ?? empty()

  function patch(id: string, p: Partial<FactsEntry>): void {
    byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } }
  }

  /** Reads the facts (cached by the main process unless `refresh`). Errors stay on the entry. */
  async function load(id: string, refresh = false): Promise<void> {
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    try {
      patch(id, { facts: await call(window.api.servers.facts({ id, refresh })), loading: false })
    } catch (e) {
      patch(id, { loading: false, error: e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)) })
    }
  }

  function forget(id: string): void {
    const { [id]: _gone, ...rest } = byServer.value
    byServer.value = rest
  }

  return { byServer, entry, load, forget }
})
