import { rm, stat } from 'node:fs/promises'
import type { ConfigFile, ConfigFileKind } from '../../../../shared/config/config-set'
import type { Finding } from '../../../../shared/config/finding'
import { lintConfigSet, type ConfigLintResult } from '../../../../shared/config/lint-config-set'
import { collectTlsFileReferences, parseTlsCheckOutput, TLS_CHECK_SCRIPT, tlsFileFindings, tlsPathsToCheck } from '../../../../shared/config/tls-file-references'
import type {
  CompareResult,
  ConfigProgress,
  MergeFile,
  PushResult,
  Snapshot,
  SnapshotKind,
  WorkspaceCatalogues,
  WorkspaceFile,
  WorkspaceFileContent,
  WorkspaceStatus,
} from '../../../../shared/domain/config-workspace'
import { AppError } from '../../../../shared/errors'
import type { SecretStore } from '../../secrets/secret-store'
import { Mutex } from '../../storage/mutex'
import type { ActivityJournal, ConnectionManager, ConfigWorkspaceService, EmitEvent, FactsService } from '../../types'
import type { ConfigInstallerApi, InstallFile } from '../push/install-types'
import { discoverServerConfigs, type DiscoveryResult, type ServerCapture } from './remote-discovery'
import { maskSecrets, placeholderNames, scrubValues, unmaskSecrets } from './secret-masking'
import { lintCatalogs, workspaceCatalogues } from './server-catalogues'
import { sha256, SnapshotStore, type FileState, type SnapshotRecord, type WorkspaceState } from './snapshot-store'
import { hasConflictMarkers, mergeThreeWay } from './three-way-merge'

export interface ConfigWorkspaceDeps {
  dataDir: string
  connections: ConnectionManager
  secrets: SecretStore
  journal: ActivityJournal
  emit: EmitEvent
  /** "user@host" of the desktop, for the audit trail. */
  actor: string
  /** Stages, validates, installs, reloads, verifies, restores on the server (config/push). */
  installer?: ConfigInstallerApi
  /** Where PostfixAdmin lives (its config.local.php is part of the workspace). */
  facts?: FactsService
  /** The Apache file holding PostfixAdmin's allowlist block (the firewall area's setting), if any. */
  apacheConfOf?: (serverId: string) => Promise<string | null>
  /** "user@host" of the SSH login, for snapshots' author. */
  loginOf?: (serverId: string) => Promise<string>
}

export interface PushOptions {
  message?: string
  validateOnly?: boolean
  /** rollback: the push of a restored snapshot (recorded as such). */
  kind?: Exclude<SnapshotKind, 'pull'>
  signal?: AbortSignal
}

const CONFIG_SECRET_KIND = 'password' as const
/** Errors after which the install may have gone on on the server (the outcome is asked for on the next connection). */
const LINK_ERRORS = new Set(['disconnected', 'timeout', 'not-connected', 'unreachable', 'cancelled'])

/**
 * The configs workspace: the server's Postfix/Dovecot/Apache/PostfixAdmin files pulled to the
 * desktop (secrets masked), edited and linted offline, three-way merged with what changed on the
 * server, and pushed through the installer. Every pull, push and rollback is a snapshot.
 */
export class ConfigWorkspace implements ConfigWorkspaceService {
  private readonly stores = new Map<string, SnapshotStore>()
  private readonly mutexes = new Map<string, Mutex>()
  /** sha256 of the server's real bytes per file, as read by the last pull/compare in this session (never on disk: they would allow guessing a masked password). */
  private readonly remoteRaw = new Map<string, Map<string, string>>()

  constructor(readonly deps: ConfigWorkspaceDeps) {}

  private store(id: string): SnapshotStore {
    let s = this.stores.get(id)
    if (!s) this.stores.set(id, (s = new SnapshotStore(this.deps.dataDir, id)))
    return s
  }

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    let m = this.mutexes.get(id)
    if (!m) this.mutexes.set(id, (m = new Mutex()))
    return m.run(fn)
  }

  private progress(server: string, operation: ConfigProgress['operation'], step: string, message: string, fraction?: number): void {
    this.deps.emit('config.progress', { server, operation, step, message, ...(fraction !== undefined ? { fraction } : {}) })
  }

  // ---- offline ----------------------------------------------------------------------------------

  async status(id: string): Promise<WorkspaceStatus> {
    return this.toStatus(id, await this.store(id).readState())
  }

  async read(id: string, path: string): Promise<WorkspaceFileContent> {
    const st = await this.needState(id)
    const f = this.needFile(st, path)
    const s = this.store(id)
    return {
      file: toFile(path, f),
      text: await s.getText(f.local),
      base: f.base ? await s.getText(f.base) : '',
      ...(f.remote !== undefined ? { remote: f.remote === null ? null : await s.getText(f.remote) } : {}),
    }
  }

  save(id: string, path: string, text: string): Promise<WorkspaceFile> {
    return this.locked(id, async () => {
      const st = await this.needState(id)
      const f = this.needFile(st, path)
      const m = maskSecrets(path, f.meta.kind, text, { passwordMap: f.meta.passwordMap === true })
      // A real value typed where a placeholder was: it goes to the secret store, the file keeps the placeholder.
      const changedSecrets = await this.saveLocalSecrets(id, m.secrets)
      const local = await this.store(id).putText(m.text)
      const next: FileState = {
        ...f,
        local,
        conflict: hasConflictMarkers(m.text),
        size: Buffer.byteLength(m.text),
        hasSecrets: m.names.length > 0,
        ...(changedSecrets.length ? { localSecrets: [...new Set([...(f.localSecrets ?? []), ...changedSecrets])] } : {}),
      }
      st.files[path] = next
      await this.store(id).writeState(st)
      return toFile(path, next)
    })
  }

  revert(id: string, path: string): Promise<WorkspaceFile> {
    return this.locked(id, async () => {
      const st = await this.needState(id)
      const f = this.needFile(st, path)
      if (!f.base) throw new AppError('conflict', `${path} is not on the server; there is no pulled version to go back to.`)
      const text = await this.store(id).getText(f.base)
      // Secrets typed since the base go back to the server's values.
      for (const name of f.localSecrets ?? []) {
        const base = await this.deps.secrets.get(baseSlot(id, name), CONFIG_SECRET_KIND)
        if (base !== undefined) await this.deps.secrets.set(secretSlot(id, name), CONFIG_SECRET_KIND, base)
        await this.deps.secrets.delete(baseSlot(id, name), CONFIG_SECRET_KIND)
      }
      const { localSecrets: _l, ...rest } = f
      const next: FileState = { ...rest, local: f.base, conflict: false, size: Buffer.byteLength(text), hasSecrets: placeholderNames(text).length > 0 }
      st.files[path] = next
      await this.store(id).writeState(st)
      return toFile(path, next)
    })
  }

  async catalogues(id: string): Promise<WorkspaceCatalogues> {
    return workspaceCatalogues(await this.capture(id))
  }

  async history(id: string): Promise<Snapshot[]> {
    return (await this.store(id).listSnapshots()).map(({ files: _f, catalogues: _c, ...s }) => s)
  }

  async snapshotFile(id: string, snapshot: string, path: string): Promise<string | null> {
    const rec = await this.store(id).getSnapshot(snapshot)
    const f = rec.files[path]
    return f ? this.store(id).getText(f.object) : null
  }

  restore(id: string, snapshot: string): Promise<WorkspaceStatus> {
    return this.locked(id, async () => {
      const st = await this.needState(id)
      const rec = await this.store(id).getSnapshot(snapshot)
      for (const [path, sf] of Object.entries(rec.files)) {
        const text = await this.store(id).getText(sf.object)
        const cur = st.files[path]
        st.files[path] = {
          ...(cur ?? { meta: sf.meta, base: null }),
          local: sf.object,
          conflict: hasConflictMarkers(text),
          size: Buffer.byteLength(text),
          hasSecrets: placeholderNames(text).length > 0,
        } as FileState
      }
      await this.store(id).writeState(st)
      return this.toStatus(id, st)
    })
  }

  /**
   * The server profile is being removed: its workspace (DATA/configs/SERVER/: files, snapshots, catalogues)
   * and its config secrets (`SERVER/config/…`, `SERVER/config-base/…`) go with it. Returns what was removed.
   */
  forget(id: string): Promise<{ workspace: boolean; secrets: number }> {
    return this.locked(id, async () => {
      const dir = this.store(id).dir
      const workspace = await stat(dir).then(
        () => true,
        () => false,
      )
      await rm(dir, { recursive: true, force: true })
      this.stores.delete(id)
      this.remoteRaw.delete(id)
      const secrets = (await this.deps.secrets.delete(`${id}/config`)) + (await this.deps.secrets.delete(`${id}/config-base`))
      return { workspace, secrets }
    })
  }

  /** Lints the local files as one set (offline), with the server's catalogues when pulled. */
  async lint(id: string): Promise<ConfigLintResult> {
    const st = await this.needState(id)
    return lintConfigSet(await this.configSet(id, st))
  }

  // ---- online -----------------------------------------------------------------------------------

  /**
   * What only the server can tell about the saved local files: the cert/key/CA files they name exist and
   * root can read them. One round trip (one `sh -c` as root, the paths as its arguments).
   */
  async serverChecks(id: string, opts: { signal?: AbortSignal } = {}): Promise<Finding[]> {
    const st = await this.needState(id)
    const files = await Promise.all(Object.entries(st.files).map(async ([path, f]) => ({ path, kind: f.meta.kind, text: await this.store(id).getText(f.local) })))
    const refs = collectTlsFileReferences(files)
    const paths = tlsPathsToCheck(refs)
    if (!paths.length) return []
    const r = await this.deps.connections.execBytes(id, ['sh', '-c', TLS_CHECK_SCRIPT, 'sh', ...paths], { asRoot: true, timeoutMs: 30_000, ...(opts.signal ? { signal: opts.signal } : {}) })
    const states = parseTlsCheckOutput(paths, r.stdout.toString('utf8'))
    if (r.code !== 0 || states.size !== paths.length) {
      throw new AppError('remote-failed', `The server could not check the certificate/key files (exit ${r.code ?? r.signal ?? '?'}): ${r.stderr.toString('utf8').trim().slice(0, 300) || 'no output'}`)
    }
    return tlsFileFindings(files, refs, states)
  }

  pull(id: string, opts: { signal?: AbortSignal } = {}): Promise<WorkspaceStatus> {
    return this.locked(id, async () => {
      const started = Date.now()
      this.progress(id, 'pull', 'discover', 'Reading the config files on the server…', 0)
      const disc = await this.discover(id, 'pull', opts.signal)
      const s = this.store(id)
      const prev = await s.readState()
      const author = await this.author(id, disc.capture)
      this.progress(id, 'pull', 'store', `Storing ${disc.files.length} files…`, 0.8)
      const { masked, secrets } = this.maskAll(disc)
      await this.takeServerSecrets(id, secrets, prev)
      const capture = scrubCapture(disc.capture, secrets)
      const catalogues = await s.putText(JSON.stringify(capture))
      const files: Record<string, FileState> = {}
      const snapFiles: SnapshotRecord['files'] = {}
      for (const [path, r] of masked) {
        const remote = await s.putText(r.text)
        snapFiles[path] = { object: remote, meta: r.meta }
        const old = prev?.files[path]
        let local = remote
        let conflict = false
        let text = r.text
        if (old && old.local !== old.base) {
          // Local edits survive a pull: merged with what the server has now.
          if (old.conflict) {
            local = old.local
            conflict = true
            text = await s.getText(old.local)
          } else {
            const m = mergeThreeWay(old.base ? await s.getText(old.base) : '', await s.getText(old.local), r.text)
            text = m.text
            local = await s.putText(m.text)
            conflict = m.conflicts > 0
          }
        }
        files[path] = { meta: r.meta, base: remote, local, conflict, size: Buffer.byteLength(text), hasSecrets: placeholderNames(text).length > 0 }
      }
      // A locally edited file that is gone from the server stays (pushing it creates it again).
      for (const [path, old] of Object.entries(prev?.files ?? {})) if (!files[path] && old.local !== old.base) files[path] = { ...old, base: null, remote: null }
      const rec = await this.snapshot(id, 'pull', author, `Pulled from the server (${disc.files.length} files)`, snapFiles, catalogues)
      const st: WorkspaceState = {
        version: 1,
        server: id,
        pulledAt: rec.time,
        baseSnapshot: rec.id,
        catalogues,
        ...(capture.mailVersion ? { postfixVersion: capture.mailVersion } : {}),
        ...(capture.dovecotVersion ? { dovecotVersion: capture.dovecotVersion } : {}),
        files,
        newOnServer: [],
        ...(prev?.pushInFlight ? { pushInFlight: prev.pushInFlight } : {}),
        ...(prev?.lastPush ? { lastPush: prev.lastPush } : {}),
      }
      await s.writeState(st)
      this.remoteRaw.set(id, new Map(disc.files.map((f) => [f.path, sha256(f.content)])))
      await this.deps.journal.record({ server: id, area: 'configs', action: 'pull', target: `${disc.files.length} files by ${author}`, result: 'ok' })
      this.progress(id, 'pull', 'done', `Pulled ${disc.files.length} files in ${Date.now() - started} ms.`, 1)
      return this.toStatus(id, st)
    })
  }

  compare(id: string): Promise<CompareResult> {
    return this.locked(id, () => this.compareLocked(id, 'compare'))
  }

  push(id: string, opts: PushOptions = {}): Promise<PushResult> {
    return this.locked(id, () => this.pushLocked(id, opts))
  }

  /**
   * After a reconnect: if a push was running when the link dropped, ask the server how it ended
   * (old or new files), record it in the status and the journal, and adopt the new base if it completed.
   */
  checkLastPush(id: string, opts: { force?: boolean } = {}): Promise<WorkspaceStatus['lastPush'] | null> {
    return this.locked(id, async () => {
      const installer = this.deps.installer
      const st = await this.store(id).readState()
      if (!installer || !st || (!st.pushInFlight && !opts.force)) return st?.lastPush ?? null
      const r = await installer.lastPush(id)
      if (!r) return st.lastPush ?? null
      st.lastPush = { ...r, checkedAt: new Date().toISOString() }
      const inflight = st.pushInFlight
      if (inflight && r.state !== 'running') {
        delete st.pushInFlight
        const author = await this.author(id)
        if (r.state === 'new') {
          for (const p of inflight.paths) {
            const f = st.files[p]
            if (f) st.files[p] = { ...f, base: f.local, remote: f.local }
          }
          const rec = await this.snapshot(id, inflight.kind, author, inflight.message || `${inflight.kind} (completed while disconnected)`, await this.localSnapshotFiles(id, st), st.catalogues)
          st.baseSnapshot = rec.id
        }
        await this.deps.journal.record({
          server: id,
          area: 'configs',
          action: inflight.kind,
          target: `${inflight.paths.join(', ')} by ${author}: the link dropped during the push; the server ended with the ${r.state} files`.slice(0, 1000),
          result: r.state === 'new' ? 'ok' : 'failed',
          ...(r.state === 'old' ? { error: r.reason ?? 'interrupted; the server kept the old files' } : {}),
        })
      }
      await this.store(id).writeState(st)
      return st.lastPush
    })
  }

  // ---- internals --------------------------------------------------------------------------------

  private async compareLocked(id: string, operation: 'compare' | 'push' | 'rollback'): Promise<CompareResult> {
    const st = await this.needState(id)
    this.progress(id, operation, 'compare', "Reading the server's files to compare…", 0.05)
    const disc = await this.discover(id, operation)
    const s = this.store(id)
    const { masked, secrets } = this.maskAll(disc)
    const out: MergeFile[] = []
    const newOnServer: string[] = []
    // Secrets: a value the server changed is taken, unless the user typed that secret locally: then it
    // is a conflict when the server changed it too (its base differs), else the local value stays.
    const secretConflicts = new Set<string>()
    for (const [name, value] of secrets) {
      const owner = Object.entries(st.files).find(([, f]) => f.localSecrets?.includes(name))
      if (!owner) continue
      const base = await this.deps.secrets.get(baseSlot(id, name), CONFIG_SECRET_KIND)
      if (base !== undefined && base !== value) secretConflicts.add(owner[0])
    }
    await this.takeServerSecrets(id, secrets, st)
    for (const [path, r] of masked) {
      const f = st.files[path]
      if (!f) {
        newOnServer.push(path)
        continue
      }
      const remote = await s.putText(r.text)
      const localChanged = f.local !== f.base
      let remoteChange: MergeFile['remoteChange'] = 'none'
      let conflicts = 0
      let next: FileState = { ...f, meta: { ...f.meta, ...pick(r.meta) }, remote }
      if (remote !== f.base) {
        if (f.conflict) {
          remoteChange = 'conflict'
          conflicts = countConflicts(await s.getText(f.local))
          next = { ...next, base: remote }
        } else {
          const m = mergeThreeWay(f.base ? await s.getText(f.base) : '', await s.getText(f.local), r.text)
          conflicts = m.conflicts
          remoteChange = m.conflicts ? 'conflict' : 'clean'
          const local = await s.putText(m.text)
          next = { ...next, base: remote, local, conflict: m.conflicts > 0, size: Buffer.byteLength(m.text), hasSecrets: placeholderNames(m.text).length > 0 }
        }
      }
      if (secretConflicts.has(path)) {
        remoteChange = 'conflict'
        conflicts = Math.max(conflicts, 1)
        next = { ...next, conflict: true }
      }
      st.files[path] = next
      out.push({ path, remoteChange, localChanged, conflicts })
    }
    for (const [path, f] of Object.entries(st.files)) {
      if (masked.has(path)) continue
      st.files[path] = { ...f, remote: null }
      out.push({ path, remoteChange: 'deleted', localChanged: f.local !== f.base, conflicts: 0 })
    }
    st.newOnServer = newOnServer
    st.lastCompareAt = new Date().toISOString()
    await s.writeState(st)
    this.remoteRaw.set(id, new Map(disc.files.map((f) => [f.path, sha256(f.content)])))
    return { server: id, checkedAt: st.lastCompareAt, files: out.sort((a, b) => (a.path < b.path ? -1 : 1)), newOnServer }
  }

  private async pushLocked(id: string, opts: PushOptions): Promise<PushResult> {
    const kind = opts.kind ?? 'push'
    const validateOnly = opts.validateOnly === true
    const installer = this.deps.installer
    if (!installer) throw new AppError('unsupported', 'Pushing configs is not available in this build (no installer).')
    const fail = (step: PushResult['step'], reason: string, extra: Partial<PushResult> = {}): PushResult => ({
      server: id,
      ok: false,
      validateOnly,
      step,
      verdicts: [],
      installed: [],
      reloaded: [],
      restored: false,
      reason,
      snapshot: null,
      ...extra,
    })
    let st = await this.needState(id)
    const conflicted = Object.entries(st.files).filter(([, f]) => f.conflict).map(([p]) => p)
    if (conflicted.length) return fail('compare', `${conflicted.length} file(s) still have conflicts (${conflicted.join(', ')}): resolve them in the editor (keep the lines you want and remove the <<<<<<< ======= >>>>>>> markers), save, then push again. Nothing was sent.`)
    const missing = await this.missingSecrets(id, st)
    if (missing.length) return fail('compare', `Unknown secret placeholder(s) ${missing.map((n) => `{{postdesk-secret:${n}}}`).join(', ')}: type the real value in its place and save, or revert the file. Nothing was sent.`)

    const cmp = await this.compareLocked(id, kind)
    st = await this.needState(id)
    const nowConflicted = cmp.files.filter((f) => st.files[f.path]?.conflict)
    if (nowConflicted.length) {
      return fail('compare', `The server changed ${nowConflicted.map((f) => f.path).join(', ')} since the pull and the changes conflict with your edits: they are marked in the file(s); resolve them in the editor, then push again. Nothing was sent.`)
    }
    const changed = Object.entries(st.files).filter(([, f]) => (f.remote === null || f.remote === undefined ? f.local !== f.base : f.local !== f.remote))
    if (changed.length === 0) return { server: id, ok: true, validateOnly, step: 'done', verdicts: [], installed: [], reloaded: [], restored: false, reason: null, snapshot: null }

    this.progress(id, kind, 'validate', 'Checking the local files (postdesk lint)…', 0.2)
    const lint = lintConfigSet(await this.configSet(id, st))
    const errors = lint.findings.filter((f) => f.severity === 'error')
    const lintVerdict = {
      tool: 'postdesk lint',
      command: 'postdesk config lint',
      ok: errors.length === 0,
      exitCode: errors.length ? 1 : 0,
      output: errors.map((f) => `${f.file}:${f.line}:${f.column}: error: ${f.message} [${f.code}]`).join('\n').slice(0, 8000),
    }
    if (errors.length && !validateOnly) return fail('validate', `The local check found ${errors.length} error(s); fix them (or run a validate-only push to see the server's verdict). Nothing was sent.`, { verdicts: [lintVerdict] })

    const raw = this.remoteRaw.get(id) ?? new Map<string, string>()
    const values = await this.secretValues(id, st)
    const files: InstallFile[] = []
    for (const [path, f] of changed) {
      const un = unmaskSecrets(await this.store(id).getText(f.local), values)
      if (un.missing.length) return fail('compare', `Unknown secret placeholder(s) in ${path}: ${un.missing.join(', ')}. Nothing was sent.`)
      files.push({
        path,
        content: Buffer.from(un.text, 'utf8'),
        owner: f.meta.owner,
        kind: f.meta.kind,
        ...(f.meta.mapType ? { mapType: f.meta.mapType } : {}),
        expectedSha256: f.remote === null ? null : (raw.get(path) ?? null),
        // A file the server no longer has is created with the owner, group and mode it had at the pull
        // (an existing file keeps its own).
        ...pick(f.meta),
      })
    }
    const paths = files.map((f) => f.path)
    const author = await this.author(id)
    const message = opts.message ?? ''
    if (!validateOnly) {
      st.pushInFlight = { startedAt: new Date().toISOString(), kind, paths, message }
      await this.store(id).writeState(st)
    }
    let outcome: Awaited<ReturnType<ConfigInstallerApi['install']>>
    try {
      outcome = await installer.install(id, {
        files,
        validateOnly,
        onProgress: (step, msg) => this.progress(id, kind, step, msg),
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    } catch (e) {
      // The link may have dropped mid-install: pushInFlight stays, the next connection asks the server how it ended.
      // Any other failure happened before anything ran on the server.
      if (!validateOnly && !LINK_ERRORS.has((e as { code?: string }).code ?? '')) {
        const now = await this.needState(id)
        delete now.pushInFlight
        await this.store(id).writeState(now)
      }
      if (!validateOnly) await this.deps.journal.record({ server: id, area: 'configs', action: kind, target: `${paths.join(', ')} by ${author}`.slice(0, 1000), result: 'failed', error: (e as Error).message.slice(0, 500) })
      throw e
    }
    const verdicts = [lintVerdict, ...outcome.verdicts]
    if (validateOnly) return { ...outcome, verdicts, server: id, snapshot: null }
    st = await this.needState(id)
    delete st.pushInFlight
    if (!outcome.ok) {
      await this.store(id).writeState(st)
      await this.deps.journal.record({ server: id, area: 'configs', action: kind, target: `${paths.join(', ')} by ${author}`.slice(0, 1000), result: 'failed', error: (outcome.reason ?? `stopped at ${outcome.step}`).slice(0, 500) })
      this.progress(id, kind, outcome.step, outcome.reason ?? 'The push failed.', 1)
      return { ...outcome, verdicts, server: id, snapshot: null }
    }
    for (const p of paths) {
      const f = st.files[p]
      if (!f) continue
      for (const name of f.localSecrets ?? []) await this.deps.secrets.delete(baseSlot(id, name), CONFIG_SECRET_KIND)
      const { localSecrets: _l, ...rest } = f
      st.files[p] = { ...rest, base: f.local, remote: f.local }
    }
    const rec = await this.snapshot(id, kind, author, message || (kind === 'rollback' ? 'Rollback' : 'Push'), await this.localSnapshotFiles(id, st), st.catalogues, paths)
    st.baseSnapshot = rec.id
    await this.store(id).writeState(st)
    // The server now has these bytes: the next push expects them.
    const rawNow = this.remoteRaw.get(id) ?? new Map<string, string>()
    for (const f of files) rawNow.set(f.path, sha256(f.content))
    this.remoteRaw.set(id, rawNow)
    await this.deps.journal.record({ server: id, area: 'configs', action: kind, target: `${paths.join(', ')} by ${author} (snapshot ${rec.id})`.slice(0, 1000), result: 'ok' })
    this.progress(id, kind, 'done', `Installed ${paths.length} file(s).`, 1)
    return { ...outcome, verdicts, server: id, snapshot: rec.id }
  }

  private async discover(id: string, operation: ConfigProgress['operation'], signal?: AbortSignal): Promise<DiscoveryResult> {
    const c = this.deps.connections
    return discoverServerConfigs((argv, o) => c.execBytes(id, argv, { ...o, asRoot: true }), {
      ...(signal ? { signal } : {}),
      ...(this.deps.apacheConfOf ? { apacheConf: () => (this.deps.apacheConfOf as (id: string) => Promise<string | null>)(id) } : {}),
      postfixadminConfig: async () => {
        const pfa = (await this.deps.facts?.get(id))?.postfixadmin
        if (!pfa) return null
        return pfa.configPath && /config\.local\.php$/.test(pfa.configPath) ? pfa.configPath : `${pfa.path.replace(/\/+$/, '')}/config.local.php`
      },
      onRound: (round, files) => this.progress(id, operation, 'discover', `Round ${round}: ${files} files read…`, Math.min(0.7, 0.2 * round)),
    })
  }

  /** Masks every file's secrets; returns the masked texts and the values found. */
  private maskAll(disc: DiscoveryResult): { masked: Map<string, { text: string; meta: FileState['meta'] }>; secrets: Map<string, string> } {
    const masked = new Map<string, { text: string; meta: FileState['meta'] }>()
    const secrets = new Map<string, string>()
    for (const f of disc.files) {
      const m = maskSecrets(f.path, f.meta.kind, f.content.toString('utf8'), { passwordMap: f.meta.passwordMap === true })
      for (const [k, v] of m.secrets) secrets.set(k, v)
      masked.set(f.path, { text: m.text, meta: f.meta })
    }
    return { masked, secrets }
  }

  /**
   * The server's values (pull, compare): they become the values to push, except for secrets the user
   * typed locally since the base, whose server value is only remembered as their base.
   */
  private async takeServerSecrets(id: string, secrets: ReadonlyMap<string, string>, st: WorkspaceState | null): Promise<void> {
    const typed = new Set(Object.values(st?.files ?? {}).flatMap((f) => f.localSecrets ?? []))
    for (const [name, value] of secrets) {
      if (typed.has(name)) {
        await this.setIfChanged(baseSlot(id, name), value)
        continue
      }
      await this.setIfChanged(secretSlot(id, name), value)
      await this.deps.secrets.delete(baseSlot(id, name), CONFIG_SECRET_KIND)
    }
  }

  /** Values typed in the editor: stored, the previous (server's) value kept as their base for a revert. */
  private async saveLocalSecrets(id: string, secrets: ReadonlyMap<string, string>): Promise<string[]> {
    const changed: string[] = []
    for (const [name, value] of secrets) {
      const current = await this.deps.secrets.get(secretSlot(id, name), CONFIG_SECRET_KIND)
      if (current === value) continue
      if (current !== undefined && (await this.deps.secrets.get(baseSlot(id, name), CONFIG_SECRET_KIND)) === undefined) await this.deps.secrets.set(baseSlot(id, name), CONFIG_SECRET_KIND, current)
      await this.deps.secrets.set(secretSlot(id, name), CONFIG_SECRET_KIND, value)
      changed.push(name)
    }
    return changed
  }

  private async setIfChanged(slot: string, value: string): Promise<void> {
    if ((await this.deps.secrets.get(slot, CONFIG_SECRET_KIND)) !== value) await this.deps.secrets.set(slot, CONFIG_SECRET_KIND, value)
  }

  private async secretValues(id: string, st: WorkspaceState): Promise<Map<string, string>> {
    const values = new Map<string, string>()
    for (const f of Object.values(st.files)) {
      if (!f.hasSecrets) continue
      for (const name of placeholderNames(await this.store(id).getText(f.local))) {
        if (values.has(name)) continue
        const v = await this.deps.secrets.get(secretSlot(id, name), CONFIG_SECRET_KIND)
        if (v !== undefined) values.set(name, v)
      }
    }
    return values
  }

  private async missingSecrets(id: string, st: WorkspaceState): Promise<string[]> {
    const values = await this.secretValues(id, st)
    const missing = new Set<string>()
    for (const f of Object.values(st.files)) {
      if (!f.hasSecrets) continue
      for (const name of placeholderNames(await this.store(id).getText(f.local))) if (!values.has(name)) missing.add(name)
    }
    return [...missing]
  }

  private async configSet(id: string, st: WorkspaceState) {
    const files: ConfigFile[] = []
    for (const [path, f] of Object.entries(st.files)) {
      if (f.meta.kind === 'apache') continue
      files.push({ path, text: await this.store(id).getText(f.local), kind: f.meta.kind as ConfigFileKind, ...(f.meta.mapType ? { mapType: f.meta.mapType } : {}) })
    }
    const capture = st.catalogues ? await this.capture(id, st) : null
    return {
      files,
      complete: true,
      ...(st.postfixVersion ? { postfixVersion: st.postfixVersion } : {}),
      ...(st.dovecotVersion ? { dovecotVersion: st.dovecotVersion } : {}),
      ...lintCatalogs(capture),
    }
  }

  private async capture(id: string, st?: WorkspaceState | null): Promise<ServerCapture | null> {
    const state = st === undefined ? await this.store(id).readState() : st
    if (!state?.catalogues) return null
    return JSON.parse(await this.store(id).getText(state.catalogues)) as ServerCapture
  }

  private async localSnapshotFiles(id: string, st: WorkspaceState): Promise<SnapshotRecord['files']> {
    void id
    return Object.fromEntries(Object.entries(st.files).map(([p, f]) => [p, { object: f.local, meta: f.meta }]))
  }

  private async snapshot(id: string, kind: SnapshotKind, author: string, message: string, files: SnapshotRecord['files'], catalogues: string | null, changedHint?: string[]): Promise<SnapshotRecord> {
    const s = this.store(id)
    const prev = (await s.listSnapshots())[0]
    const changed = changedHint ?? Object.keys(files).filter((p) => prev?.files[p]?.object !== files[p]?.object)
    if (prev && !changedHint) for (const p of Object.keys(prev.files)) if (!files[p]) changed.push(p)
    const time = new Date()
    const rec: SnapshotRecord = { id: SnapshotStore.newId(kind, time), kind, time: time.toISOString(), author, message: message.slice(0, 500), changed: changed.sort(), fileCount: Object.keys(files).length, files, catalogues }
    await s.addSnapshot(rec)
    return rec
  }

  private async author(id: string, capture?: ServerCapture): Promise<string> {
    const login = await this.deps.loginOf?.(id).catch(() => undefined)
    const remote = capture?.login && login ? `${capture.login} via ${login}` : (login ?? capture?.login)
    return remote ? `${this.deps.actor} (ssh ${remote})` : this.deps.actor
  }

  private async needState(id: string): Promise<WorkspaceState> {
    const st = await this.store(id).readState()
    if (!st) throw new AppError('not-found', `No configs pulled for this server yet: pull first (postdesk config pull).`, { server: id })
    return st
  }

  private needFile(st: WorkspaceState, path: string): FileState {
    const f = st.files[path]
    if (!f) throw new AppError('not-found', `${path} is not part of this server's configs workspace.`, { path })
    return f
  }

  private toStatus(id: string, st: WorkspaceState | null): WorkspaceStatus {
    if (!st) return { server: id, pulledAt: null, baseSnapshot: null, files: [], changed: 0, conflicts: 0, catalogues: 'bundled' }
    const files = Object.entries(st.files)
      .map(([p, f]) => toFile(p, f))
      .sort((a, b) => (a.path < b.path ? -1 : 1))
    return {
      server: id,
      pulledAt: st.pulledAt,
      baseSnapshot: st.baseSnapshot,
      files,
      changed: files.filter((f) => f.state !== 'unchanged').length,
      conflicts: files.filter((f) => f.state === 'conflict').length,
      ...(st.postfixVersion ? { postfixVersion: st.postfixVersion } : {}),
      ...(st.dovecotVersion ? { dovecotVersion: st.dovecotVersion } : {}),
      catalogues: st.catalogues ? 'server' : 'bundled',
      ...(st.newOnServer.length ? { newOnServer: st.newOnServer } : {}),
      ...(st.lastCompareAt ? { comparedAt: st.lastCompareAt } : {}),
      ...(st.pushInFlight ? { pushInterrupted: true } : {}),
      ...(st.lastPush ? { lastPush: st.lastPush } : {}),
    }
  }
}

/** Config secrets live in the secret store under `SERVER/config/NAME` (removed with the server's other secrets). */
const secretSlot = (id: string, name: string) => `${id}/config/${name}`
/** The server's value of a secret the user changed locally (what a revert puts back). */
const baseSlot = (id: string, name: string) => `${id}/config-base/${name}`

function toFile(path: string, f: FileState): WorkspaceFile {
  return {
    path,
    kind: f.meta.kind,
    ...(f.meta.mapType ? { mapType: f.meta.mapType } : {}),
    owner: f.meta.owner,
    state: f.conflict ? 'conflict' : f.local !== f.base ? 'modified' : 'unchanged',
    hasSecrets: f.hasSecrets,
    size: f.size,
    ...(f.meta.mode ? { mode: f.meta.mode } : {}),
    ...(f.meta.user ? { user: f.meta.user } : {}),
    ...(f.meta.group ? { group: f.meta.group } : {}),
  }
}

const pick = (m: FileState['meta']) => ({ ...(m.mode ? { mode: m.mode } : {}), ...(m.user ? { user: m.user } : {}), ...(m.group ? { group: m.group } : {}) })

function countConflicts(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('<<<<<<< ')).length
}

function scrubCapture(c: ServerCapture, secrets: ReadonlyMap<string, string>): ServerCapture {
  if (!secrets.size) return c
  const out: ServerCapture = {}
  for (const [k, v] of Object.entries(c)) (out as Record<string, string>)[k] = typeof v === 'string' ? scrubValues(v, secrets) : v
  return out
}
