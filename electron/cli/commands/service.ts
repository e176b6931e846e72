import { Argument, type Command } from 'commander'
import { interruptionOf, ServiceAction, ServiceKey, type Interruption, type ServiceActionResult, type ServiceStatus } from '../../../shared/domain/system'
import { AppError } from '../../../shared/errors'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { confirmOrRefuse, connectServer } from '../connect-server'
import { textTable } from '../text-table'

export const INTERRUPTS: Record<Interruption, string> = {
  mail: 'mail delivery in and out (SMTP 25/587) stops until Postfix is started again; senders retry later',
  mailboxes: 'IMAP/POP3 logins and local delivery (LMTP) stop; mail waits in the Postfix queue',
  database: 'PostfixAdmin, Postfix and Dovecot lookups that need the database fail',
  ssh: 'SSH logins, including the connection Postdesk uses, may drop',
}

/** `postdesk service status|start|stop|restart|reload NAME [SERVICE]`. */
export function registerService(program: Command, ctx: CliContext): void {
  program
    .command('service')
    .description('the server\'s services (postfix, dovecot, database, web, php-fpm, rsyslog, fail2ban, sshd): status, and verified start/stop/restart/reload')
    .addArgument(new Argument('<action>', 'status, start, stop, restart or reload').choices(['status', ...ServiceAction.options]))
    .argument('<name>', 'server name or id')
    .argument('[service]', `one of ${ServiceKey.options.join(', ')} (status: all when left out)`)
    .option('-y, --yes', 'do not ask before stopping postfix/dovecot/the database or restarting sshd')
    .option('--accept-host-key <fingerprint>', "accept this SHA256:… host key fingerprint if the server's key is not known yet")
    .option('--json', 'print the result as JSON')
    .action(async (action: string, name: string, service: string | undefined, o: { yes?: boolean; acceptHostKey?: string; json?: boolean }) => {
      const key = service === undefined ? undefined : ServiceKey.safeParse(service)
      if (key && !key.success) throw new AppError('invalid-input', `unknown service "${service}": one of ${ServiceKey.options.join(', ')}`)
      if (action !== 'status' && !key) throw new AppError('invalid-input', `service ${action} needs the SERVICE to ${action}`)
      const { s, profile } = await connectServer(ctx, name, o.acceptHostKey)
      if (action === 'status') {
        const overview = await s.systemServices.overview(profile.id)
        const list = key ? overview.services.filter((x) => x.key === key.data) : overview.services
        if (key && !list.length) throw new AppError('not-found', `${key.data} is not installed on ${profile.name}`)
        if (o.json) return printJson(ctx, { init: overview.init, services: list })
        ctx.io.out(`Init system: ${overview.init}\n` + statusTable(list))
        return
      }
      const act = ServiceAction.parse(action)
      const svc = key!.data
      const interrupts = interruptionOf(svc, act)
      if (interrupts) await confirmOrRefuse(ctx, o.yes, `${act} ${svc} on "${profile.name}"? This interrupts ${INTERRUPTS[interrupts]}.`, `refusing to ${act} ${svc}`)
      const r = await s.systemServices.act(profile.id, svc, act)
      if (o.json) printJson(ctx, r)
      else ctx.io.out(renderResult(r, profile.name))
      if (!r.ok) throw new CliFailure(`${svc} ${act} failed on ${profile.name}${r.refused ? ' (refused, nothing changed)' : ''}`, null)
    })
}

function statusTable(list: readonly ServiceStatus[]): string {
  return textTable([
    ['SERVICE', 'NAME', 'STATE', 'PID', 'SINCE', 'BOOT', 'PORTS'],
    ...list.map((x) => [x.key, x.name, x.running ? 'running' : 'stopped', x.pid?.toString() ?? '-', x.since ?? '-', x.enabledAtBoot === null ? '?' : x.enabledAtBoot ? 'enabled' : 'disabled', x.ports.join(',') || '-']),
  ])
}

function renderResult(r: ServiceActionResult, server: string): string {
  const head = r.ok ? `${r.name}: ${r.action} done in ${(r.durationMs / 1000).toFixed(1)} s, ${r.status.running ? `running (PID ${r.status.pid ?? '?'}${r.status.ports.length ? `, ports ${r.status.ports.join(',')}` : ''})` : 'stopped'}.` : `${r.name}: ${r.action} FAILED${r.refused ? ' (refused; nothing was changed)' : ''}.`
  const lines = [head]
  for (const f of r.followUps) {
    // Only cause so far: the database came back and Postfix's MySQL lookups had to reconnect.
    if (f.ok) lines.push(`Postfix was reloaded so its MySQL lookups reconnect (otherwise it refuses mail with 451 for up to a minute).`)
    else lines.push(`WARNING: Postfix was not reloaded after the database came back; it may refuse mail with "451 Temporary lookup failure" for up to a minute. Reload it: postdesk service reload ${JSON.stringify(server)} postfix.\n${f.reason}`)
  }
  if (!r.ok) {
    lines.push(r.reason)
    for (const u of r.undo) lines.push(`Undo available: ${u.description} (offer ${u.id}; in the app, or with the same session)`)
  }
  return lines.join('\n') + '\n'
}
