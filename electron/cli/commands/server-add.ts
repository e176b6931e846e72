import { resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import { HostKeyFingerprint, type ServerProfile } from '../../../shared/domain/server'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'
import { formatCliError } from '../format-error'
import { parsePort } from '../parse-port'

interface AddOptions {
  host: string
  port?: number
  user: string
  key: string
  localAddress?: string
  acceptHostKey?: string
  json?: boolean
}

export function registerServerAdd(server: Command, ctx: CliContext): void {
  server
    .command('add <name>')
    .description('add a server profile; with --accept-host-key, connect once and store that host key')
    .requiredOption('--host <host>', 'host name or IP address')
    .option('--port <port>', 'SSH port (default 22)', parsePort)
    .requiredOption('--user <user>', 'login user')
    .requiredOption('--key <file>', 'private key file (without passphrase)')
    .option('--local-address <ip>', 'local address to connect from')
    .option('--accept-host-key <fingerprint>', "the server's SHA256:… host key fingerprint, to connect and store it")
    .option('--json', 'print the profile as JSON')
    .action(async (name: string, o: AddOptions) => {
      if (o.acceptHostKey !== undefined && !HostKeyFingerprint.safeParse(o.acceptHostKey).success) {
        throw new AppError('invalid-input', `--accept-host-key wants an OpenSSH SHA256 fingerprint like SHA256:${'A'.repeat(43)}, as ssh-keygen -lf prints it.`)
      }
      const s = await ctx.services()
      const profile = await s.profiles.add({
        name,
        host: o.host,
        port: o.port ?? 22,
        user: o.user,
        keyPath: resolve(o.key),
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      })
      let hostKey: { algorithm: string; fingerprint: string } | undefined
      if (o.acceptHostKey) {
        try {
          hostKey = (await s.connections.connect(profile.id, { acceptFingerprint: o.acceptHostKey })).hostKey
          await s.connections.disconnect(profile.id)
        } catch (e) {
          // All or nothing: a profile that could not be verified is not kept, so the same command can be rerun.
          await s.profiles.remove(profile.id).catch(() => undefined)
          throw new CliFailure(`${formatCliError(e, { server: profile.id })} (server "${name}" was not added)`, e)
        }
      }
      if (o.json) return printJson(ctx, { ...profile, ...(hostKey ? { hostKey } : {}) })
      ctx.io.out(`Added server "${profile.name}" (id ${profile.id}): ${addressOf(profile)}${profile.localAddress ? ` from ${profile.localAddress}` : ''}\n`)
      if (hostKey) ctx.io.out(`Host key ${hostKey.algorithm} ${hostKey.fingerprint} verified and stored.\n`)
      else ctx.io.out(hint(profile))
    })
}

function hint(p: ServerProfile): string {
  return (
    `Not connected yet: its host key is not known. Run \`postdesk facts ${p.id}\` to see the key's fingerprint, ` +
    `compare it with the server's (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then run \`postdesk facts ${p.id} --accept-host-key SHA256:…\`.\n`
  )
}
