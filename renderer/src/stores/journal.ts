import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JournalEntry } from '../../../shared/domain/journal'
import { call } from '../api/call'

const maxKept = 5000

const newestFirst = (a: JournalEntry, b: JournalEntry) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)

export const useJournalStore = defineStore('journal', () => {
  const entries = ref<JournalEntry[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  /** Server id to show, or '' for all. */
  const serverFilter = ref('')
  let unsubscribe: (() => void) | null = null

  const visible = computed(() => (serverFilter.value ? entries.value.filter((e) => e.server === serverFilter.value) : entries.value))
  /** Servers that appear in the journal (including removed ones). */
  const servers = computed(() => [...new Set(entries.value.map((e) => e.server))].sort())

  function append(entry: JournalEntry): void {
    if (entries.value.some((e) => e.id === entry.id)) return
    entries.value = [entry, ...entries.value].sort(newestFirst).slice(0, maxKept)
  }

  function subscribe(): void {
    unsubscribe ??= window.api.journal.onAppended((entry) => append(entry))
  }

  async function load(): Promise<void> {
    subscribe()
    loading.value = true
    try {
      const list = await call(window.api.journal.list({ limit: maxKept }))
      // Keep live entries that arrived while the list was on its way.
      const ids = new Set(list.map((e) => e.id))
      entries.value = [...entries.value.filter((e) => !ids.has(e.id)), ...list].sort(newestFirst)
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  /** The export as a Blob URL for a download link; the caller revokes it. */
  async function exportAs(format: 'json' | 'csv'): Promise<{ filename: string; url: string }> {
    const out = await call(window.api.journal.export(serverFilter.value ? { format, server: serverFilter.value } : { format }))
    const url = URL.createObjectURL(new Blob([out.text], { type: out.mime }))
    return { filename: out.filename, url }
  }

  return { entries, loaded, loading, serverFilter, visible, servers, append, load, exportAs }
})
