import { Argument, type Command } from 'commander'
import type { DbCheck } from '../../../shared/domain/db'
import { HostKeyFingerprint } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { addressOf } from '../describe-server'
import { formatCliError } from '../format-error'
import { textTable } from '../text-table'

const SOURCE_TEXT: Record<DbCheck['source'], string> = {
  override: "the server profile's DB override",
  'postfixadmin-php': "PostfixAdmin's config, evaluated by the server's php",
  'postfixadmin-static': "PostfixAdmin's config, read as text",
  postfix: 'a Postfix mysql map',
  dovecot: "Dovecot's SQL config",
}

/** `postdesk db NAME check`: connects to the server's database through the SSH tunnel and reports what is there. */
export function registerDbCheck(program: Command, ctx: CliContext): void {
  program
    .command('db')
    .description("the server's database (PostfixAdmin's MySQL/MariaDB) through the SSH tunnel")
    .argument('<name>', 'server name or id')
    .addArgument(new Argument('<action>', 'check: connect and print the DB server version and PostfixAdmin schema version').choices(['check']))
    .option('--accept-host-key <fingerprint>', "accept this SHA256:… host key fingerprint if the server's key is not known yet")
    .option('--json', 'print the result as JSON')
    .action(async (name: string, _action: 'check', o: { acceptHostKey?: string; json?: boolean }) => {
      if (o.acceptHostKey !== undefined && !HostKeyFingerprint.safeParse(o.acceptHostKey).success) {
        throw new AppError('invalid-input', `--accept-host-key wants an OpenSSH SHA256 fingerprint like SHA256:${'A'.repeat(43)}, as ssh-keygen -lf prints it.`)
      }
      const s = await ctx.services()
      const profile = await s.profiles.get(name)
      try {
        await s.connections.connect(profile.id, o.acceptHostKey ? { acceptFingerprint: o.acceptHostKey } : {})
      } catch (e) {
        throw new CliFailure(formatCliError(e, { server: profile.id }), e)
      }
      try {
        const check = await s.db.check(profile.id)
        if (o.json) return printJson(ctx, check)
        ctx.io.out(renderCheck(`${profile.name} (${addressOf(profile)})`, check))
      } finally {
        s.db.closeAll()
      }
    })
}

function renderCheck(title: string, c: DbCheck): string {
  const rows: [string, string][] = [
    ['Server', title],
    ['Database server', `${c.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${c.serverVersion}`],
    ['PostfixAdmin schema', c.schemaVersion !== null ? String(c.schemaVersion) : 'none (no PostfixAdmin config table)'],
    ['Database', `${c.database} as ${c.user}`],
    ['Via', `${c.via === 'socket' ? 'unix socket' : 'TCP'} ${c.endpoint} on the server, through SSH`],
    ['Credentials from', c.sourceFile ? `${SOURCE_TEXT[c.source]} (${c.sourceFile})` : SOURCE_TEXT[c.source]],
    ['Round trip', `${c.roundTripMs.toFixed(2)} ms`],
  ]
  for (const w of c.warnings) rows.push(['Note', w])
  return textTable(rows)
}
