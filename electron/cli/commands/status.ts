import type { Command } from 'commander'
import type { Dashboard, HomeIpTile } from '../../../shared/domain/system'
import { toErrorShape } from '../../../shared/errors'
import type { ConfigWorkspaceService } from '../../services/types'
import { printJson, type CliContext } from '../cli-context'
import { connectServer } from '../connect-server'
import { textTable } from '../text-table'

/** `postdesk status NAME [--json]`: the dashboard as text. */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status <name>')
    .description('the server at a glance: services, mail queue, mail today, disks, load, uptime, certificate expiry')
    .option('--accept-host-key <fingerprint>', "accept this SHA256:… host key fingerprint if the server's key is not known yet")
    .option('--json', 'print the dashboard as JSON')
    .action(async (name: string, o: { acceptHostKey?: string; json?: boolean }) => {
      const { s, profile } = await connectServer(ctx, name, o.acceptHostKey)
      const [d, configs] = await Promise.all([s.dashboard.get(profile.id), configChanges(s.configs, profile.id)])
      if (o.json) return printJson(ctx, { ...d, configChanges: configs })
      ctx.io.out(renderDashboard(profile.name, d, configs))
    })
}

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`

/** The configs workspace's state (offline, local); `unavailable` with the reason when it cannot be read. */
export type ConfigChanges = { state: 'never-pulled' } | { state: 'changed' | 'in-sync'; changed: number; conflicts: number; pulledAt: string } | { state: 'unavailable'; reason: string }

export async function configChanges(configs: Pick<ConfigWorkspaceService, 'status'>, id: string): Promise<ConfigChanges> {
  try {
    const st = await configs.status(id)
    if (st.pulledAt === null) return { state: 'never-pulled' }
    return { state: st.changed + st.conflicts > 0 ? 'changed' : 'in-sync', changed: st.changed, conflicts: st.conflicts, pulledAt: st.pulledAt }
  } catch (e) {
    return { state: 'unavailable', reason: toErrorShape(e).message }
  }
}

function homeIpText(h: HomeIpTile | null): string {
  if (!h) return 'unknown'
  const last = h.lastApply ? `; last change ${h.lastApply.time} (${h.lastApply.action}, ${h.lastApply.outcome})` : ''
  if (h.state === 'not-set-up') return `not set up (no home entry in the allowlist)${last}`
  const allowed = h.allowed.join(', ') || 'no address'
  if (h.state === 'changed') return `CHANGED: entry "${h.entry ?? ''}" allows ${allowed}, the server sees ${h.seen ?? '?'} (postdesk allowlist refresh)${last}`
  if (h.state === 'unknown') return `entry "${h.entry ?? ''}" allows ${allowed}; the server did not report the client address${last}`
  return `in sync: entry "${h.entry ?? ''}" allows ${allowed}, as the server sees${last}`
}

function configText(c: ConfigChanges): string {
  if (c.state === 'never-pulled') return 'never pulled'
  if (c.state === 'unavailable') return `unavailable (${c.reason})`
  if (c.state === 'in-sync') return `in sync (pulled ${c.pulledAt})`
  return `${c.changed} file(s) changed since the pull${c.conflicts ? `, ${c.conflicts} conflict(s)` : ''} (pulled ${c.pulledAt})`
}

export function renderDashboard(name: string, d: Dashboard, configs?: ConfigChanges): string {
  const rows: string[][] = [['Server', name]]
  rows.push(['Services', d.services.services.map((x) => `${x.name} ${x.running ? 'up' : 'DOWN'}`).join(', ') + ` (${d.services.init})`])
  rows.push(['Mail queue', d.queue ? `${d.queue.total} (${d.queue.active} active, ${d.queue.deferred} deferred, ${d.queue.hold} on hold)` : 'unknown'])
  rows.push(['Today', d.today ? `${d.today.delivered} delivered, ${d.today.deferred} deferred, ${d.today.bounced} bounced, ${d.today.rejected} rejected, ${d.today.authFailures} auth failures (${d.today.log})` : 'unknown'])
  for (const x of d.disks) rows.push([`Disk ${x.path}`, `${x.usedPercent}% used of ${gib(x.sizeBytes)} (${x.mount})`])
  rows.push(['Load', d.load ? d.load.join(' ') : 'unknown'])
  rows.push(['Uptime', d.uptimeSeconds !== null ? `${Math.floor(d.uptimeSeconds / 86400)} d ${Math.floor((d.uptimeSeconds % 86400) / 3600)} h ${Math.floor((d.uptimeSeconds % 3600) / 60)} min` : 'unknown'])
  for (const c of d.certificates) rows.push([`TLS cert (${c.usedBy})`, c.state === 'error' ? `ERROR ${c.error ?? ''} (${c.path})` : `${c.state === 'ok' ? '' : c.state.toUpperCase() + ': '}expires ${c.notAfter} (${c.daysLeft} days) ${c.path}`])
  rows.push(['Home IP', homeIpText(d.homeIp)])
  if (configs) rows.push(['Config changes', configText(configs)])
  for (const p of d.problems) rows.push(['Problem', p])
  return textTable(rows)
}
