import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { LogSourceChoice, LogSourceInfo, StreamLine, WireBatch } from '../../../shared/contract/logs'
import { logSourceOf } from '../../../shared/domain/server'
import { attackReport } from '../../../shared/logs/attack-report'
import { compileFilter, isEmptyFilter, type LineFilter } from '../../../shared/logs/line-filter'
import { MessageCorrelator } from '../../../shared/logs/message-correlator'
import { MinuteCounter } from '../../../shared/logs/minute-counts'
import { fromWireBatch } from '../../../shared/logs/wire-line'
import { call, describeError, isApiError } from '../api/call'
import { t } from '../i18n'
import { LineRing } from '../lib/line-ring'
import { useServersStore } from './servers'
import { useToastsStore } from './toasts'

/** Lines kept in the window: older ones are dropped (a marker says so and offers a search on the server). */
export const RING_CAPACITY = 100_000

let searchSeq = 0

export const useLogsStore = defineStore('logs', () => {
  const serverId = ref<string | null>(null)
  const followId = ref<string | null>(null)
  const source = ref<LogSourceInfo | null>(null)
  const state = ref<'idle' | 'starting' | 'following' | 'resuming' | 'stopped' | 'failed'>('idle')
  const stateMessage = ref('')
  const gap = ref(false)
  const following = ref(true) // auto-scroll to the newest line
  const newSincePause = ref(0)
  const servers = useServersStore()
  /**
   * Source choices not (yet) in the server's profile: held while the save is under way, and kept for
   * the session when it failed. Otherwise the profile's logSource is the choice.
   */
  const unsavedChoices = ref<Record<string, LogSourceChoice>>({})
  /** The log source of a server, used by every start and search: the choice just made, else the profile's, else 'auto'. */
  const sourceChoiceOf = (id: string): LogSourceChoice => unsavedChoices.value[id] ?? logSourceOf(servers.byId(id) ?? {})
  /** What the chosen source lacks on the server when the last start failed for it (the view explains it). */
  const sourceMissing = ref<'journalctl' | 'journal' | 'file' | null>(null)

  const ring = new LineRing<StreamLine>(RING_CAPACITY)
  /** The filtered lines in order (a plain array behind a shallow ref: no deep reactivity on 100k objects). */
  const visible = shallowRef<StreamLine[]>([])
  const version = ref(0)
  const total = ref(0)
  const dropped = ref(0)
  const filter = ref<LineFilter>({})
  const filterError = ref('')
  let test: (l: StreamLine) => boolean = () => true
  const minutes = new MinuteCounter(60)
  const chart = shallowRef(minutes.series())
  /** Last lines-event arrival per seq, for the harness's lag probe (window.__postdeskLogProbe). */
  let unsubscribe: (() => void)[] = []

  function onLines(lines: StreamLine[]): void {
    const out = visible.value
    let oldestSeq = -1
    for (const l of lines) {
      const gone = ring.push(l)
      if (gone) oldestSeq = gone.seq
      minutes.add(l)
      if (test(l)) out.push(l)
    }
    if (oldestSeq >= 0) {
      // drop the filtered lines that left the ring
      let cut = 0
      while (cut < out.length && (out[cut] as StreamLine).seq <= oldestSeq) cut++
      if (cut) out.splice(0, cut)
    }
    total.value += lines.length
    dropped.value = ring.dropped
    if (!following.value) newSincePause.value += lines.length
    chart.value = minutes.series()
    triggerRef(visible)
    version.value++
    const probe = (window as unknown as { __postdeskLogProbe?: (lines: StreamLine[]) => void }).__postdeskLogProbe
    probe?.(lines)
  }

  type StatePayload = { followId: string; state: typeof state.value; message?: string; gap?: boolean }
  type LinesPayload = { followId: string; lines: WireBatch }
  // Events of follows whose logs.follow has not answered yet, by follow id, in order: the events of
  // a follow may come before its id does. Kept while any start is under way.
  let starting = 0
  const early = new Map<string, ({ lines: WireBatch } | { state: StatePayload })[]>()
  function keepEarly(id: string, e: { lines: WireBatch } | { state: StatePayload }): void {
    const list = early.get(id)
    if (list) list.push(e)
    else early.set(id, [e])
  }
  function onState(p: StatePayload): void {
    state.value = p.state
    stateMessage.value = p.message ?? ''
    if (p.gap) gap.value = true
  }

  function subscribe(): void {
    if (unsubscribe.length) return
    unsubscribe = [
      window.api.logs.onLines((p: LinesPayload) => {
        if (p.followId === followId.value) onLines(fromWireBatch(p.lines))
        else if (starting > 0) keepEarly(p.followId, { lines: p.lines })
      }),
      window.api.logs.onState((p) => {
        if (p.followId === followId.value) onState(p)
        else if (starting > 0) keepEarly(p.followId, { state: p })
      }),
      window.api.logs.onSearchLines((p) => {
        if (p.searchId !== searchId.value) return
        searchResults.value.push(...fromWireBatch(p.lines))
        triggerRef(searchResults)
        searchProgress.value = { filesDone: p.filesDone, filesTotal: p.filesTotal, file: p.file ?? '' }
      }),
    ]
  }

  /**
   * The start under way (one at a time): a second start() for the same server while the first waits
   * for its follow id joins it instead of starting another follow (the view asks again whenever the
   * connection state flips). `token` tells a start that a later start() or stop() has replaced it.
   */
  let startToken = 0
  let inFlight: { id: string; done: Promise<void> } | null = null

  async function start(id: string, lines = 1000): Promise<void> {
    subscribe()
    if (inFlight?.id === id) return inFlight.done
    if (serverId.value === id && followId.value && (state.value === 'following' || state.value === 'starting' || state.value === 'resuming')) return
    const token = ++startToken
    const done = run(id, lines, token)
    inFlight = { id, done }
    try {
      await done
    } finally {
      if (inFlight?.done === done) inFlight = null
    }
  }

  async function run(id: string, lines: number, token: number): Promise<void> {
    await stop(false)
    clear()
    serverId.value = id
    source.value = null
    sourceMissing.value = null
    state.value = 'starting'
    starting++
    try {
      const r = await call(window.api.logs.follow({ id, lines, source: sourceChoiceOf(id) }))
      if (token !== startToken) {
        // replaced meanwhile (stopped, or another server): this follow is nobody's now
        early.delete(r.followId)
        await call(window.api.logs.stop({ followId: r.followId })).catch(() => undefined)
        return
      }
      followId.value = r.followId
      source.value = r.source
      for (const e of early.get(r.followId) ?? []) {
        if ('lines' in e) onLines(fromWireBatch(e.lines))
        else onState(e.state)
      }
      early.delete(r.followId)
    } catch (e) {
      if (token === startToken) {
        state.value = 'failed'
        stateMessage.value = e instanceof Error ? e.message : String(e)
        const missing = isApiError(e) ? e.detail['missing'] : undefined
        if (missing === 'journalctl' || missing === 'journal' || missing === 'file') sourceMissing.value = missing
      }
      throw e
    } finally {
      if (--starting === 0) early.clear()
    }
  }

  /** Stops following (and makes a start under way give up its follow). */
  async function stop(cancelStart = true): Promise<void> {
    if (cancelStart) {
      startToken++
      inFlight = null
    }
    const f = followId.value
    followId.value = null
    if (state.value !== 'idle') state.value = 'stopped'
    // the state is set before the await: a start() that comes meanwhile owns it afterwards
    if (f) await call(window.api.logs.stop({ followId: f })).catch(() => undefined)
  }

  /**
   * Uses the source for a server at once (restart() then follows it) and saves it in the server's
   * profile. A failed save leaves the choice for this session and says so in a toast. Resolves to
   * whether it was saved.
   */
  async function setSourceChoice(id: string, choice: LogSourceChoice): Promise<boolean> {
    unsavedChoices.value = { ...unsavedChoices.value, [id]: choice }
    const latest = () => unsavedChoices.value[id] === choice
    try {
      const p = servers.byId(id)
      if (!p) throw new Error(`No server profile with the id "${id}".`)
      const { id: _id, createdAt: _createdAt, logSource: _old, ...fields } = p
      // 'auto' is saved as no field: profiles stay as they were before the choice existed
      await servers.update(id, choice === 'auto' ? fields : { ...fields, logSource: choice })
      // a later choice made meanwhile stays until its own save ends
      if (latest()) {
        const { [id]: _saved, ...rest } = unsavedChoices.value
        unsavedChoices.value = rest
      }
      return true
    } catch (e) {
      if (latest()) {
        const { title, detail } = describeError(e)
        useToastsStore().push('warning', t('logs.source.notSaved', { source: t(`logs.source.${choice}`) }), detail ? `${title} ${detail}` : title)
      }
      return false
    }
  }

  /** Follows the server again from the start (e.g. with another source). */
  async function restart(id: string, lines = 1000): Promise<void> {
    await stop()
    await start(id, lines)
  }

  function clear(): void {
    ring.clear()
    minutes.clear()
    visible.value = []
    total.value = 0
    dropped.value = 0
    gap.value = false
    chart.value = []
    version.value++
  }

  function setFilter(f: LineFilter): void {
    try {
      test = compileFilter(f)
      filterError.value = ''
    } catch (e) {
      filterError.value = e instanceof Error ? e.message : String(e)
      return
    }
    filter.value = f
    const out: StreamLine[] = []
    for (const l of ring) if (test(l)) out.push(l)
    visible.value = out
    version.value++
  }

  function setFollowing(v: boolean): void {
    following.value = v
    if (v) newSincePause.value = 0
  }

  /** Every kept line of one message (and the copies it was queued as), with the correlator's view of it. */
  function timeline(queueId: string) {
    const ids = new Set([queueId])
    const lines: StreamLine[] = []
    for (const l of ring) {
      if (l.queueId !== null && ids.has(l.queueId)) {
        lines.push(l)
        if (l.fields.queuedAs && /^[0-9A-Za-z]+$/.test(l.fields.queuedAs) && ring.length < 2_000_000) ids.add(l.fields.queuedAs)
      }
    }
    const c = new MessageCorrelator()
    for (const l of lines) c.push(l)
    return { lines, message: c.get(queueId) ?? null }
  }

  function attacks(windowMs: number) {
    let newest = 0
    for (let i = ring.length - 1; i >= 0 && i >= ring.length - 10; i--) newest = Math.max(newest, ring.at(i)?.time ?? 0)
    return attackReport(ring, windowMs, newest || Date.now())
  }

  const filteredText = () => visible.value.map((l) => l.raw).join('\n') + (visible.value.length ? '\n' : '')
  const filtering = computed(() => !isEmptyFilter(filter.value))

  // ------------------------------------------------------------ search on the server
  const searchId = ref<string | null>(null)
  const searchResults = shallowRef<StreamLine[]>([])
  const searchProgress = ref({ filesDone: 0, filesTotal: 0, file: '' })
  const searchState = ref<'idle' | 'running' | 'done' | 'cancelled' | 'failed'>('idle')
  const searchSummary = ref<{ matched: number; files: string[]; limited: boolean } | null>(null)

  async function search(q: { text: string; since?: number; until?: number }): Promise<void> {
    if (!serverId.value) return
    subscribe()
    const id = `s${++searchSeq}`
    searchId.value = id
    searchResults.value = []
    searchSummary.value = null
    searchProgress.value = { filesDone: 0, filesTotal: 0, file: '' }
    searchState.value = 'running'
    try {
      const r = await call(window.api.logs.search({ id: serverId.value, searchId: id, text: q.text, maxLines: 50_000, source: sourceChoiceOf(serverId.value), ...(q.since !== undefined ? { since: q.since } : {}), ...(q.until !== undefined ? { until: q.until } : {}) }))
      if (searchId.value !== id) return
      searchSummary.value = r
      searchState.value = r.cancelled ? 'cancelled' : 'done'
    } catch (e) {
      if (searchId.value === id) searchState.value = 'failed'
      throw e
    }
  }

  async function cancelSearch(): Promise<void> {
    if (searchId.value) await call(window.api.logs.cancelSearch({ searchId: searchId.value })).catch(() => undefined)
  }

  return {
    serverId, followId, source, state, stateMessage, gap, following, newSincePause,
    visible, version, total, dropped, filter, filterError, chart, filtering,
    unsavedChoices, sourceChoiceOf, sourceMissing, setSourceChoice, restart,
    start, stop, clear, setFilter, setFollowing, timeline, attacks, filteredText,
    searchId, searchResults, searchProgress, searchState, searchSummary, search, cancelSearch,
    lineAt: (i: number) => ring.at(i),
  }
})
