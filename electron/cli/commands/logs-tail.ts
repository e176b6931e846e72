// `postdesk logs tail NAME [filters]` and `postdesk logs search NAME --since … --until … TEXT`.

import type { Command } from 'commander'
import { LOG_SOURCE_CHOICES, type LogSourceChoice, type StreamLine } from '../../../shared/contract/logs'
import type { ServerProfile } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import { compileFilter, LINE_STATUSES, serviceOf, statusOf, type LineFilter, type LineStatus } from '../../../shared/logs/line-filter'
import type { Severity } from '../../../shared/logs/types'
import { CliFailure, type CliContext } from '../cli-context'
import { formatCliError } from '../format-error'
import type { LogSummary } from '../../services/logs/summarise-log'

interface FilterOptions {
  service?: string[]
  status?: string[]
  severity?: string[]
  grep?: string
  regex?: string
  address?: string
  ip?: string
  queueId?: string
  json?: boolean
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)]

function withFilters(c: Command): Command {
  return c
    .option('--service <name>', 'only these services: smtpd, qmgr, smtp, lmtp, imap-login, pop3-login, auth, … (repeat or comma-separate)', collect)
    .option('--status <status>', `only these statuses: ${LINE_STATUSES.join(', ')}`, collect)
    .option('--severity <level>', 'only these severities: info, warning, error, fatal, panic', collect)
    .option('--grep <text>', 'lines containing this text (case-insensitive)')
    .option('--regex <re>', 'lines matching this regular expression (case-insensitive)')
    .option('--address <addr>', 'lines about this e-mail address (from, to, user)')
    .option('--ip <ip>', 'lines about this client IP')
    .option('--queue-id <id>', 'lines of this queue id')
    .option('--json', 'print one JSON object per line (the parsed line)')
}

function filterOf(o: FilterOptions): LineFilter {
  for (const s of o.status ?? []) if (!LINE_STATUSES.includes(s as LineStatus)) throw new AppError('invalid-input', `--status ${s}: use one of ${LINE_STATUSES.join(', ')}.`)
  const f: LineFilter = {}
  if (o.service?.length) f.services = o.service
  if (o.status?.length) f.statuses = o.status as LineStatus[]
  if (o.severity?.length) f.severities = o.severity as Severity[]
  if (o.regex) {
    f.text = o.regex
    f.regex = true
  } else if (o.grep) f.text = o.grep
  if (o.address) f.address = o.address
  if (o.ip) f.ip = o.ip
  if (o.queueId) f.queueId = o.queueId
  try {
    compileFilter(f)
  } catch (e) {
    throw new AppError('invalid-input', `--regex: ${(e as Error).message}`)
  }
  return f
}

/** What --source and --path said; `choice` is absent without --source (the profile's saved source then applies). */
export interface SourceFlags {
  choice?: LogSourceChoice
  path?: string
}

/** --source and --path, checked before anything connects. */
export function sourceFlags(o: { source?: string; path?: string }): SourceFlags {
  if (o.source === undefined) return o.path ? { path: o.path } : {}
  const v = o.source.trim().toLowerCase()
  if (!(LOG_SOURCE_CHOICES as readonly string[]).includes(v)) throw new AppError('invalid-input', `--source ${o.source}: use one of ${LOG_SOURCE_CHOICES.join(', ')} (auto detects the log; journal forces journalctl; file forces a log file, --path names it).`)
  const choice = v as LogSourceChoice
  if (o.path && choice === 'journal') throw new AppError('invalid-input', '--path names a log file: it cannot be used with --source journal (use --source file, or leave --path out).')
  return { choice, ...(o.path ? { path: o.path } : {}) }
}

/**
 * The source to read: --source wins; without it the source saved in the server's profile (chosen in
 * the app's log view), else auto. A saved journal gives way to --path, which names a file: the
 * flags then read as they would with nothing saved.
 */
export function resolveSource(flags: SourceFlags, saved: LogSourceChoice | undefined): { choice: LogSourceChoice; path?: string } {
  const path = flags.path ? { path: flags.path } : {}
  if (flags.choice) return { choice: flags.choice, ...path }
  if (saved && !(saved === 'journal' && flags.path)) return { choice: saved, ...path }
  return { choice: 'auto', ...path }
}

const pad = (n: number) => String(n).padStart(2, '0')
function clock(t: number | null): string {
  if (t === null) return '--:--:--'
  const d = new Date(t)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** One line for a terminal: time, status, service, queue id, message. */
export function formatLine(l: StreamLine): string {
  const status = statusOf(l)
  return `${clock(l.time)} ${status.padEnd(11)} ${serviceOf(l).padEnd(12)} ${(l.queueId ?? '-').padEnd(11)} ${l.program === null ? l.raw : l.message}\n`
}

/** Parses --since/--until: ISO 8601, epoch ms, or relative like 2h, 30m, 7d (before now). */
export function parseWhen(v: string, now = Date.now()): number {
  const rel = /^(\d+)\s*([smhd])$/.exec(v.trim())
  if (rel) return now - Number(rel[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd']
  if (/^\d{10,}$/.test(v)) return Number(v)
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw new AppError('invalid-input', `Cannot read the time "${v}": use ISO 8601 (2026-11-28T07:00), epoch ms, or 30m / 2h / 7d ago.`)
  return t
}

async function connected(ctx: CliContext, name: string): Promise<ServerProfile> {
  const s = await ctx.services()
  const profile = await s.profiles.get(name)
  try {
    await s.connections.connect(profile.id)
  } catch (e) {
    throw new CliFailure(formatCliError(e, { server: profile.id }), e)
  }
  return profile
}

export function registerLogsTail(program: Command, ctx: CliContext): void {
  const logs = program.commands.find((c) => c.name() === 'logs') ?? program.command('logs').description('mail logs: summaries, search, follow')
  withFilters(logs.command('tail <name>').description("follow a server's mail log, parsed (Ctrl-C to stop)"))
    .option('-n, --lines <n>', 'start with the last N lines', '20')
    .option('--max-lines <n>', 'stop after printing N lines')
    .option('--source <kind>', `which log: ${LOG_SOURCE_CHOICES.join(', ')} (auto: maillog_file, the freshest syslog file, else the journal). Default: the source saved in the server's profile, else auto`)
    .option('--path <file>', 'follow this file instead of the detected log (with --source auto or file)')
    .action(async (name: string, o: FilterOptions & { lines: string; maxLines?: string; path?: string; source?: string }) => {
      const test = compileFilter(filterOf(o))
      const flags = sourceFlags(o)
      const profile = await connected(ctx, name)
      const id = profile.id
      const src = resolveSource(flags, profile.logSource)
      const s = await ctx.services()
      const max = o.maxLines ? Number(o.maxLines) : Infinity
      let printed = 0
      let finish: (e?: unknown) => void = () => undefined
      const finished = new Promise<void>((res, rej) => (finish = (e) => (e ? rej(e) : res())))
      const h = await s.logs
        .follow(id, {
          lines: Number(o.lines) || 0,
          choice: src.choice,
          ...(src.path ? { path: src.path } : {}),
          onLines: (lines) => {
            for (const l of lines) {
              if (printed >= max || !test(l)) continue
              ctx.io.out(o.json ? JSON.stringify(l) + '\n' : formatLine(l))
              if (++printed >= max) finish()
            }
          },
          onState: (state, message) => {
            if (state === 'failed') finish(new AppError('remote-failed', message ?? 'Following the log failed.'))
            else if (state === 'resuming') ctx.io.err(`postdesk: connection lost, resuming (${message ?? ''})\n`)
            else if (state === 'following' && message) ctx.io.err(`postdesk: ${message}\n`)
          },
        })
        .catch(async (e: unknown) => {
          await s.connections.closeAll()
          throw e
        })
      ctx.io.err(`postdesk: following ${h.source.kind === 'file' ? h.source.path : `the journal (${h.source.units.join(', ')})`}\n`)
      const onSig = () => finish()
      process.once('SIGINT', onSig)
      try {
        await finished
      } finally {
        process.removeListener('SIGINT', onSig)
        await s.logs.stop(h.followId)
        await s.connections.closeAll()
      }
    })

  withFilters(logs.command('search <name> [text]').description('search the log and its rotated files (.gz too) on the server, streaming the matches'))
    .option('--since <when>', 'from this time (ISO 8601, epoch ms, or 30m / 2h / 7d ago)')
    .option('--until <when>', 'up to this time')
    .option('--max-lines <n>', 'stop after N matches', '100000')
    .option('--source <kind>', `which log: ${LOG_SOURCE_CHOICES.join(', ')} (journal: journalctl --since/--until on the server). Default: the source saved in the server's profile, else auto`)
    .option('--path <file>', 'search this log (and its rotated files) instead of the detected one (with --source auto or file)')
    .action(async (name: string, text: string | undefined, o: FilterOptions & { since?: string; until?: string; maxLines: string; path?: string; source?: string }) => {
      const test = compileFilter(filterOf(o))
      const flags = sourceFlags(o)
      const profile = await connected(ctx, name)
      const id = profile.id
      const src = resolveSource(flags, profile.logSource)
      const s = await ctx.services()
      const ac = new AbortController()
      let lastFile: string | undefined
      const onSig = () => ac.abort()
      process.once('SIGINT', onSig)
      try {
        const r = await s.logs.search(id, {
          text: text ?? '',
          maxLines: Number(o.maxLines) || 100000,
          signal: ac.signal,
          ...(o.since ? { since: parseWhen(o.since) } : {}),
          ...(o.until ? { until: parseWhen(o.until) } : {}),
          choice: src.choice,
          ...(src.path ? { path: src.path } : {}),
          onLines: (lines, p) => {
            for (const l of lines) if (test(l)) ctx.io.out(o.json ? JSON.stringify(l) + '\n' : formatLine(l))
            if (p.file && p.file !== lastFile) ctx.io.err(`postdesk: searching ${p.file} (${p.filesDone + 1}/${p.filesTotal})\n`)
            lastFile = p.file
          },
        })
        ctx.io.err(`postdesk: ${r.matched} matching lines in ${r.files.length} files${r.limited ? ' (stopped at --max-lines)' : ''}${r.cancelled ? ' (cancelled)' : ''}\n`)
      } finally {
        process.removeListener('SIGINT', onSig)
        await s.connections.closeAll()
      }
    })
}

/**
 * pflogsumm's Grand Totals of the server's current mail log (the detected file, or the journal as syslog
 * lines), counted as it streams in, from the source the flags give, else the one saved in the profile.
 */
export async function remoteSummary(ctx: CliContext, name: string, flags: SourceFlags = {}, opts: { syslogName?: string } = {}): Promise<LogSummary> {
  const profile = await connected(ctx, name)
  const from = resolveSource(flags, profile.logSource)
  const s = await ctx.services()
  try {
    const r = await s.logs.summary(profile.id, { choice: from.choice, ...(from.path ? { path: from.path } : {}), ...opts })
    return { totals: r.totals, lines: r.lines, postfixLines: r.postfixLines, truncatedLines: r.truncatedLines }
  } finally {
    await s.connections.closeAll()
  }
}
