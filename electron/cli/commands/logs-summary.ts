// `postdesk logs summary FILE|-`: pflogsumm's Grand Totals of a mail log, counted by pflogsumm's rules.

import { Command } from 'commander'
import { formatPflogsummTotals } from '../../../shared/logs/pflogsumm-counter'
import { summariseLogFile, summariseLogStream, type LogSummary } from '../../services/logs/summarise-log'

export interface LogsSummaryIo {
  out: (text: string) => void
  stdin: AsyncIterable<Uint8Array | string>
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
    .description("pflogsumm's totals of a Postfix log (a file, or - for standard input)")
    .argument('<file>', 'log file, or - to read standard input')
    .option('--json', 'print {"totals": {…}} with pflogsumm\'s labels as keys')
    .option('--syslog-name <name>', "also count lines tagged NAME/daemon (pflogsumm's --syslog-name)")
    .action(async (file: string, o: { json?: boolean; syslogName?: string }, cmd: Command) => {
      const opts = o.syslogName ? { syslogName: o.syslogName } : {}
      let s: LogSummary
      try {
        s = file === '-' ? await summariseLogStream(io.stdin, opts) : await summariseLogFile(file, opts)
      } catch (e) {
        cmd.error(`postdesk logs summary: cannot read ${file}: ${(e as Error).message}`, { exitCode: 1 })
      }
      if (o.json) io.out(JSON.stringify({ totals: s.totals, lines: s.lines, postfixLines: s.postfixLines }, null, 2) + '\n')
      else io.out(formatPflogsummTotals(s.totals))
    })
}
