import { Argument, type Command } from 'commander'
import { QueueId, QueueName, type QueueAction, type QueueActionResult, type QueueMessage, type QueueTarget } from '../../../shared/domain/system'
import { AppError } from '../../../shared/errors'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { confirmOrRefuse, connectServer } from '../connect-server'
import { textTable } from '../text-table'

const ACTIONS = ['list', 'show', 'flush', 'requeue', 'hold', 'release', 'delete'] as const

/** `postdesk queue list|show|flush|requeue|hold|release|delete NAME [ID…]`. */
export function registerQueue(program: Command, ctx: CliContext): void {
  program
    .command('queue')
    .description('the Postfix mail queue: list (--search, --queue), show ID, flush [ID…], requeue|hold|release ID…, delete ID…|--all-deferred')
    .addArgument(new Argument('<action>', ACTIONS.join(', ')).choices(ACTIONS))
    .argument('<name>', 'server name or id')
    .argument('[ids...]', 'queue ids (as postqueue prints them)')
    .option('--search <text>', 'list: only messages whose sender, recipient or delay reason contains this text')
    .option('--queue <queue>', `list: only this queue (${QueueName.options.join(', ')})`)
    .option('--all-deferred', 'delete: every deferred message (postsuper -d ALL deferred)')
    .option('-y, --yes', 'do not ask before deleting')
    .option('--accept-host-key <fingerprint>', "accept this SHA256:… host key fingerprint if the server's key is not known yet")
    .option('--json', 'print the result as JSON')
    .action(async (action: (typeof ACTIONS)[number], name: string, ids: string[], o: { search?: string; queue?: string; allDeferred?: boolean; yes?: boolean; acceptHostKey?: string; json?: boolean }) => {
      for (const id of ids) if (!QueueId.safeParse(id).success) throw new AppError('invalid-input', `"${id}" is not a Postfix queue id`)
      const queueFilter = o.queue === undefined ? undefined : QueueName.safeParse(o.queue)
      if (queueFilter && !queueFilter.success) throw new AppError('invalid-input', `--queue wants one of ${QueueName.options.join(', ')}`)
      if (action === 'show' && ids.length !== 1) throw new AppError('invalid-input', 'queue show wants exactly one queue id')
      if ((action === 'requeue' || action === 'hold' || action === 'release') && !ids.length) throw new AppError('invalid-input', `queue ${action} wants the queue ids to ${action}`)
      if (action === 'delete' && !ids.length && !o.allDeferred) throw new AppError('invalid-input', 'queue delete wants queue ids, or --all-deferred')
      if (action === 'delete' && ids.length && o.allDeferred) throw new AppError('invalid-input', 'queue delete: give queue ids or --all-deferred, not both')

      const { s, profile } = await connectServer(ctx, name, o.acceptHostKey)
      if (action === 'list') {
        const l = await s.queue.list(profile.id)
        const messages = filterQueue(l.messages, o.search, queueFilter?.success ? queueFilter.data : undefined)
        if (o.json) return printJson(ctx, { ...l, messages })
        ctx.io.out(renderList(messages, l.counts))
        return
      }
      if (action === 'show') {
        const m = await s.queue.show(profile.id, ids[0]!)
        if (o.json) return printJson(ctx, m)
        const lines = [`Queue ID: ${m.id} (${m.queue})`, `Sender: ${m.sender || '<>'}`, `Recipients: ${m.recipients.join(', ')}`, '', ...m.headers.map((h) => `${h.name}: ${h.value}`)]
        for (const p of m.parts) lines.push('', `--- ${p.contentType}${p.charset ? `; charset=${p.charset}` : ''}${p.filename ? `; ${p.filename}` : ''} (${p.size} bytes)`, p.text ?? '(binary)')
        ctx.io.out(lines.join('\n') + '\n')
        return
      }
      const target: QueueTarget = ids.length ? { ids } : action === 'flush' ? { all: true } : { allDeferred: true }
      if (action === 'delete') await confirmOrRefuse(ctx, o.yes, `Delete ${ids.length ? `${ids.length} message(s)` : 'ALL deferred messages'} from the queue of "${profile.name}"? They cannot be recovered.`, 'refusing to delete')
      const r = await s.queue.act(profile.id, action as QueueAction, target)
      if (o.json) printJson(ctx, r)
      else ctx.io.out(renderAction(r))
      if (r.results.some((x) => !x.ok)) throw new CliFailure(`queue ${action}: ${r.results.filter((x) => !x.ok).length} of ${r.results.length} failed`, null)
    })
}

export function filterQueue(messages: readonly QueueMessage[], search?: string, queue?: string): QueueMessage[] {
  const needle = search?.toLowerCase()
  return messages.filter(
    (m) =>
      (!queue || m.queue === queue) &&
      (!needle || m.id.toLowerCase().includes(needle) || m.sender.toLowerCase().includes(needle) || m.recipients.some((r) => r.address.toLowerCase().includes(needle) || (r.reason ?? '').toLowerCase().includes(needle))),
  )
}

function renderList(messages: readonly QueueMessage[], c: { total: number; active: number; deferred: number; hold: number }): string {
  const head = `${c.total} message(s): ${c.active} active, ${c.deferred} deferred, ${c.hold} on hold\n`
  if (!messages.length) return head
  const rows: string[][] = [['ID', 'QUEUE', 'SIZE', 'ARRIVED', 'SENDER', 'RECIPIENT', 'REASON']]
  for (const m of messages) m.recipients.forEach((r, i) => rows.push(i === 0 ? [m.id, m.queue, String(m.size), m.arrival, m.sender || '<>', r.address, r.reason ?? ''] : ['', '', '', '', '', r.address, r.reason ?? '']))
  return head + textTable(rows)
}

function renderAction(r: QueueActionResult): string {
  if (!r.results.length) return `${r.action}: done${r.count !== null ? ` (${r.count} message(s))` : ''}.\n${r.output ? r.output + '\n' : ''}`
  return textTable(r.results.map((x) => [x.id, x.ok ? 'ok' : 'FAILED', x.message]))
}
