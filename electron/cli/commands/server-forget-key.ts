import type { Command } from 'commander'
import { printJson, type CliContext } from '../cli-context'

export function registerServerForgetKey(server: Command, ctx: CliContext): void {
  server
    .command('forget-key <name>')
    .description("forget the stored host key of a server's host:port (after a deliberate key change)")
    .option('--json', 'print the result as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const s = await ctx.services()
      const profile = await s.profiles.get(name)
      const { removed } = await s.connections.forgetHostKey(profile.id)
      if (o.json) return printJson(ctx, { removed, id: profile.id })
      ctx.io.out(
        removed
          ? `Forgot ${removed} host key${removed === 1 ? '' : 's'} of ${profile.host} port ${profile.port}. The next connection shows the new fingerprint to accept.\n`
          : `No stored host key for ${profile.host} port ${profile.port}.\n`,
      )
    })
}
