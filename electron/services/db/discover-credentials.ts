// Finds the database credentials on the server itself, in the order an admin would look:
// PostfixAdmin's config (evaluated by the server's php, else read as text), then a Postfix mysql map,
// then Dovecot's SQL config. Every remote command is a fixed argv; file contents and php output
// (which hold the password) are parsed here and never logged or put in messages.
import type { DbCredentialSource } from '../../../shared/domain/db'
import { AppError } from '../../../shared/errors'
import { readPostfixAdminConfigStatic } from '../mail/postfixadmin-config'
import type { PhpSourceFile } from '../../../shared/config/postfixadmin/php-config-reader'
import type { ExecOptions, ExecResult } from '../types'
import { credentialsFromDovecotSqlConf, credentialsFromPostfixAdmin, credentialsFromPostfixMysqlCf, dovecotSqlConfigFiles, postfixMysqlMapFiles, type FoundCredentials, type ParseOutcome } from './credential-parsers'
import { SOCKET_CANDIDATES } from './db-host'
import { parsePostfixAdminDbOutput, POSTFIXADMIN_DB_PHP, postfixAdminDbArgv } from './postfixadmin-db-php'

export type RemoteExec = (argv: string[], opts?: ExecOptions) => Promise<ExecResult>

/**
 * How discovery runs commands: `exec` as the login user; `execRoot` the profile's way to root (sudo),
 * used only to read files and run doveconf. PostfixAdmin's PHP config is never run as root: it is
 * code that the web server's user may be able to change.
 */
export interface DiscoveryRunner {
  exec: RemoteExec
  execRoot?: RemoteExec
}

export type DiscoverySource = Exclude<DbCredentialSource, 'override'>
export const DISCOVERY_ORDER: readonly DiscoverySource[] = ['postfixadmin-php', 'postfixadmin-static', 'postfix', 'dovecot']

export interface DiscoverOptions {
  /** Which sources to try, in this order (default DISCOVERY_ORDER). */
  sources?: readonly DiscoverySource[]
  /** false: behave as if the server had no php (PostfixAdmin's config is then read statically). */
  usePhp?: boolean
  timeoutMs?: number
}

export interface DiscoveredCredentials extends FoundCredentials {
  source: DiscoverySource
  sourceFile: string
  /** Sockets that exist on the server, best first: where `localhost` leads. */
  sockets: string[]
}

/** What one probe of the server found: php, PostfixAdmin installs, MySQL sockets. */
export interface ServerDbProbe {
  php: string | null
  /** config.inc.php files (symlinks resolved), best first */
  postfixAdminConfigs: string[]
  /** existing sockets: my.cnf's first, then the usual paths */
  sockets: string[]
}

const PFA_DIRS = [
  '/etc/postfixadmin',
  '/usr/share/postfixadmin',
  '/var/www/postfixadmin',
  '/var/www/html/postfixadmin',
  '/srv/www/postfixadmin',
  '/srv/www/htdocs/postfixadmin',
  '/usr/local/www/postfixadmin',
  '/usr/share/webapps/postfixadmin',
]

// Constant text: no value from the user or the server is spliced in.
const PROBE_SCRIPT = `
p=$(command -v php 2>/dev/null) && echo "php=$p"
for d in ${PFA_DIRS.join(' ')} /usr/share/postfixadmin-* /var/www/postfixadmin-*; do
  [ -f "$d/config.inc.php" ] && echo "pfa=$(readlink -f "$d/config.inc.php" 2>/dev/null || echo "$d/config.inc.php")"
done
my_print_defaults client mysqld 2>/dev/null | sed -n 's/^--socket=//p' | while IFS= read -r s; do [ -S "$s" ] && echo "sock=$s"; done
for s in ${SOCKET_CANDIDATES.join(' ')}; do [ -S "$s" ] && echo "sock=$s"; done
exit 0
`

export async function probeServer(exec: RemoteExec, timeoutMs = 15_000): Promise<ServerDbProbe> {
  const r = await exec(['sh', '-c', PROBE_SCRIPT], { timeoutMs })
  const lines = r.stdout.split('\n')
  const values = (k: string) => [...new Set(lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1).trim()))].filter(Boolean)
  return { php: values('php')[0] ?? null, postfixAdminConfigs: values('pfa'), sockets: values('sock') }
}

/**
 * Credential candidates in order, each complete (user, database, host; the password may be empty).
 * `tried` says, for the error message when none works, what each source lacked.
 */
export class CredentialDiscovery {
  readonly tried: string[] = []
  private probed: Promise<ServerDbProbe> | undefined

  private readonly exec: RemoteExec
  private readonly execRoot: RemoteExec

  constructor(
    run: DiscoveryRunner,
    private readonly o: DiscoverOptions = {},
  ) {
    this.exec = run.exec
    this.execRoot = run.execRoot ?? run.exec
  }

  probe(): Promise<ServerDbProbe> {
    return (this.probed ??= probeServer(this.exec, this.o.timeoutMs))
  }

  async *candidates(): AsyncGenerator<DiscoveredCredentials> {
    for (const source of this.o.sources ?? DISCOVERY_ORDER) {
      if (source === 'postfixadmin-php') yield* this.fromPostfixAdminPhp()
      else if (source === 'postfixadmin-static') yield* this.fromPostfixAdminStatic()
      else if (source === 'postfix') yield* this.fromPostfix()
      else yield* this.fromDovecot()
    }
  }

  /** The first candidate, or a not-found error listing what was tried. */
  async first(): Promise<DiscoveredCredentials> {
    for await (const c of this.candidates()) return c
    throw this.nothingFound()
  }

  nothingFound(): AppError {
    return new AppError('not-found', `No database credentials were found on the server (${this.tried.join('; ') || 'no source tried'}). Set them in the server's DB override.`, { tried: this.tried })
  }

  private async *fromPostfixAdminPhp(): AsyncGenerator<DiscoveredCredentials> {
    const p = await this.probe()
    if (this.o.usePhp === false) return void this.tried.push('PostfixAdmin via php: skipped (php not used)')
    if (!p.php) return void this.tried.push('PostfixAdmin via php: no php on the server')
    if (!p.postfixAdminConfigs.length) return void this.tried.push('PostfixAdmin: no config.inc.php found')
    for (const file of p.postfixAdminConfigs) {
      const r = await this.exec(postfixAdminDbArgv(file, p.php), { stdin: POSTFIXADMIN_DB_PHP, timeoutMs: this.o.timeoutMs ?? 15_000 })
      let parsed
      try {
        parsed = parsePostfixAdminDbOutput(r.stdout)
      } catch {
        this.tried.push(`PostfixAdmin via php (${file}): php failed${firstLine(r.stderr) ? `: ${firstLine(r.stderr)}` : ` (exit ${r.code})`}`)
        continue
      }
      const c = this.accept('postfixadmin-php', file, credentialsFromPostfixAdmin(parsed.conf), [...parsed.phpDefaultSockets, ...p.sockets])
      if (c) yield c
    }
  }

  private async *fromPostfixAdminStatic(): AsyncGenerator<DiscoveredCredentials> {
    const p = await this.probe()
    if (!p.postfixAdminConfigs.length) return void this.tried.push('PostfixAdmin (static): no config.inc.php found')
    for (const inc of p.postfixAdminConfigs) {
      const dir = inc.slice(0, inc.lastIndexOf('/')) || '/'
      const main = await this.readFile(inc)
      if (typeof main !== 'string') {
        this.tried.push(`PostfixAdmin (static): ${main.reason}`)
        continue
      }
      const files: PhpSourceFile[] = []
      // Debian's config.inc.php starts from dbconfig.inc.php's variables ($dbuser, $dbpass, ...).
      if (/dbconfig\.inc\.php/.test(main)) {
        const db = await this.readFile(`${dir}/dbconfig.inc.php`)
        if (typeof db === 'string') files.push({ name: `${dir}/dbconfig.inc.php`, text: db })
      }
      files.push({ name: inc, text: main })
      let localFile: string | undefined
      for (const f of [`${dir}/config.local.php`, '/etc/postfixadmin/config.local.php', '/usr/local/etc/postfixadmin/config.local.php']) {
        const local = await this.readFile(f)
        if (typeof local === 'string') {
          files.push({ name: f, text: local })
          localFile = f
          break
        }
        if (local.exists) this.tried.push(`PostfixAdmin (static): ${local.reason}`)
      }
      const read = readPostfixAdminConfigStatic(files)
      const dynamic = read.dynamicKeys.filter((k) => /^database_(user|name|password|host|port|socket|type)$/.test(k))
      const outcome = credentialsFromPostfixAdmin(read.conf)
      if (!outcome.ok && dynamic.length) {
        this.tried.push(`PostfixAdmin (static): ${dynamic.join(', ')} computed by PHP code (php is needed to evaluate it)`)
        continue
      }
      const c = this.accept('postfixadmin-static', localFile ?? inc, outcome, p.sockets)
      if (c) yield c
    }
  }

  private async *fromPostfix(): AsyncGenerator<DiscoveredCredentials> {
    const p = await this.probe()
    const r = await this.exec(['postconf', '-h', 'virtual_mailbox_maps', 'virtual_alias_maps', 'virtual_mailbox_domains', 'relay_domains', 'transport_maps'], { timeoutMs: this.o.timeoutMs ?? 15_000 })
    if (r.code !== 0) return void this.tried.push(`Postfix: postconf failed${firstLine(r.stderr) ? `: ${firstLine(r.stderr)}` : ''}`)
    const files = postfixMysqlMapFiles(r.stdout)
    if (!files.length) return void this.tried.push('Postfix: no mysql: lookup table in virtual_mailbox_maps, virtual_alias_maps, virtual_mailbox_domains, relay_domains or transport_maps')
    for (const f of files) {
      const text = await this.readFile(f)
      if (typeof text !== 'string') {
        this.tried.push(`Postfix: ${text.reason}`)
        continue
      }
      const c = this.accept('postfix', f, credentialsFromPostfixMysqlCf(text), p.sockets)
      if (c) return yield c // one map is enough: they all name the same database
    }
  }

  private async *fromDovecot(): AsyncGenerator<DiscoveredCredentials> {
    const p = await this.probe()
    const r = await this.execRoot(['doveconf', '-n'], { timeoutMs: this.o.timeoutMs ?? 15_000 })
    const named = r.code === 0 ? dovecotSqlConfigFiles(r.stdout) : []
    const files = named.length ? named : ['/etc/dovecot/dovecot-sql.conf.ext', '/etc/dovecot/dovecot-sql.conf', '/etc/dovecot/dovecot-mysql.conf']
    for (const f of files) {
      const text = await this.readFile(f)
      if (typeof text !== 'string') {
        if (text.exists || named.length) this.tried.push(`Dovecot: ${text.reason}`)
        continue
      }
      const c = this.accept('dovecot', f, credentialsFromDovecotSqlConf(text, f), p.sockets)
      if (c) return yield c
    }
    if (!named.length && !this.tried.some((t) => t.startsWith('Dovecot'))) this.tried.push('Dovecot: no sql passdb/userdb')
  }

  private accept(source: DiscoverySource, file: string, outcome: ParseOutcome, sockets: string[]): DiscoveredCredentials | undefined {
    if (!outcome.ok) {
      this.tried.push(`${label(source)} (${file}): ${outcome.reason}`)
      return undefined
    }
    return { ...outcome.found, source, sourceFile: file, sockets: [...new Set(sockets)] }
  }

  private async readFile(path: string): Promise<string | { exists: boolean; reason: string }> {
    const r = await this.execRoot(['cat', '--', path], { timeoutMs: this.o.timeoutMs ?? 15_000 })
    if (r.code === 0) return r.stdout
    const why = firstLine(r.stderr)
    const exists = !/no such file/i.test(why)
    return { exists, reason: exists ? `cannot read ${path}${why ? ` (${why.replace(/^cat: /, '')})` : ''}` : `${path} does not exist` }
  }
}

function label(s: DiscoverySource): string {
  return { 'postfixadmin-php': 'PostfixAdmin via php', 'postfixadmin-static': 'PostfixAdmin (static)', postfix: 'Postfix', dovecot: 'Dovecot' }[s]
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 300)
}
