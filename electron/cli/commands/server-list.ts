import type { Command } from 'commander'
import { printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'
import { textTable } from '../text-table'

export function registerServerList(server: Command, ctx: CliContext): void {
  server
    .command('list')
    .description('list the server profiles')
    .option('--json', 'print the profiles as JSON')
    .action(async (o: { json?: boolean }) => {
      const profiles = await (await ctx.services()).profiles.list()
      if (o.json) return printJson(ctx, profiles)
      if (profiles.length === 0) {
        ctx.io.out('No servers yet. Add one with: postdesk server add NAME --host HOST --user USER --key FILE\n')
        return
      }
      ctx.io.out(textTable([['ID', 'NAME', 'ADDRESS', 'FROM'], ...profiles.map((p) => [p.id, p.name, addressOf(p), p.localAddress ?? '-'])]))
    })
}
