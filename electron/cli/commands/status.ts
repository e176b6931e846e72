import type { Command } from 'commander'
import type { Dashboard } from '../../../shared/domain/system'
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
      const d = await s.dashboard.get(profile.id)
      if (o.json) return printJson(ctx, d)
      ctx.io.out(renderDashboard(profile.name, d))
    })
}

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`

export function renderDashboard(name: string, d: Dashboard): string {
  const rows: string[][] = [['Server', name]]
  rows.push(['Services', d.services.services.map((x) => `${x.name} ${x.running ? 'up' : 'DOWN'}`).join(', ') + ` (${d.services.init})`])
  rows.push(['Mail queue', d.queue ? `${d.queue.total} (${d.queue.active} active, ${d.queue.deferred} deferred, ${d.queue.hold} on hold)` : 'unknown'])
  rows.push(['Today', d.today ? `${d.today.delivered} delivered, ${d.today.deferred} deferred, ${d.today.bounced} bounced, ${d.today.rejected} rejected, ${d.today.authFailures} auth failures (${d.today.log})` : 'unknown'])
  for (const x of d.disks) rows.push([`Disk ${x.path}`, `${x.usedPercent}% used of ${gib(x.sizeBytes)} (${x.mount})`])
  rows.push(['Load', d.load ? d.load.join(' ') : 'unknown'])
  rows.push(['Uptime', d.uptimeSeconds !== null ? `${Math.floor(d.uptimeSeconds / 86400)} d ${Math.floor((d.uptimeSeconds % 86400) / 3600)} h ${Math.floor((d.uptimeSeconds % 3600) / 60)} min` : 'unknown'])
  for (const c of d.certificates) rows.push([`TLS cert (${c.usedBy})`, c.state === 'error' ? `ERROR ${c.error ?? ''} (${c.path})` : `${c.state === 'ok' ? '' : c.state.toUpperCase() + ': '}expires ${c.notAfter} (${c.daysLeft} days) ${c.path}`])
  rows.push(['Home IP', 'not set up'])
  rows.push(['Config changes', 'not set up'])
  for (const p of d.problems) rows.push(['Problem', p])
  return textTable(rows)
}
