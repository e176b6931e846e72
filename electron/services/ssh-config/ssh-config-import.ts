import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join } from 'node:path'
import SSHConfig from 'ssh-config'
import { HostName, NewServer, Port, UserName, type JumpHost } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import { ioError } from '../storage/io-error'

/** One `Host` of an ssh config as Postdesk would import it. */
export interface SshConfigCandidate {
  alias: string
  /** The profile it becomes; undefined when something in it cannot be used (see problems). */
  profile?: NewServer
  /** Why it cannot be imported, or what was left out (e.g. ProxyCommand). */
  problems: string[]
}

export interface ReadOptions {
  /** The user's home (for ~ and the default ~/.ssh/config). */
  home: string
  /** The local user name (OpenSSH's default User). */
  localUser: string
}

const MAX_INCLUDE_DEPTH = 16 // OpenSSH's READCONF_MAX_DEPTH

/** `~/.ssh/config` of that home. */
export function defaultSshConfigPath(home: string): string {
  return join(home, '.ssh', 'config')
}

/**
 * The text of an ssh config with its `Include` lines replaced by the included files (ssh-config
 * parses Include but does not follow it). Relative paths are taken from ~/.ssh, as OpenSSH does for
 * the user's config; globs (`*`, `?`) in the last path component are expanded, sorted.
 */
export async function readSshConfigText(path: string, o: ReadOptions, depth = 0): Promise<string> {
  if (depth > MAX_INCLUDE_DEPTH) throw new AppError('invalid-input', `Too many nested Include lines in ${path} (more than ${MAX_INCLUDE_DEPTH}).`)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw ioError('read the ssh config', path, e)
  }
  const out: string[] = []
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include(?:\s+|\s*=\s*)(.+?)\s*$/i.exec(line)
    if (!m?.[1]) {
      out.push(line)
      continue
    }
    for (const pattern of splitWords(m[1])) {
      for (const file of await expandInclude(pattern, o)) out.push(await readSshConfigText(file, o, depth + 1))
    }
  }
  return out.join('\n')
}

async function expandInclude(pattern: string, o: ReadOptions): Promise<string[]> {
  let p = expandTilde(pattern, o.home)
  if (!isAbsolute(p)) p = join(o.home, '.ssh', p)
  const base = basename(p)
  if (!/[*?]/.test(base)) return existsSync(p) ? [p] : []
  const dir = dirname(p)
  const re = new RegExp('^' + base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')
  const names = await readdir(dir).catch(() => [] as string[])
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n))
}

function splitWords(s: string): string[] {
  return [...s.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean)
}

function expandTilde(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p
}

/** The concrete host aliases of a config (`Host` patterns without wildcards or negation), in file order. */
export function hostAliases(config: SSHConfig): string[] {
  const out: string[] = []
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue
    const values = typeof line.value === 'string' ? [line.value] : line.value.map((v) => v.val)
    for (const v of values.flatMap((x) => x.split(/\s+/))) {
      if (!v || /[*?!]/.test(v) || out.includes(v)) continue
      out.push(v)
    }
  }
  return out
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)

/** `%h` `%p` `%r` `%u` `%d` `%%` and `~` in IdentityFile, as OpenSSH expands them. */
function expandTokens(s: string, t: { host: string; port: number; user: string; localUser: string; home: string }): string {
  return expandTilde(
    s.replace(/%([%hpruld])/g, (_m, c: string) => ({ '%': '%', h: t.host, p: String(t.port), r: t.user, u: t.localUser, l: 'localhost', d: t.home })[c] ?? ''),
    t.home,
  )
}

interface Resolved {
  host: string
  port: number
  user: string
  identityFile?: string
  proxyJump?: string
  problems: string[]
}

function resolve(config: SSHConfig, alias: string, o: ReadOptions): Resolved {
  // Match exec is never run: the config may come from anywhere.
  const c = config.compute(alias, { ignoreCase: true, matchExec: false }) as Record<string, string | string[]>
  const problems: string[] = []
  const host = first(c['hostname']) ?? alias
  const portText = first(c['port'])
  const port = portText === undefined ? 22 : Number(portText)
  const user = first(c['user']) ?? o.localUser
  const identities = (Array.isArray(c['identityfile']) ? c['identityfile'] : c['identityfile'] ? [c['identityfile']] : []).filter((f) => f.toLowerCase() !== 'none')
  const identityFile = identities[0] ? expandTokens(identities[0], { host, port, user, localUser: o.localUser, home: o.home }) : undefined
  if (identities.length > 1) problems.push(`only the first IdentityFile (${identityFile}) is used`)
  if (c['proxycommand']) problems.push('ProxyCommand is not supported (use ProxyJump)')
  const proxyJump = first(c['proxyjump'])
  return { host: expandTokens(host, { host: alias, port, user, localUser: o.localUser, home: o.home }), port, user, ...(identityFile ? { identityFile } : {}), ...(proxyJump && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}), problems }
}

/** One ProxyJump hop: `[user@]host[:port]` (or `ssh://user@host:port`), an alias of the same config resolved like a host. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  let s = spec.trim().replace(/^ssh:\/\//, '')
  let user: string | undefined
  const at = s.lastIndexOf('@')
  if (at !== -1) {
    user = s.slice(0, at)
    s = s.slice(at + 1)
  }
  let port: number | undefined
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s)
  if (bracket) {
    s = bracket[1] as string
    if (bracket[2]) port = Number(bracket[2])
  } else {
    const m = /^([^:]+):(\d+)$/.exec(s)
    if (m) {
      s = m[1] as string
      port = Number(m[2])
    }
  }
  return { ...(user ? { user } : {}), host: s, ...(port !== undefined ? { port } : {}) }
}

/** The candidates of a config text: every concrete Host, resolved (HostName, Port, User, IdentityFile, ProxyJump). */
export function candidatesFromText(text: string, o: ReadOptions, only?: readonly string[]): SshConfigCandidate[] {
  const config = SSHConfig.parse(text)
  const aliases = hostAliases(config)
  const wanted = only?.length ? only : aliases
  return wanted.map((alias) => {
    const r = resolve(config, alias, o)
    const problems = [...r.problems]
    const jumpHosts: JumpHost[] = []
    if (r.proxyJump) {
      for (const spec of r.proxyJump.split(',')) {
        const j = parseJumpSpec(spec)
        // A hop named by an alias of the same config takes that Host's HostName/Port/User/IdentityFile.
        const viaAlias = aliases.includes(j.host) ? resolve(config, j.host, o) : undefined
        const hop = {
          host: viaAlias?.host ?? j.host,
          port: j.port ?? viaAlias?.port ?? 22,
          user: j.user ?? viaAlias?.user ?? o.localUser,
          ...(viaAlias?.identityFile ? { keyPath: viaAlias.identityFile } : {}),
        }
        if (viaAlias?.proxyJump) problems.push(`the jump host ${j.host} has its own ProxyJump; list every hop in this host's ProxyJump instead`)
        if (!HostName.safeParse(hop.host).success || !Port.safeParse(hop.port).success || !UserName.safeParse(hop.user).success) {
          problems.push(`the ProxyJump hop "${spec.trim()}" is not a valid [user@]host[:port]`)
          continue
        }
        jumpHosts.push(hop)
      }
    }
    const keyPath = r.identityFile ?? defaultIdentity(o.home)
    const candidate = {
      name: alias,
      host: r.host,
      port: r.port,
      user: r.user,
      ...(keyPath ? { keyPath } : {}),
      authMethods: keyPath ? (r.identityFile ? ['publickey', 'agent'] : ['agent', 'publickey']) : ['agent'],
      ...(jumpHosts.length ? { jumpHosts } : {}),
    }
    const parsed = NewServer.safeParse(candidate)
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || 'host'}: ${i.message}`))
      return { alias, problems }
    }
    return { alias, profile: parsed.data, problems }
  })
}

// Without IdentityFile, OpenSSH tries its default key files; the first that exists becomes the profile's key.
function defaultIdentity(home: string): string | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const p = join(home, '.ssh', name)
    if (existsSync(p)) return p
  }
  return undefined
}
