import { QueueId, type QueueAction, type QueueActionResult, type QueueListing, type QueueMessageContent, type QueueTarget } from '../../../shared/domain/system'
import { AppError } from '../../../shared/errors'
import type { ActivityJournal, ExecOptions, ExecResult } from '../types'
import { parsePostcat } from './parse-postcat'
import { countQueue, hasQueueJson, parseQueueJson, parseQueueText } from './parse-postqueue'

type RootExec = (serverId: string, argv: string[], opts?: ExecOptions) => Promise<ExecResult>

export interface QueueServiceDeps {
  execAsRoot: RootExec
  journal: ActivityJournal
  /** The server's Postfix version (facts): postqueue -j needs 3.1. */
  postfixVersion(serverId: string): Promise<string | null>
}

const OPT = { timeoutMs: 120_000 }

/**
 * The Postfix mail queue: list (`postqueue -j`, or `postqueue -p` text on Postfix < 3.1), show
 * (`postcat -q`), flush (`postqueue -f` / `-i ID`), requeue (`postsuper -r`), hold (`-h`),
 * release (`-H`), delete (`-d`). Queue ids are validated again here, whoever calls; each id is its
 * own `postsuper` argument, so the result is reported per message. Every change is journaled.
 */
export class QueueService {
  constructor(private readonly deps: QueueServiceDeps) {}

  async list(serverId: string, signal?: AbortSignal): Promise<QueueListing> {
    const json = hasQueueJson(await this.deps.postfixVersion(serverId))
    if (json) {
      const r = await this.deps.execAsRoot(serverId, ['postqueue', '-j'], { ...OPT, ...(signal ? { signal } : {}) })
      if (r.code !== 0) throw new AppError('remote-failed', `postqueue -j failed: ${clip(r.stderr || r.stdout)}`)
      const messages = parseQueueJson(r.stdout)
      return { messages, counts: countQueue(messages), source: 'json', listedAt: new Date().toISOString() }
    }
    // The text has the server's local time without a year: read its clock and offset with it.
    const r = await this.deps.execAsRoot(serverId, ['sh', '-c', 'date +%s%z; postqueue -p'], { ...OPT, ...(signal ? { signal } : {}) })
    if (r.code !== 0) throw new AppError('remote-failed', `postqueue -p failed: ${clip(r.stderr || r.stdout)}`)
    const nl = r.stdout.indexOf('\n')
    const clock = /^(\d+)([+-])(\d{2})(\d{2})$/.exec(r.stdout.slice(0, nl).trim())
    const now = clock ? new Date(Number(clock[1]) * 1000) : new Date()
    const utcOffsetMinutes = clock ? (clock[2] === '-' ? -1 : 1) * (Number(clock[3]) * 60 + Number(clock[4])) : 0
    const messages = parseQueueText(r.stdout.slice(nl + 1), { now, utcOffsetMinutes })
    return { messages, counts: countQueue(messages), source: 'text', listedAt: new Date().toISOString() }
  }

  async show(serverId: string, id: string): Promise<QueueMessageContent> {
    const qid = validId(id)
    const r = await this.deps.execAsRoot(serverId, ['postcat', '-q', qid], OPT)
    if (r.code !== 0) {
      const why = clip(r.stderr || r.stdout)
      if (/No such file|not found/i.test(why)) throw new AppError('not-found', `Message ${qid} is no longer in the queue.`, { id: qid })
      throw new AppError('remote-failed', `postcat -q ${qid} failed: ${why}`)
    }
    return parsePostcat(qid, r.stdout)
  }

  async act(serverId: string, action: QueueAction, target: QueueTarget): Promise<QueueActionResult> {
    if ('ids' in target) {
      const ids = [...new Set(target.ids.map(validId))]
      if (action === 'flush') return this.flushEach(serverId, ids)
      return this.superEach(serverId, action, ids)
    }
    if ('all' in target) {
      if (action !== 'flush') throw new AppError('invalid-input', `"${action}" of the whole queue is not offered; select the messages.`)
      const r = await this.deps.execAsRoot(serverId, ['postqueue', '-f'], OPT)
      await this.record(serverId, 'flush', 'all', r.code === 0, r.stderr)
      if (r.code !== 0) throw new AppError('remote-failed', `postqueue -f failed: ${clip(r.stderr || r.stdout)}`)
      return { action, results: [], count: null, output: clip(r.stdout + r.stderr) }
    }
    if (action !== 'delete') throw new AppError('invalid-input', `"${action}" of all deferred mail is not offered; only delete is.`)
    return this.deleteDeferred(serverId)
  }

  /**
   * Deletes every message in the deferred queue, reported per message: the deferred ids are listed,
   * then given to one `postsuper -d - deferred` (ids on stdin, and only where they are still deferred:
   * a message that went active or on hold meanwhile stays), and a second listing proves which are gone.
   * (`postsuper -d ALL deferred` prints only a total, so it could not say which messages went.)
   */
  private async deleteDeferred(serverId: string): Promise<QueueActionResult> {
    const ids = (await this.list(serverId)).messages.filter((m) => m.queue === 'deferred').map((m) => validId(m.id))
    if (!ids.length) {
      await this.record(serverId, 'delete', 'all deferred', true, '')
      return { action: 'delete', results: [], count: 0, output: '' }
    }
    const r = await this.deps.execAsRoot(serverId, ['postsuper', '-d', '-', 'deferred'], { ...OPT, stdin: ids.join('\n') + '\n' })
    const out = r.stdout + r.stderr
    const said = new Set(perId(out, /^postsuper: ([0-9A-Za-z]+): removed$/gm).map((x) => x.id))
    const left = new Map((await this.list(serverId)).messages.map((m) => [m.id, m.queue]))
    const results = ids.map((id) => {
      const ok = said.has(id) || !left.has(id)
      return { id, ok, message: ok ? 'removed' : `not removed: now in the ${left.get(id) ?? '?'} queue` }
    })
    const count = results.filter((x) => x.ok).length
    await this.record(serverId, 'delete', 'all deferred', r.code === 0 || count > 0, `${count} of ${ids.length} removed; ${out}`)
    if (r.code !== 0 && !count) throw new AppError('remote-failed', `postsuper -d - deferred failed: ${clip(out)}`)
    return { action: 'delete', results, count, output: clip(out) }
  }

  /** postqueue -i once per id (it takes one id per run). */
  private async flushEach(serverId: string, ids: string[]): Promise<QueueActionResult> {
    const results: QueueActionResult['results'] = []
    let output = ''
    for (const id of ids) {
      const r = await this.deps.execAsRoot(serverId, ['postqueue', '-i', id], OPT)
      const text = clip(r.stdout + r.stderr)
      output += text ? text + '\n' : ''
      results.push({ id, ok: r.code === 0, message: r.code === 0 ? 'scheduled for delivery' : text || `exit ${r.code}` })
      await this.record(serverId, 'flush', id, r.code === 0, text)
    }
    return { action: 'flush', results, count: results.filter((x) => x.ok).length, output: output.trim() }
  }

  /** One postsuper run with `-X id` for each id; postsuper names each message it acted on. */
  private async superEach(serverId: string, action: Exclude<QueueAction, 'flush'>, ids: string[]): Promise<QueueActionResult> {
    const flag = { requeue: '-r', hold: '-h', release: '-H', delete: '-d' }[action]
    const results: QueueActionResult['results'] = []
    let output = ''
    // Chunks keep the command line short on servers with a small ARG_MAX.
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200)
      const r = await this.deps.execAsRoot(serverId, ['postsuper', ...chunk.flatMap((id) => [flag, id])], OPT)
      const out = r.stdout + r.stderr
      output += out
      const word = { requeue: 'requeued', hold: 'placed on hold', release: 'released from hold', delete: 'removed' }[action]
      const done = new Set(perId(out, new RegExp(`^postsuper: ([0-9A-Za-z]+): ${word}$`, 'gm')).map((x) => x.id))
      for (const id of chunk) {
        const ok = done.has(id)
        const message = ok ? word : (/ postsuper: (?:warning: )?(.*)/.exec(out.split('\n').find((l) => l.includes(id)) ?? '')?.[1] ?? `not ${word} (no longer in the queue, or already in that state)`)
        results.push({ id, ok, message })
        await this.record(serverId, action, id, ok, ok ? '' : message)
      }
      if (r.code !== 0 && !done.size) throw new AppError('remote-failed', `postsuper ${flag} failed: ${clip(out)}`)
    }
    // Requeued mail waits in the maildrop queue until pickup's next scan (up to 60 s): wake pickup now.
    if (action === 'requeue' && results.some((x) => x.ok)) await this.deps.execAsRoot(serverId, ['postkick', 'public', 'pickup', 'W'], { timeoutMs: 30_000 }).catch(() => undefined)
    return { action, results, count: results.filter((x) => x.ok).length, output: clip(output) }
  }

  private async record(serverId: string, action: string, target: string, ok: boolean, error: string): Promise<void> {
    await this.deps.journal.record({ server: serverId, area: 'queue', action, target, result: ok ? 'ok' : 'failed', ...(ok ? {} : { error: clip(error, 300) || 'failed' }) })
  }
}

function validId(id: string): string {
  const p = QueueId.safeParse(id)
  if (!p.success) throw new AppError('invalid-input', `"${String(id).slice(0, 40)}" is not a Postfix queue id.`)
  return p.data
}

function perId(out: string, re: RegExp): { id: string; ok: boolean; message: string }[] {
  return [...out.matchAll(re)].map((m) => ({ id: m[1]!, ok: true, message: m[0].replace(/^postsuper: [^:]+: /, '') }))
}

function clip(s: string, max = 2000): string {
  const t = s.trim()
  return t.length > max ? t.slice(0, max) + '…' : t
}
