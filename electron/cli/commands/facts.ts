import type { Command } from 'commander'
import type { ServerFacts } from '../../../shared/domain/facts'
import { AppError } from '../../../shared/errors'
import { HostKeyFingerprint } from '../../../shared/domain/server'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'
import { formatCliError } from '../format-error'
import { textTable } from '../text-table'

export function registerFacts(program: Command, ctx: CliContext): void {
  program
    .command('facts <name>')
    .description('connect to a server and print what it runs (OS, init, Postfix, Dovecot, database, PostfixAdmin, log, firewall)')
    .option('--accept-host-key <fingerprint>', "accept this SHA256:… host key fingerprint if the server's key is not known yet")
    .option('--json', 'print the facts as JSON')
    .action(async (name: string, o: { acceptHostKey?: string; json?: boolean }) => {
      if (o.acceptHostKey !== undefined && !HostKeyFingerprint.safeParse(o.acceptHostKey).success) {
        throw new AppError('invalid-input', `--accept-host-key wants an OpenSSH SHA256 fingerprint like SHA256:${'A'.repeat(43)}, as ssh-keygen -lf prints it.`)
      }
      const s = await ctx.services()
      const profile = await s.profiles.get(name)
      let hostKey: { algorithm: string; fingerprint: string } | undefined
      try {
        hostKey = (await s.connections.connect(profile.id, o.acceptHostKey ? { acceptFingerprint: o.acceptHostKey } : {})).hostKey
      } catch (e) {
        throw new CliFailure(formatCliError(e, { server: profile.id }), e)
      }
      const facts = await s.facts.get(profile.id)
      if (o.json) return printJson(ctx, { server: profile.id, ...(hostKey ? { hostKey } : {}), facts })
      ctx.io.out(renderFacts(`${profile.name} (${addressOf(profile)})`, facts, hostKey))
    })
}

function renderFacts(title: string, f: ServerFacts, hostKey?: { algorithm: string; fingerprint: string }): string {
  const none = '-'
  const pfa = f.postfixadmin
  const fw = [f.firewall.iptables && `iptables ${f.firewall.iptables}`, f.firewall.nft && `nft ${f.firewall.nft}`, f.firewall.firewalld && 'firewalld', f.firewall.ufw && 'ufw'].filter(Boolean)
  return textTable([
    ['Server', title],
    ['Host name', f.hostname || none],
    ['OS', f.os.pretty],
    ['Kernel', f.kernel || none],
    ['Init system', f.initSystem],
    ['Postfix', f.postfix?.version ?? none],
    ['Dovecot', f.dovecot?.version ?? none],
    ['Database', f.database ? `${f.database.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${f.database.version}` : none],
    ['PostfixAdmin', pfa ? `${pfa.version ?? 'version unknown'} at ${pfa.path}` : none],
    ['  config', pfa?.configPath ?? none],
    ['  schema', pfa?.schemaVersion != null ? String(pfa.schemaVersion) : 'unknown (the login user cannot query the database without a password)'],
    ['Mail log', f.mailLog ?? none],
    ['Firewall tools', fw.length ? fw.join(', ') : none],
    ['Host key', hostKey ? `${hostKey.algorithm} ${hostKey.fingerprint}` : none],
  ])
}
