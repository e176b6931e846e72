import { resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../shared/errors'
import { InvalidArgumentError } from 'commander'
import { AuthMethod, authMethods, HostKeyFingerprint, JumpHost, SudoMode, type ServerProfile } from '../../../shared/domain/server'
import { parseJumpSpec } from '../../services/ssh-config/ssh-config-import'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'
import { formatCliError } from '../format-error'
import { parsePort } from '../parse-port'

interface AddOptions {
  host: string
  port?: number
  user: string
  key?: string
  auth?: AuthMethod[]
  jump?: JumpHost[]
  sudo?: SudoMode
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
    .option('--key <file>', 'private key file (its passphrase, if any: `postdesk server secret NAME --kind passphrase`)')
    .option('--auth <methods>', `auth methods in the order tried, comma-separated: ${authMethods.join(', ')} (default: publickey with --key, else agent)`, parseAuth)
    .option('--jump <[user@]host[:port]>', 'a jump host (ProxyJump); repeat for several hops, first hop first', collectJump, [] as JumpHost[])
    .option('--sudo <mode>', 'how root commands run: none (login as root), sudo-n (NOPASSWD), sudo-S (stored sudo password on stdin)', parseSudo)
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
        ...(o.key ? { keyPath: resolve(o.key) } : {}),
        ...(o.auth ? { authMethods: o.auth } : {}),
        ...(o.jump?.length ? { jumpHosts: o.jump } : {}),
        ...(o.sudo ? { sudo: o.sudo } : {}),
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

function parseAuth(v: string): AuthMethod[] {
  const list = v.split(',').map((m) => m.trim()).filter(Boolean)
  const bad = list.filter((m) => !AuthMethod.safeParse(m).success)
  if (!list.length || bad.length) throw new InvalidArgumentError(`auth methods are ${authMethods.join(', ')}${bad.length ? `; not ${bad.join(', ')}` : ''}.`)
  return list as AuthMethod[]
}

function parseSudo(v: string): SudoMode {
  const r = SudoMode.safeParse(v)
  if (!r.success) throw new InvalidArgumentError(`one of ${SudoMode.options.join(', ')}.`)
  return r.data
}

function collectJump(v: string, previous: JumpHost[]): JumpHost[] {
  const j = parseJumpSpec(v)
  const parsed = JumpHost.safeParse({ host: j.host, port: j.port ?? 22, user: j.user ?? '' })
  if (!parsed.success) throw new InvalidArgumentError('a jump host is user@host or user@host:port.')
  return [...previous, parsed.data]
}
