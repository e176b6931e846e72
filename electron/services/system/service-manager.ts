import type { ServiceAction, ServiceActionResult, ServiceFollowUp, ServiceKey, ServicesOverview, ServiceStatus } from '../../../shared/domain/system'
import { AppError } from '../../../shared/errors'
import type { ActivityJournal, ExecOptions, ExecResult } from '../types'
import { POSTFIX_MAPS_SCRIPT, usesMysqlMaps } from './database-follow-up'
import { parseServiceProbe, type ServiceProbe } from './parse-service-probe'
import { SERVICE_CATALOG, serviceDef } from './service-catalog'
import { probeArgs, SERVICE_PROBE_SCRIPT } from './service-probe-script'
import type { UndoProvider } from './undo-registry'

type RootExec = (serverId: string, argv: string[], opts?: ExecOptions) => Promise<ExecResult>

export interface ServiceManagerDeps {
  execAsRoot: RootExec
  journal: ActivityJournal
  undo: UndoProvider
  /** How long an action may take to show its service running (or stopped) with its ports listening. */
  verifyTimeoutMs?: number
  pollMs?: number
}

// Runs argv with stdin from /dev/null and its output in a file: daemons started by an init script may
// keep the caller's stdout open, and the command would never seem to end.
const DETACHED = 'o=$(mktemp 2>/dev/null) || o=/tmp/postdesk-svc.$$; "$@" </dev/null >"$o" 2>&1; rc=$?; cat "$o"; rm -f "$o"; exit $rc'
const detached = (argv: string[]) => ['sh', '-c', DETACHED, 'postdesk-svc', ...argv]

// The last lines a failing service wrote: its mail-log lines (and Dovecot's own log file if it has one),
// or the journal on systemd.
const LOG_TAIL = `
tag=$1 name=$2 init=$3
if [ "$init" = systemd ] && command -v journalctl >/dev/null 2>&1; then journalctl -u "$name" -n 15 --no-pager 2>/dev/null; fi
for f in /var/log/mail.log /var/log/maillog /var/log/mail.err; do
  [ -f "$f" ] && [ -n "$tag" ] && tail -n 2000 "$f" | grep -F -- "$tag" | tail -n 12
done
if [ "$tag" = dovecot ] && command -v doveconf >/dev/null 2>&1; then
  lp=$(doveconf -h log_path 2>/dev/null)
  case $lp in /*) [ -f "$lp" ] && tail -n 12 "$lp" ;; esac
fi
exit 0
`

/**
 * Status and start/stop/restart/reload of the mail server's services, on systemd, SysV `service` and
 * OpenRC. Reload uses the service's own command where it has one (`postfix reload`, `doveadm reload`);
 * a config check runs first and a broken config refuses a reload or restart (the service keeps
 * running). Every action is verified: the service must be running (or stopped) with its ports
 * listening within a timeout; a failure says why (command output, status, last log lines) and
 * offers the known ways back (UndoProvider). Every action is journaled.
 * When the database comes back (restart, or start), Postfix is reloaded if it runs and uses MySQL maps
 * (see database-follow-up.ts), through the same verified path; the result lists it in `followUps`.
 */
export class ServiceManager {
  /** Ports seen listening per server+service: what a start or restart must bring back. */
  private readonly knownPorts = new Map<string, number[]>()
  private readonly verifyTimeoutMs: number
  private readonly pollMs: number

  constructor(private readonly deps: ServiceManagerDeps) {
    this.verifyTimeoutMs = deps.verifyTimeoutMs ?? 30_000
    this.pollMs = deps.pollMs ?? 500
  }

  /** Probes every known service, or only `only` (faster: its init script's status is the slow part). */
  async probe(serverId: string, signal?: AbortSignal, only?: ServiceKey): Promise<ServiceProbe> {
    const defs = only ? [serviceDef(only)] : SERVICE_CATALOG
    const r = await this.deps.execAsRoot(serverId, ['sh', '-s', '--', ...probeArgs(defs)], { stdin: SERVICE_PROBE_SCRIPT, timeoutMs: 60_000, ...(signal ? { signal } : {}) })
    if (r.code !== 0) throw new AppError('remote-failed', `Reading the services failed: ${(r.stderr || r.stdout).trim().split('\n')[0]?.slice(0, 300) ?? ''}`)
    const p = parseServiceProbe(r.stdout)
    for (const s of p.services) if (s.running && s.ports.length) this.knownPorts.set(`${serverId}\0${s.key}`, s.ports)
    return p
  }

  async overview(serverId: string, signal?: AbortSignal): Promise<ServicesOverview> {
    const p = await this.probe(serverId, signal)
    return { init: p.init, services: p.services, checkedAt: new Date(p.now * 1000).toISOString() }
  }

  async status(serverId: string, key: ServiceKey): Promise<ServiceStatus> {
    const s = (await this.probe(serverId, undefined, key)).services.find((x) => x.key === key)
    if (!s) throw new AppError('not-found', `${key} is not installed on this server (no init script or unit, no running process).`, { service: key })
    return s
  }

  async act(serverId: string, key: ServiceKey, action: ServiceAction): Promise<ServiceActionResult> {
    const started = Date.now()
    const def = serviceDef(key)
    const before = await this.probe(serverId, undefined, key)
    const status = before.services.find((x) => x.key === key)
    if (!status) throw new AppError('not-found', `${key} is not installed on this server (no init script or unit, no running process).`, { service: key })
    const result = (partial: Partial<ServiceActionResult> & Pick<ServiceActionResult, 'ok' | 'status'>): ServiceActionResult => ({
      key,
      name: status.name,
      action,
      refused: false,
      missingPorts: [],
      output: '',
      reason: '',
      undo: [],
      followUps: [],
      durationMs: Date.now() - started,
      ...partial,
    })
    const finish = async (r: ServiceActionResult): Promise<ServiceActionResult> => {
      if (!r.ok) r.undo = await this.deps.undo.offers(serverId, key).catch(() => [])
      await this.deps.journal.record({ server: serverId, area: 'services', action, target: status.name || key, result: r.ok ? 'ok' : 'failed', ...(r.ok ? {} : { error: firstLine(r.reason) || 'failed' }) })
      return r
    }

    // A config check first: a reload or restart with a broken config would leave the service down or stale.
    let checkOutput = ''
    if (action !== 'stop' && def.check) {
      const c = await this.deps.execAsRoot(serverId, detached(def.check), { timeoutMs: 60_000 })
      if (c.code !== 0) {
        // Only the complaints: doveconf -n also prints its version comments ("# 2.3.19.1 …").
        const said = (c.stdout + c.stderr).split('\n').filter((l) => !/^(?:\S+: )?# /.test(l)).join('\n')
        checkOutput = `${def.check.join(' ')}: ${clip(said)}`
        if (status.running && action !== 'start') {
          return finish(result({ ok: false, refused: true, status, output: checkOutput, reason: `The configuration check failed, so ${status.name} was not ${action === 'reload' ? 'reloaded' : 'restarted'} and keeps running with its current configuration.\n${checkOutput}` }))
        }
      }
    }
    if (action === 'reload' && !status.running) {
      return finish(result({ ok: false, refused: true, status, reason: `${status.name} is not running: start it instead of reloading.` }))
    }
    const argv = this.commandFor(before.init, def.key, status, action)
    const ran = await this.deps.execAsRoot(serverId, detached(argv), { timeoutMs: 120_000 })
    const output = clip(ran.stdout + ran.stderr)
    const expected = action === 'stop' ? [] : (this.knownPorts.get(`${serverId}\0${key}`) ?? def.defaultPorts)
    // A command that failed gets a short look only: there is nothing to wait for.
    const verified = await this.verify(serverId, key, action, expected, action === 'restart' ? status.pid : null, ran.code === 0 ? this.verifyTimeoutMs : Math.min(this.verifyTimeoutMs, 3000))
    const ok = ran.code === 0 && verified.ok
    if (ok) {
      const done = await finish(result({ ok: true, status: verified.status, output }))
      if (key === 'database' && (action === 'restart' || action === 'start')) done.followUps = await this.afterDatabase(serverId)
      return done
    }
    const why: string[] = []
    if (ran.code !== 0) why.push(`${argv.join(' ')} exited with ${ran.code ?? ran.signal ?? 'no status'}${output ? `:\n${output}` : ''}`)
    if (!verified.ok) why.push(verified.problem)
    if (checkOutput) why.push(checkOutput)
    if (verified.status.statusText) why.push(`Status: ${verified.status.statusText}`)
    const tail = await this.logTail(serverId, key, status.name, before.init)
    if (tail) why.push(`Last log lines:\n${tail}`)
    return finish(result({ ok: false, status: verified.status, missingPorts: verified.missing, output, reason: why.join('\n') }))
  }

  /** Applies an undo offer (e.g. restores a config backup), then brings the service back and verifies it. */
  async undo(serverId: string, offerId: string): Promise<ServiceActionResult> {
    const offer = await this.deps.undo.apply(serverId, offerId)
    await this.deps.journal.record({ server: serverId, area: 'services', action: 'undo', target: offer.path, result: 'ok' })
    const s = await this.status(serverId, offer.service)
    return this.act(serverId, offer.service, s.running ? 'restart' : 'start')
  }

  /**
   * After the database came back: a verified `postfix reload` when Postfix runs and uses mysql: maps, so
   * its lookup processes reconnect instead of refusing mail with 451 for the maps' retry_interval.
   * Dovecot is left alone (its SQL pool retries a query lost with the old connection on a new one).
   */
  private async afterDatabase(serverId: string): Promise<ServiceFollowUp[]> {
    const followUp = (ok: boolean, reason: string): ServiceFollowUp[] => [{ key: 'postfix', action: 'reload', cause: 'mysql-lookups', ok, reason }]
    let postfix: ServiceStatus | undefined
    try {
      postfix = (await this.probe(serverId, undefined, 'postfix')).services.find((s) => s.key === 'postfix')
    } catch (e) {
      return followUp(false, `Could not tell whether Postfix runs: ${messageOf(e)}\nIf it uses MySQL lookups, reload Postfix now, or it refuses mail with 451 for up to a minute.`)
    }
    if (!postfix?.running) return []
    const maps = await this.deps.execAsRoot(serverId, ['sh', '-c', POSTFIX_MAPS_SCRIPT], { timeoutMs: 60_000 }).catch((e: unknown) => ({ code: 1, stdout: '', stderr: messageOf(e) }) as ExecResult)
    if (maps.code !== 0) return followUp(false, `Could not tell whether Postfix uses MySQL lookups (postconf -n failed: ${firstLine(clip(maps.stderr || maps.stdout))}).\nIf it does, reload Postfix now, or it refuses mail with 451 for up to a minute.`)
    if (!usesMysqlMaps(maps.stdout)) return []
    try {
      const r = await this.act(serverId, 'postfix', 'reload')
      return followUp(r.ok, r.ok ? '' : r.reason)
    } catch (e) {
      return followUp(false, messageOf(e))
    }
  }

  private commandFor(init: ServiceProbe['init'], key: ServiceKey, s: ServiceStatus, action: ServiceAction): string[] {
    const def = serviceDef(key)
    if (action === 'reload' && def.reload) return def.reload
    if (!s.managed) throw new AppError('unsupported', `${s.name} has no init script or unit on this server: Postdesk cannot ${action} it.`, { service: key })
    if (init === 'systemd') return ['systemctl', action, s.name]
    if (init === 'openrc') return ['rc-service', s.name, action]
    return ['service', s.name, action]
  }

  private async verify(serverId: string, key: ServiceKey, action: ServiceAction, ports: number[], oldPid: number | null, timeoutMs: number): Promise<{ ok: boolean; status: ServiceStatus; missing: number[]; problem: string }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const p = await this.probe(serverId, undefined, key)
      const s = p.services.find((x) => x.key === key) ?? { key, name: key, running: false, pid: null, since: null, enabledAtBoot: null, ports: [], statusText: 'gone', managed: false }
      const listening = new Set(p.sockets.map((x) => x.port))
      const missing = ports.filter((port) => !listening.has(port))
      // A SysV restart may report success while the old process still winds down: wait for a new PID.
      const fresh = oldPid === null || s.pid !== oldPid
      const ok = action === 'stop' ? !s.running : s.running && missing.length === 0 && fresh
      if (ok) return { ok, status: s, missing: [], problem: '' }
      if (Date.now() >= deadline) {
        const secs = Math.round(timeoutMs / 1000)
        const problem =
          action === 'stop'
            ? `${s.name} is still running after ${secs} s.`
            : !s.running
              ? `${s.name} is not running ${secs} s after the ${action}.`
              : missing.length
                ? `${s.name} runs but does not listen on port${missing.length > 1 ? 's' : ''} ${missing.join(', ')} after ${secs} s.`
                : `${s.name} still runs as the old process (PID ${oldPid}) after ${secs} s.`
        return { ok: false, status: s, missing, problem }
      }
      await new Promise((r) => setTimeout(r, this.pollMs))
    }
  }

  private async logTail(serverId: string, key: ServiceKey, name: string, init: ServiceProbe['init']): Promise<string> {
    const r = await this.deps.execAsRoot(serverId, ['sh', '-c', LOG_TAIL, 'postdesk-log', serviceDef(key).logTag ?? '', name, init], { timeoutMs: 30_000 }).catch(() => null)
    return r ? clip(r.stdout, 4000) : ''
  }
}

function clip(s: string, max = 2000): string {
  const t = s.trim()
  return t.length > max ? '…' + t.slice(-max) : t
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.slice(0, 300) ?? ''
}
