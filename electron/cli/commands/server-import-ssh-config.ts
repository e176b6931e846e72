import { resolve } from 'node:path'
import type { Command } from 'commander'
import { printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'
import { textTable } from '../text-table'

/** `postdesk server import-ssh-config [HOST…] [--file PATH] [--list]`: profiles from ~/.ssh/config. */
export function registerServerImportSshConfig(server: Command, ctx: CliContext): void {
  server
    .command('import-ssh-config [hosts...]')
    .description('add server profiles from an OpenSSH config (default ~/.ssh/config): HostName, Port, User, IdentityFile, ProxyJump, Include')
    .option('--file <path>', 'the ssh config file to read')
    .option('--list', 'only show what each Host would become; add nothing')
    .option('--json', 'print the result as JSON')
    .action(async (hosts: string[], o: { file?: string; list?: boolean; json?: boolean }) => {
      const s = await ctx.services()
      const file = o.file ? resolve(o.file) : undefined
      if (o.list) {
        const candidates = await s.sshConfig.candidates(file, hosts)
        if (o.json) return printJson(ctx, { file: file ?? s.sshConfig.defaultPath, hosts: candidates })
        ctx.io.out(
          textTable([
            ['HOST', 'ADDRESS', 'VIA', 'NOTES'],
            ...candidates.map((c) => [c.alias, c.profile ? addressOf(c.profile) : '-', c.profile?.jumpHosts?.map((j) => addressOf(j)).join(' -> ') || '-', c.problems.join('; ') || '-']),
          ]),
        )
        return
      }
      const result = await s.sshConfig.import(file, hosts)
      if (o.json) return printJson(ctx, result)
      for (const p of result.added) ctx.io.out(`Added "${p.name}" (id ${p.id}): ${addressOf(p)}${p.jumpHosts?.length ? ` via ${p.jumpHosts.map((j) => addressOf(j)).join(' -> ')}` : ''}\n`)
      for (const k of result.skipped) ctx.io.out(`Skipped "${k.alias}": ${k.reason}\n`)
      if (result.added.length) ctx.io.out('Connect once to verify each host key (postdesk facts NAME shows the fingerprint).\n')
    })
}
