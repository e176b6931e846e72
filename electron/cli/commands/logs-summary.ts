// `postdesk logs summary FILE|-`: pflogsumm's Grand Totals of a mail log, counted by pflogsumm's rules.

import { Command } from 'commander'
import { CliFailure } from '../cli-context'
import { formatPflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { summariseLogFile, summariseLogStream, type LogSummary } from '../../services/logs/summarise-log'
import { sourceFlags, type SourceFlags } from './logs-tail'

export interface LogsSummaryIo {
  out: (text: string) => void
  stdin: AsyncIterable<Uint8Array | string>
  /** The totals of a server's current mail log, read over SSH (for --server NAME), from the source given with --source/--path, else the profile's. */
  remote?: (server: string, from: SourceFlags, opts: { syslogName?: string }) => Promise<LogSummary>
}

const processIo: LogsSummaryIo = {
  out: (text) => void process.stdout.write(text),
  stdin: process.stdin,
}

/** Adds `logs summary` to the program (creating the `logs` command group if it is not there yet). */
export function registerLogsSummary(program: Command, io: LogsSummaryIo = processIo): void {
  const logs = program.commands.find((c) => c.name() === 'logs') ?? program.command('logs').description('mail logs: summaries, search, follow')
  logs
    .command('summary')
    .description("pflogsumm's totals of a Postfix log (a file, - for standard input, or --server NAME)")
    .argument('[file]', 'log file, or - to read standard input')
    .option('--server <name>', "read the server's current mail log over SSH (nothing is copied to disk)")
    .option('--source <source>', "with --server: auto, journal (journalctl, as syslog lines) or file; default: the source saved in the server's profile, else auto")
    .option('--path <path>', 'with --server: the log file to read (implies --source file)')
    .option('--json', 'print {"totals": {…}} with pflogsumm\'s labels as keys')
    .option('--syslog-name <name>', "also count lines tagged NAME/daemon (pflogsumm's --syslog-name)")
    .action(async (file: string | undefined, o: { json?: boolean; syslogName?: string; server?: string; source?: string; path?: string }, cmd: Command) => {
      const opts = o.syslogName ? { syslogName: o.syslogName } : {}
      if ((file === undefined) === (o.server === undefined)) cmd.error('postdesk logs summary: give a FILE (or -) or --server NAME', { exitCode: 2 })
      if (o.server === undefined && (o.source !== undefined || o.path !== undefined)) cmd.error('postdesk logs summary: --source and --path choose the log of a --server NAME; for a local file give the FILE itself', { exitCode: 2 })
      let from: SourceFlags = {}
      try {
        from = sourceFlags(o)
      } catch (e) {
        cmd.error(`postdesk logs summary: ${(e as Error).message}`, { exitCode: 2 })
      }
      let s: LogSummary
      try {
        if (o.server !== undefined) {
          if (!io.remote) throw new Error('reading a server log is not available here')
          s = await io.remote(o.server, from, opts)
        } else s = file === '-' ? await summariseLogStream(io.stdin, opts) : await summariseLogFile(file as string, opts)
      } catch (e) {
        // a failed read is not bad input: exit 1, and --json gets the error's own code (e.g. no journal: unsupported)
        throw new CliFailure(`postdesk logs summary: cannot read ${o.server !== undefined ? `the log of ${o.server}` : file}: ${(e as Error).message}`, e)
      }
      if (o.json) io.out(JSON.stringify({ totals: s.totals, lines: s.lines, postfixLines: s.postfixLines }, null, 2) + '\n')
      else io.out(formatPflogsummTotals(s.totals))
    })
}
