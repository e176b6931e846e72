import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { QueueAction, QueueActionResult, QueueListing, QueueMessage, QueueMessageContent, QueueTarget } from '../../../shared/domain/system'
import { ApiError, call } from '../api/call'

export interface QueueEntry {
  listing: QueueListing | null
  loading: boolean
  error: ApiError | null
  busy: boolean
}
const empty = (): QueueEntry => ({ listing: null, loading: false, error: null, busy: false })
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)))

/** Messages whose id, sender, recipient or delay reason contains `search`, in `queue` if given. */
export function filterMessages(messages: readonly QueueMessage[], search: string, queue: string): QueueMessage[] {
  const needle = search.trim().toLowerCase()
  return messages.filter(
    (m) =>
      (!queue || m.queue === queue) &&
      (!needle || m.id.toLowerCase().includes(needle) || m.sender.toLowerCase().includes(needle) || m.recipients.some((r) => r.address.toLowerCase().includes(needle) || (r.reason ?? '').toLowerCase().includes(needle))),
  )
}

/** The mail queue of each server. */
export const useQueueStore = defineStore('queue', () => {
  const byServer = ref<Record<string, QueueEntry>>({})
  const entry = (id: string): QueueEntry => byServer.value[id] ?? empty()
  const patch = (id: string, p: Partial<QueueEntry>) => (byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } })

  async function load(id: string): Promise<void> {
    if (entry(id).loading) return
    patch(id, { loading: true, error: null })
    try {
      patch(id, { listing: await call(window.api.queue.list({ id })), loading: false })
    } catch (e) {
      patch(id, { loading: false, error: asApiError(e) })
    }
  }

  const show = (id: string, queueId: string): Promise<QueueMessageContent> => call(window.api.queue.show({ id, queueId }))

  /** Runs the action, then lists the queue again. */
  async function act(id: string, action: QueueAction, target: QueueTarget): Promise<QueueActionResult> {
    patch(id, { busy: true })
    try {
      return await call(window.api.queue.act({ id, action, target }))
    } finally {
      patch(id, { busy: false })
      await load(id)
    }
  }

  return { byServer, entry, load, show, act }
})
