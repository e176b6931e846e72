import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import { printJson, type CliContext } from '../cli-context'
import { removeServer } from '../../services/profiles/remove-server'
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
      const r = await removeServer(s, profile.id)
      if (o.json) return printJson(ctx, { removed: r.removed, id: profile.id, name: profile.name, secrets: r.secrets, configsWorkspace: r.configsWorkspace, allowlist: r.allowlist })
      const kept = [r.secrets ? `its ${r.secrets} stored secret${r.secrets === 1 ? '' : 's'}` : '', r.configsWorkspace ? 'its configs workspace' : '', r.allowlist ? 'its allowlist' : ''].filter(Boolean)
      const list = kept.length > 1 ? `${kept.slice(0, -1).join(', ')} and ${kept.at(-1)}` : (kept[0] ?? '')
      ctx.io.out(`Removed server "${profile.name}" (id ${profile.id})${list ? `, ${list}` : ''}.\n`)
    })
}
