import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import { printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'

export function registerServerRemove(server: Command, ctx: CliContext): void {
  server
    .command('remove <name>')
    .description('remove a server profile (its stored host key stays in known_hosts)')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, o: { yes?: boolean; json?: boolean }) => {
      const s = await ctx.services()
      const profile = await s.profiles.get(name)
      if (!o.yes) {
        if (!ctx.io.stdinIsTty) {
          throw new AppError('invalid-input', `refusing to remove "${profile.name}" without --yes: stdin is not a terminal to confirm on`)
        }
        if (!(await ctx.io.confirm(`Remove server "${profile.name}" (${addressOf(profile)})?`))) {
          throw new AppError('cancelled', `cancelled; "${profile.name}" was not removed`)
        }
      }
      await s.connections.disconnect(profile.id)
      const removed = await s.profiles.remove(profile.id)
      if (o.json) return printJson(ctx, { removed, id: profile.id, name: profile.name })
      ctx.io.out(`Removed server "${profile.name}" (id ${profile.id}).\n`)
    })
}
