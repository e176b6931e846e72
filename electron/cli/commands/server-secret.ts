import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { SecretKind } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import { printJson, type CliContext } from '../cli-context'

/**
 * `postdesk server secret NAME --kind passphrase|password|sudo|db`: the value comes from stdin (a pipe,
 * or typed without echo on a terminal), never from argv, where `ps` and shell history would show it.
 */
export function registerServerSecret(server: Command, ctx: CliContext): void {
  server
    .command('secret <name>')
    .description('store a secret of a server (read from stdin, or typed without echo): key passphrase, login password, sudo password, DB password')
    .requiredOption('--kind <kind>', 'passphrase | password | sudo | db', parseKind)
    .option('--clear', 'delete the stored secret instead')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, o: { kind: SecretKind; clear?: boolean; json?: boolean }) => {
      const s = await ctx.services()
      const profile = await s.profiles.get(name)
      if (o.clear) {
        const removed = await s.secrets.delete(profile.id, o.kind)
        if (o.json) return printJson(ctx, { id: profile.id, kind: o.kind, removed, kinds: await s.secrets.kinds(profile.id) })
        ctx.io.out(removed ? `Deleted the ${o.kind} of "${profile.name}".\n` : `No ${o.kind} was stored for "${profile.name}".\n`)
        return
      }
      let value: string
      if (ctx.io.stdinIsTty && ctx.io.promptSecret) {
        value = await ctx.io.promptSecret(`${label(o.kind)} for ${profile.name}: `)
      } else if (ctx.io.readStdin) {
        // One trailing newline (echo, a here-string) is not part of the secret.
        value = (await ctx.io.readStdin()).toString('utf8').replace(/\r?\n$/, '')
      } else {
        throw new AppError('unsupported', 'No standard input to read the secret from.')
      }
      if (!value) throw new AppError('invalid-input', `No ${o.kind} given on stdin; nothing stored.`)
      await s.secrets.set(profile.id, o.kind, value)
      const kinds = await s.secrets.kinds(profile.id)
      if (o.json) return printJson(ctx, { id: profile.id, kind: o.kind, stored: true, kinds, protection: s.secrets.protection })
      ctx.io.out(`Stored the ${o.kind} of "${profile.name}" (${s.secrets.protection}).\n`)
    })
}

function parseKind(v: string): SecretKind {
  const r = SecretKind.safeParse(v)
  if (!r.success) throw new InvalidArgumentError(`one of ${SecretKind.options.join(', ')}.`)
  return r.data
}

function label(kind: SecretKind): string {
  return { passphrase: 'Key passphrase', password: 'Login password', sudo: 'sudo password', db: 'Database password' }[kind]
}
