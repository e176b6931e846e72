import { Command } from 'commander'
import type { CliContext } from './cli-context'
import { registerAllowlist, registerBlock } from './commands/allowlist'
import { registerConfig } from './commands/config'
import { registerDbCheck } from './commands/db-check'
import { registerFacts } from './commands/facts'
import { registerMail } from './commands/mail'
import { registerLint } from './commands/lint'
import { registerLogsSummary } from './commands/logs-summary'
import { registerLogsTail, remoteSummary } from './commands/logs-tail'
import { registerServerAdd } from './commands/server-add'
import { registerServerForgetKey } from './commands/server-forget-key'
import { registerServerImportSshConfig } from './commands/server-import-ssh-config'
import { registerServerList } from './commands/server-list'
import { registerServerRemove } from './commands/server-remove'
import { registerQueue } from './commands/queue'
import { registerService } from './commands/service'
import { registerStatus } from './commands/status'
import { registerServerSecret } from './commands/server-secret'

/** The `postdesk` command tree. Errors are thrown (exitOverride), never printed by commander itself. */
export function buildProgram(ctx: CliContext, version: string): Command {
  const program = new Command('postdesk')
    .description(`Administer a Postfix + Dovecot + PostfixAdmin mail server over SSH (data: ${ctx.dataDir})`)
    .version(version)
  program.command('server').description('manage server profiles')
  const server = program.commands.find((c) => c.name() === 'server') as Command
  registerServerAdd(server, ctx)
  registerServerList(server, ctx)
  registerServerRemove(server, ctx)
  registerServerForgetKey(server, ctx)
  registerServerImportSshConfig(server, ctx)
  registerServerSecret(server, ctx)
  registerFacts(program, ctx)
  registerService(program, ctx)
  registerQueue(program, ctx)
  registerStatus(program, ctx)
  registerConfig(program, ctx)
  registerLint(program, { out: (s) => ctx.io.out(s), err: (s) => ctx.io.err(s), cwd: () => process.cwd(), setExitCode: ctx.setExitCode })
  registerAllowlist(program, ctx)
  registerBlock(program, ctx)
  registerLogsSummary(program, { out: (s) => ctx.io.out(s), stdin: process.stdin, remote: (name, from, opts) => remoteSummary(ctx, name, from, opts) })
  registerLogsTail(program, ctx)
  registerDbCheck(program, ctx)
  registerMail(program, ctx)

  const quiet = (c: Command): void => {
    c.exitOverride()
    c.configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: () => undefined, outputError: () => undefined })
    c.commands.forEach(quiet)
  }
  quiet(program)
  return program
}
