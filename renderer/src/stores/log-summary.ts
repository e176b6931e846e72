import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Output } from '../../../shared/contract'
import type { LogSourceChoice } from '../../../shared/contract/logs'
import { call } from '../api/call'

export type LogSummaryResult = Output<'logs.summary'>

let seq = 0

/** pflogsumm's Grand Totals of a server's current log, counted on the desktop as the log streams in. */
export const useLogSummaryStore = defineStore('logSummary', () => {
  const summaryId = ref<string | null>(null)
  const serverId = ref<string | null>(null)
  const state = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const progress = ref<{ bytes: number; totalBytes: number | null; lines: number }>({ bytes: 0, totalBytes: null, lines: 0 })
  const result = ref<LogSummaryResult | null>(null)
  let off: (() => void) | null = null

  async function run(server: string, source: LogSourceChoice): Promise<void> {
    off ??= window.api.logs.onSummaryProgress((p) => {
      if (p.summaryId === summaryId.value) progress.value = { bytes: p.bytes, totalBytes: p.totalBytes, lines: p.lines }
    })
    const id = `sum${++seq}`
    summaryId.value = id
    serverId.value = server
    result.value = null
    progress.value = { bytes: 0, totalBytes: null, lines: 0 }
    state.value = 'running'
    try {
      const r = await call(window.api.logs.summary({ id: server, summaryId: id, source }))
      if (summaryId.value !== id) return
      result.value = r
      state.value = r.cancelled ? 'cancelled' : 'done'
    } catch (e) {
      if (summaryId.value === id) state.value = 'failed'
      throw e
    }
  }

  async function cancel(): Promise<void> {
    if (summaryId.value && state.value === 'running') await call(window.api.logs.cancelSummary({ summaryId: summaryId.value })).catch(() => undefined)
  }

  /** Another server: what was counted belongs to the one before. */
  function forget(): void {
    void cancel()
    summaryId.value = null
    serverId.value = null
    result.value = null
    state.value = 'idle'
  }

  return { summaryId, serverId, state, progress, result, run, cancel, forget }
})
