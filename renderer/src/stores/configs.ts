import { defineStore } from 'pinia'
import { ref, toRaw } from 'vue'
import { sortFindings, type Finding } from '../../../shared/config/finding'
import type { CompareResult, ConfigProgress, PushResult, Snapshot, WorkspaceCatalogues, WorkspaceFile, WorkspaceStatus } from '../../../shared/domain/config-workspace'
import { ApiError, call } from '../api/call'
import { hasConflicts } from '../lib/configs/conflict-markers'
import { lineDiffSummary, type LineDiffSummary } from '../lib/configs/line-diff-summary'
import { pushBlocker as pushBlockerOf, type PushBlocker } from '../lib/configs/push-blocker'
import { WorkspaceLinter } from '../lib/configs/workspace-linter'
import { lintCataloguesOf, type LintFile } from '../lib/configs/workspace-lint-set'

/** What is running for a workspace (one thing at a time; the buttons say which). */
export type ConfigsBusy = 'load' | 'pull' | 'compare' | 'validate' | 'push' | 'save' | 'revert' | 'restore' | 'history'

export interface ConfigsEntry {
  status: WorkspaceStatus | null
  catalogues: WorkspaceCatalogues | null
  /** Saved local text of every file (what config.read returned, or the last save). */
  texts: Record<string, string>
  /** The pulled base of every file. */
  bases: Record<string, string>
  /** What is on the server now, after a compare (null: gone from the server). */
  remotes: Record<string, string | null>
  /** Unsaved edits (the open file's editor buffer). */
  buffers: Record<string, string>
  selected: string | null
  /** The offline lint's findings plus the server checks' (for files whose saved text is shown). */
  findings: Finding[]
  /** The offline lint's alone. */
  lintFindings: Finding[]
  /** Connected: what the server said about the saved files (missing cert/key/CA files); [] offline. */
  serverFindings: Finding[]
  /** Time the last lint took in the worker (ms). */
  lintMs: number | null
  compare: CompareResult | null
  push: PushResult | null
  history: Snapshot[]
  progress: ConfigProgress | null
  busy: ConfigsBusy | null
  /** The operation that failed and why. */
  error: { op: ConfigsBusy; error: ApiError } | null
  /** Set after a restore: the local files hold that snapshot, to be pushed. */
  restoredFrom: string | null
}

const empty = (): ConfigsEntry => ({
  status: null, catalogues: null, texts: {}, bases: {}, remotes: {}, buffers: {}, selected: null, findings: [], lintFindings: [], serverFindings: [], lintMs: null,
  compare: null, push: null, history: [], progress: null, busy: null, error: null, restoredFrom: null,
})
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('internal', String(e), String(e)))

export interface ChangedFile {
  file: WorkspaceFile
  summary: LineDiffSummary
}

/**
 * The configs workspace per server, through window.api.config only: status, every file's text (for the
 * whole-set lint and the diffs), the open file's unsaved buffer, compare/push results, history, progress.
 * Everything but pull/compare/push works with the connection cut.
 */
export const useConfigsStore = defineStore('configs', () => {
  const byServer = ref<Record<string, ConfigsEntry>>({})
  let unsubscribe: (() => void) | null = null
  let linter: WorkspaceLinter | null = null
  let linterCatalogues: string | null = null

  const entry = (id: string): ConfigsEntry => byServer.value[id] ?? empty()
  function patch(id: string, p: Partial<ConfigsEntry>): void {
    byServer.value = { ...byServer.value, [id]: { ...entry(id), ...p } }
  }
  function subscribe(): void {
    unsubscribe ??= window.api.config.onProgress((p) => patch(p.server, { progress: p }))
  }

  /** The text the user sees for a file: the unsaved buffer, else the saved local text. */
  const textOf = (id: string, path: string): string => {
    const e = entry(id)
    return e.buffers[path] ?? e.texts[path] ?? ''
  }
  const isDirty = (id: string, path: string): boolean => path in entry(id).buffers
  const dirtyPaths = (id: string): string[] => Object.keys(entry(id).buffers)
  const fileOf = (id: string, path: string): WorkspaceFile | undefined => entry(id).status?.files.find((f) => f.path === path)

  /** Files that still hold conflict markers (saved or in the buffer) or that the service marks as conflicts. */
  const conflictPaths = (id: string): string[] =>
    (entry(id).status?.files ?? []).filter((f) => f.state === 'conflict' || hasConflicts(textOf(id, f.path))).map((f) => f.path)

  /** Files that differ from the pulled base, with a line count of the change (the push dialog's list). */
  function changedFiles(id: string): ChangedFile[] {
    const e = entry(id)
    return (e.status?.files ?? [])
      .filter((f) => f.state !== 'unchanged' || textOf(id, f.path) !== (e.bases[f.path] ?? textOf(id, f.path)))
      .map((file) => ({ file, summary: lineDiffSummary(e.bases[file.path] ?? '', textOf(id, file.path)) }))
  }

  /** Why a push cannot start now (null: it can). */
  function pushBlocker(id: string, connected: boolean): PushBlocker | null {
    const e = entry(id)
    return pushBlockerOf({ pulled: !!e.status?.pulledAt, busy: !!e.busy, unsaved: dirtyPaths(id).length, conflicts: conflictPaths(id).length, connected })
  }

  async function op<T>(id: string, name: ConfigsBusy, run: () => Promise<T>): Promise<T | null> {
    subscribe()
    patch(id, { busy: name, error: null, progress: null })
    try {
      const v = await run()
      patch(id, { busy: null })
      return v
    } catch (e) {
      patch(id, { busy: null, error: { op: name, error: asApiError(e) } })
      return null
    }
  }

  /** Reads the local workspace (no connection needed): status, catalogues, every file's text, then lints. */
  async function readWorkspace(id: string): Promise<void> {
    const status = await call(window.api.config.status({ id }))
    patch(id, { status })
    if (!status.pulledAt) return
    const [catalogues, contents] = await Promise.all([
      call(window.api.config.catalogues({ id })).catch(() => null),
      Promise.all(status.files.map((f) => call(window.api.config.read({ id, path: f.path })))),
    ])
    const texts: Record<string, string> = {}
    const bases: Record<string, string> = {}
    const remotes: Record<string, string | null> = { ...entry(id).remotes }
    for (const c of contents) {
      texts[c.file.path] = c.text
      bases[c.file.path] = c.base
      if (c.remote !== undefined) remotes[c.file.path] = c.remote
    }
    const e = entry(id)
    // Unsaved buffers survive a reload only where they still differ from the file.
    const buffers = Object.fromEntries(Object.entries(e.buffers).filter(([p, t]) => p in texts && texts[p] !== t))
    const selected = e.selected && e.selected in texts ? e.selected : (status.files.find((f) => /\/main\.cf$/.test(f.path)) ?? status.files[0])?.path ?? null
    patch(id, { catalogues, texts, bases, remotes, buffers, selected })
    void lint(id)
  }

  const load = (id: string) => op(id, 'load', () => readWorkspace(id))

  async function pull(id: string): Promise<boolean> {
    const ok = await op(id, 'pull', async () => {
      await call(window.api.config.pull({ id }))
      patch(id, { compare: null, push: null, remotes: {}, restoredFrom: null })
      await readWorkspace(id)
      return true
    })
    return ok === true
  }

  function select(id: string, path: string): void {
    patch(id, { selected: path })
  }

  /** The editor's text changed: kept as the unsaved buffer (dropped when it equals the saved text again). */
  function edit(id: string, path: string, text: string): void {
    const e = entry(id)
    const { [path]: _old, ...rest } = e.buffers
    patch(id, { buffers: text === e.texts[path] ? rest : { ...rest, [path]: text } })
  }

  function discard(id: string, path: string): void {
    const { [path]: _old, ...rest } = entry(id).buffers
    patch(id, { buffers: rest })
    void lint(id)
  }

  async function refreshStatus(id: string): Promise<void> {
    patch(id, { status: await call(window.api.config.status({ id })) })
  }

  async function save(id: string, path: string): Promise<boolean> {
    const text = textOf(id, path)
    const ok = await op(id, 'save', async () => {
      await call(window.api.config.save({ id, path, text }))
      // Saved as the service keeps it (secrets become placeholders): read it back.
      const c = await call(window.api.config.read({ id, path }))
      const e = entry(id)
      const { [path]: _saved, ...buffers } = e.buffers
      patch(id, { texts: { ...e.texts, [path]: c.text }, bases: { ...e.bases, [path]: c.base }, buffers })
      await refreshStatus(id)
      return true
    })
    void lint(id)
    return ok === true
  }

  async function saveAll(id: string): Promise<boolean> {
    for (const p of dirtyPaths(id)) if (!(await save(id, p))) return false
    return true
  }

  async function revert(id: string, path: string): Promise<boolean> {
    const ok = await op(id, 'revert', async () => {
      await call(window.api.config.revert({ id, path }))
      const c = await call(window.api.config.read({ id, path }))
      const e = entry(id)
      const { [path]: _dropped, ...buffers } = e.buffers
      patch(id, { texts: { ...e.texts, [path]: c.text }, buffers })
      await refreshStatus(id)
      return true
    })
    void lint(id)
    return ok === true
  }

  /** Reads the server's files and merges them three-way into the local ones (conflicts marked in the files). */
  async function compare(id: string): Promise<CompareResult | null> {
    return op(id, 'compare', async () => {
      const result = await call(window.api.config.compare({ id }))
      patch(id, { compare: result })
      await readWorkspace(id)
      return result
    })
  }

  /** Stage + validate (validateOnly), or the full push with install, reload, verify and automatic restore. */
  async function push(id: string, validateOnly: boolean, message?: string): Promise<PushResult | null> {
    patch(id, { push: null })
    return op(id, validateOnly ? 'validate' : 'push', async () => {
      // After a restore from the history, the push is that snapshot's rollback.
      const kind = entry(id).restoredFrom ? 'rollback' : 'push'
      const result = await call(window.api.config.push({ id, validateOnly, kind, ...(message ? { message } : {}) }))
      patch(id, { push: result })
      if (!validateOnly && result.ok) {
        patch(id, { restoredFrom: null, compare: null, remotes: {} })
        await readWorkspace(id)
        await loadHistoryQuietly(id)
      }
      return result
    })
  }

  async function loadHistoryQuietly(id: string): Promise<void> {
    try {
      patch(id, { history: await call(window.api.config.history({ id })) })
    } catch {
      // the history panel shows its own error when opened
    }
  }
  const loadHistory = (id: string) => op(id, 'history', async () => patch(id, { history: await call(window.api.config.history({ id })) }))

  /** A file as it was in a snapshot (null: not part of it); throws ApiError. */
  const snapshotFile = async (id: string, snapshot: string, path: string): Promise<string | null> => (await call(window.api.config.snapshotFile({ id, snapshot, path }))).text

  /** Sets the local files to a snapshot (nothing changes on the server until the user pushes). */
  async function restore(id: string, snapshot: string): Promise<boolean> {
    const ok = await op(id, 'restore', async () => {
      await call(window.api.config.restore({ id, snapshot }))
      patch(id, { buffers: {}, restoredFrom: snapshot, push: null })
      await readWorkspace(id)
      return true
    })
    return ok === true
  }

  function lintFiles(id: string, override?: { path: string; text: string }): LintFile[] {
    return (entry(id).status?.files ?? []).map((f) => ({
      path: f.path,
      kind: f.kind,
      ...(f.mapType ? { mapType: f.mapType } : {}),
      text: override && override.path === f.path ? override.text : textOf(id, f.path),
    }))
  }

  /**
   * Lints the whole workspace in the worker (the editor's current text in place of its file when given),
   * keeps the findings for every file and returns them; null when a newer lint superseded this one.
   */
  async function lint(id: string, override?: { path: string; text: string }): Promise<Finding[] | null> {
    if (!entry(id).status?.pulledAt) return []
    linter ??= new WorkspaceLinter()
    const cat = entry(id).catalogues
    const key = `${id}:${cat?.source ?? ''}:${cat?.postfixVersion ?? ''}:${cat?.dovecotVersion ?? ''}`
    if (linterCatalogues !== key) {
      // Plain objects for the worker (a reactive proxy cannot be cloned into it).
      linter.setCatalogues(lintCataloguesOf(cat ? toRaw(cat) : null))
      linterCatalogues = key
    }
    const reply = await linter.lint(lintFiles(id, override))
    if (!reply) return null
    const findings = withServerFindings(id, reply.findings, override)
    patch(id, { lintFindings: reply.findings, findings, lintMs: reply.ms })
    return findings
  }

  /**
   * The server's findings belong to the saved text of their file: they are shown while the file (or the
   * editor's text for it) is that text, and come back after the next save re-checks it.
   */
  function withServerFindings(id: string, lintFindings: Finding[], override?: { path: string; text: string }): Finding[] {
    const e = entry(id)
    const current = (path: string) => (override && override.path === path ? override.text : textOf(id, path))
    const server = e.serverFindings.filter((f) => current(f.file) === e.texts[f.file])
    return server.length ? sortFindings([...lintFindings, ...server]) : lintFindings
  }

  /**
   * Connected: asks the server about what only it can tell (the cert/key/CA files the saved files name);
   * offline (connected false) the server findings are dropped. Returns whether the findings changed.
   */
  let serverCheckSeq = 0
  async function serverChecks(id: string, connected: boolean): Promise<boolean> {
    const seq = ++serverCheckSeq
    let server: Finding[] = []
    if (connected && entry(id).status?.pulledAt) {
      try {
        server = await call(window.api.config.serverChecks({ id }))
      } catch {
        // The link dropped meanwhile, or the server could not answer: no server findings (as offline).
        server = []
      }
    }
    if (seq !== serverCheckSeq) return false
    const before = entry(id).serverFindings
    if (JSON.stringify(before) === JSON.stringify(server)) return false
    patch(id, { serverFindings: server })
    patch(id, { findings: withServerFindings(id, entry(id).lintFindings) })
    return true
  }

  function clearResult(id: string): void {
    patch(id, { push: null })
  }
  function clearError(id: string): void {
    patch(id, { error: null })
  }

  return {
    byServer, entry, textOf, isDirty, dirtyPaths, fileOf, conflictPaths, changedFiles, pushBlocker,
    load, pull, select, edit, discard, save, saveAll, revert, compare, push, loadHistory, snapshotFile, restore, lint, serverChecks, clearResult, clearError,
  }
})
