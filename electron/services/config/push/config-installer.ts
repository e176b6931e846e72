import type { PushStep, ToolVerdict } from '../../../../shared/domain/config-workspace'
import { ServerPath } from '../../../../shared/domain/config-workspace'
import type { ServiceKey } from '../../../../shared/domain/system'
import { AppError, toErrorShape } from '../../../../shared/errors'
import type { ActivityJournal, ConnectionManager, ExecResult } from '../../types'
import type { ConfigBackupRegistry } from '../../system/undo-registry'
import type { ConfigInstallerApi, InstallFile, InstallOutcome, InstallRequest, LastPushRecord } from './install-types'
import { launchScript, readPushScript, recoverScript } from './install-script'
import { newPushId, SECTION, STAGE_DIR_RE } from './push-paths'
import { parsePushRecord, toLastPush, type PushRecord } from './push-record'
import { checkSqlDriverFiles } from './sql-driver-check'
import { removeStageScript, stageScript } from './stage-script'
import { judgeStage, parseStageOutput } from './stage-verdicts'

export interface ConfigInstallerDeps {
  connections: Pick<ConnectionManager, 'execAsRoot'>
  configBackups: Pick<ConfigBackupRegistry, 'register'>
  journal?: ActivityJournal
  /** "user@host" of the desktop, written into the server's push record. */
  actor?: string
  /** How long to keep reaching the server for the outcome after the link drops (default 5 min). */
  followMs?: number
}

const STEP_WORDS: Record<PushStep, string> = {
  compare: 'Checking the server files have not changed since the compare',
  stage: 'Uploading the files into a private stage on the server',
  validate: "Checking the staged files with the server's own tools",
  backup: 'Backing up the current files',
  install: 'Installing the files',
  postmap: 'Rebuilding the changed maps',
  reload: 'Reloading the services',
  verify: 'Checking the services run and answer',
  restore: 'Something failed: putting the old files back',
  done: 'Installed',
}

/** Seconds a push may show "running" with no process before it counts as interrupted. */
const RECOVER_AFTER_SEC = 15

const serviceOf = (f: InstallFile): ServiceKey => (f.owner === 'dovecot' ? 'dovecot' : f.owner === 'apache' || f.owner === 'postfixadmin' ? 'web' : 'postfix')

/**
 * Installs config files on the server the safe way: stage in a private folder, refuse if the server
 * changed since the compare, validate with the server's own tools, then one detached transaction that
 * backs up, installs atomically, rebuilds maps, reloads, verifies, and restores everything on failure.
 */
export class ConfigInstaller implements ConfigInstallerApi {
  constructor(private readonly deps: ConfigInstallerDeps) {}

  async install(serverId: string, req: InstallRequest): Promise<InstallOutcome> {
    const files = checkFiles(req.files)
    const progress = (step: PushStep, message = STEP_WORDS[step]) => req.onProgress?.(step, message)
    const outcome = (o: Partial<InstallOutcome> & Pick<InstallOutcome, 'ok' | 'step'>): InstallOutcome => ({ validateOnly: req.validateOnly, verdicts: [], installed: [], reloaded: [], restored: false, reason: null, ...o })

    progress('stage')
    const r = await this.root(serverId, stageScript(files, !req.validateOnly), { timeoutMs: 180_000, ...(req.signal ? { signal: req.signal } : {}) })
    const report = parseStageOutput(r.stdout)
    const removeStage = async () => {
      if (report.stage && STAGE_DIR_RE.test(report.stage)) await this.root(serverId, removeStageScript(report.stage), { timeoutMs: 30_000 }).catch(() => undefined)
    }
    if (report.refused) {
      const which = report.changed.map((c) => `${files[c.index]?.path ?? '?'} (${c.found === 'exists' ? 'now exists' : c.found === 'missing' ? 'was removed' : 'was edited'})`)
      return this.finish(serverId, files, outcome({ ok: false, step: 'compare', reason: `Nothing was changed: ${which.join(', ')} changed on the server after the compare. Compare again, merge, and push again.` }))
    }
    if (report.error || !report.done) {
      await removeStage()
      const why = report.error ?? (clip(r.stderr) || `the stage script stopped (exit ${r.code ?? r.signal ?? '?'})`)
      return this.finish(serverId, files, outcome({ ok: false, step: 'stage', reason: `Nothing was changed: staging the files on the server failed: ${why}` }))
    }
    progress('validate')
    // Dovecot's sql driver files: doveconf never reads them; their connection and queries are tried here.
    const sql = await checkSqlDriverFiles(files, (script) => this.root(serverId, script, { timeoutMs: 120_000, ...(req.signal ? { signal: req.signal } : {}) })).catch(async (e: unknown) => {
      await removeStage()
      throw e
    })
    const verdicts = [...judgeStage(report, files), ...sql.verdicts]
    const rejected = verdicts.filter((v) => !v.ok)
    if (req.validateOnly) {
      return outcome({ ok: rejected.length === 0, step: 'validate', verdicts, reason: rejected.length ? rejectedReason(rejected, true) : null })
    }
    if (rejected.length) {
      await removeStage()
      return this.finish(serverId, files, outcome({ ok: false, step: 'validate', verdicts, reason: rejectedReason(rejected, false) }))
    }
    if (!report.stage || !STAGE_DIR_RE.test(report.stage)) throw new AppError('internal', `The stage script reported no usable stage folder (${report.stage ?? 'none'}).`)

    // The transaction runs on the server by itself from here on.
    const id = newPushId()
    progress('backup')
    let launchError: unknown = null
    try {
      const l = await this.root(serverId, launchScript(report.stage, { id, files, ...(this.deps.actor ? { actor: this.deps.actor } : {}), ...(sql.sample ? { authSample: sql.sample } : {}) }), { timeoutMs: 60_000 })
      const err = sectionValue(l.stdout, 'error')
      if (err !== null || !l.stdout.includes(`${SECTION}started`)) {
        await removeStage()
        return this.finish(serverId, files, outcome({ ok: false, step: 'install', verdicts, reason: `Nothing was changed: the install could not start on the server: ${err ?? (clip(l.stderr) || 'no answer')}` }))
      }
    } catch (e) {
      launchError = e // the link may have dropped after the start: the record tells
    }
    let rec = await this.follow(serverId, id, progress)
    if (rec && rec.state === 'running' && !rec.alive) rec = await this.recover(serverId, rec, progress)
    if (!rec) {
      await removeStage()
      const why = launchError ? toErrorShape(launchError).message : 'no record of it on the server'
      return this.finish(serverId, files, outcome({ ok: false, step: 'install', verdicts, reason: `Nothing was changed: the install did not start (${why}). Push again when the connection is back.` }))
    }
    if (rec.state === 'running') {
      throw new AppError(
        'disconnected',
        `The connection was lost while push ${id} was running on the server (step "${rec.step}"). The server finishes it on its own, ending with either all the new files or all the old ones; reconnect and read the last push to see which.`,
        { pushId: id },
      )
    }
    const ok = rec.state === 'new'
    if (ok) for (const i of rec.installed) this.registerBackup(serverId, files, i)
    return this.finish(
      serverId,
      files,
      outcome({
        ok,
        step: rec.step,
        verdicts,
        installed: rec.installed,
        reloaded: rec.reloaded,
        restored: rec.restored,
        reason: ok ? null : failureReason(rec),
      }),
      id,
    )
  }

  async lastPush(serverId: string): Promise<LastPushRecord | null> {
    const r = await this.root(serverId, readPushScript(null, null, 0), { timeoutMs: 30_000 })
    if (r.code !== 0) throw new AppError('remote-failed', `Reading the last push record failed: ${clip(r.stderr || r.stdout)}`)
    let rec = parsePushRecord(r.stdout)
    // The install process is gone without deciding (the server restarted mid-push): put the old files back.
    // (Not within the first seconds: the launch writes the state before it starts the process.)
    if (rec && rec.state === 'running' && !rec.alive && rec.ageSec >= RECOVER_AFTER_SEC) rec = await this.recover(serverId, rec, () => undefined)
    return rec ? toLastPush(rec) : null
  }

  /** Runs the push's own restore (`install.sh recover`) and follows it to its end. */
  private async recover(serverId: string, rec: PushRecord, progress: (s: PushStep) => void): Promise<PushRecord> {
    progress('restore')
    const r = await this.root(serverId, recoverScript(rec.id), { timeoutMs: 30_000 })
    if (!r.stdout.includes(`${SECTION}started`)) throw new AppError('remote-failed', `Push ${rec.id} stopped halfway on the server and could not be undone: ${clip(sectionValue(r.stdout, 'error') ?? (r.stderr || r.stdout))}`, { pushId: rec.id })
    await new Promise((res) => setTimeout(res, 300))
    return (await this.follow(serverId, rec.id, () => undefined)) ?? rec
  }

  /** Reads the push record until it is decided, reporting step changes; survives a dropped link for a while. */
  private async follow(serverId: string, id: string, progress: (s: PushStep) => void): Promise<PushRecord | null> {
    const until = Date.now() + (this.deps.followMs ?? 300_000)
    let step: PushStep | null = null
    let lastError: unknown = null
    for (;;) {
      try {
        const r = await this.root(serverId, readPushScript(id, step, 10), { timeoutMs: 30_000 })
        const rec = parsePushRecord(r.stdout)
        if (!rec) return null
        if (rec.step !== step) {
          step = rec.step
          if (rec.state === 'running') progress(rec.step)
        }
        if (rec.state !== 'running' || !rec.alive) return rec
      } catch (e) {
        lastError = e
        await new Promise((res) => setTimeout(res, 1000))
      }
      if (Date.now() > until) {
        if (lastError !== null) {
          throw new AppError('disconnected', `The server could not be reached to follow push ${id} (${toErrorShape(lastError).message}). It finishes on its own with either all the new files or all the old ones; reconnect and read the last push to see which.`, { pushId: id })
        }
        return { id, state: 'running', step: step ?? 'install', alive: true, ageSec: 0, installed: [], reloaded: [], restored: false, reason: '', paths: [], startedAt: '', actor: '', log: '' }
      }
    }
  }

  private registerBackup(serverId: string, files: readonly InstallFile[], i: { path: string; backup: string | null }): void {
    const f = files.find((x) => x.path === i.path)
    if (!f) return
    try {
      this.deps.configBackups.register(serverId, { service: serviceOf(f), path: i.path, backupPath: i.backup, description: i.backup ? `Put back ${i.path} as it was before the config push (${i.backup})` : `Remove ${i.path} (the config push created it)` })
    } catch {
      // a path the registry refuses is no reason to fail an install that worked
    }
  }

  private async finish(serverId: string, files: readonly InstallFile[], o: InstallOutcome, id?: string): Promise<InstallOutcome> {
    await this.deps.journal
      ?.record({ server: serverId, area: 'configs', action: 'push', target: files.map((f) => f.path).join(', ') + (id ? ` (${id})` : ''), result: o.ok ? 'ok' : 'failed', ...(o.ok ? {} : { error: (o.reason ?? 'failed').split('\n')[0]?.slice(0, 300) ?? 'failed' }) })
      .catch(() => undefined)
    return o
  }

  private root(serverId: string, script: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    return this.deps.connections.execAsRoot(serverId, ['sh', '-s'], { stdin: script, ...opts })
  }
}

function checkFiles(files: readonly InstallFile[]): InstallFile[] {
  if (!files.length) throw new AppError('invalid-input', 'Nothing to push: no files were given.')
  const seen = new Set<string>()
  for (const f of files) {
    if (!ServerPath.safeParse(f.path).success || f.path.includes('/../') || f.path.endsWith('/')) throw new AppError('invalid-input', `Not a file path on the server: ${JSON.stringify(f.path)}.`)
    if (seen.has(f.path)) throw new AppError('invalid-input', `${f.path} is given twice.`)
    seen.add(f.path)
    if (f.expectedSha256 !== null && !/^[0-9a-f]{64}$/.test(f.expectedSha256)) throw new AppError('invalid-input', `The expected hash of ${f.path} is not a sha256 in hex.`)
    if (f.mode !== undefined && !/^0?[0-7]{3,4}$/.test(f.mode)) throw new AppError('invalid-input', `The mode of ${f.path} is not octal.`)
    for (const name of [f.user, f.group]) if (name !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/.test(name)) throw new AppError('invalid-input', `The owner of ${f.path} is not a user or group name.`)
    if (f.mapType !== undefined && !/^[a-z0-9_]{1,20}$/.test(f.mapType)) throw new AppError('invalid-input', `The map type of ${f.path} is not a Postfix map type.`)
  }
  return [...files]
}

function rejectedReason(rejected: readonly ToolVerdict[], validateOnly: boolean): string {
  const lines = rejected.map((v) => `${v.tool}: ${(v.output.split('\n').find((l) => /fatal|error|warning/i.test(l)) ?? v.output.split('\n')[0] ?? `exit ${v.exitCode}`).trim()}`)
  return `${validateOnly ? 'The server would reject this' : 'Nothing was installed: the server rejects this'} (${lines.join('; ')}). Fix it in the editor and ${validateOnly ? 'validate' : 'push'} again.`
}

function failureReason(r: PushRecord): string {
  if (r.step === 'compare') return `Nothing was changed: ${r.reason}${/Another push/.test(r.reason) ? '' : ' Compare again, merge, and push again.'}`
  const what = r.reason || `the push stopped at step "${r.step}"`
  if (r.restored) return `The push was undone at step "${r.step}" and the old files are back in place: ${what} Fix the configuration and push again.`
  return `The push failed at step "${r.step}": ${what}`
}

function sectionValue(out: string, word: string): string | null {
  const line = out.split('\n').find((l) => l.startsWith(`${SECTION}${word}`))
  return line === undefined ? null : line.slice(SECTION.length + word.length).trim()
}

function clip(s: string, max = 600): string {
  const t = s.trim()
  return t.length > max ? t.slice(0, max) + '…' : t
}
