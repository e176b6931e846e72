import { AppError } from '../../../shared/errors'
import { InitSystem, ServerFacts } from '../../../shared/domain/facts'

/** key -> every value printed for it, in order (a few keys, like maillog.candidate, repeat). */
export function parseKeyValueLines(output: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq)
    const list = map.get(key) ?? []
    list.push(line.slice(eq + 1))
    map.set(key, list)
  }
  return map
}

/** The facts script's output (see facts-script.ts) as ServerFacts. Pure: tested on fixture outputs. */
export function parseFacts(output: string, collectedAt: string): ServerFacts {
  const kv = parseKeyValueLines(output)
  if (first(kv, 'end') !== '1') {
    throw new AppError('remote-failed', 'The server facts could not be read: the probe script stopped before its end (is /bin/sh a POSIX shell for this user?).')
  }
  const init = InitSystem.safeParse(first(kv, 'init'))
  return ServerFacts.parse({
    hostname: first(kv, 'hostname') ?? '',
    os: parseOs(kv),
    kernel: first(kv, 'kernel') ?? '',
    initSystem: init.success ? init.data : 'unknown',
    postfix: version(first(kv, 'postfix')),
    // `dovecot --version` prints "2.3.19.1 (9b53102964)": the build id is not part of the version.
    dovecot: version(first(kv, 'dovecot')?.split(/\s+/)[0]),
    database: parseDatabaseVersion(first(kv, 'db-server')) ?? parseDatabaseVersion(first(kv, 'db-client')),
    postfixadmin: parsePostfixAdmin(kv),
    mailLog: parseMailLog(kv),
    firewall: {
      iptables: nonEmpty(first(kv, 'iptables')?.replace(/^iptables\s+v?/, '')),
      nft: nonEmpty(first(kv, 'nft')?.match(/v?(\d[\w.]*)/)?.[1]),
      firewalld: first(kv, 'firewalld') === '1',
      ufw: first(kv, 'ufw') === '1',
    },
    collectedAt,
  })
}

function first(kv: Map<string, string[]>, key: string): string | undefined {
  return kv.get(key)?.[0]
}

function nonEmpty(s: string | undefined): string | null {
  const t = s?.trim()
  return t ? t : null
}

function version(s: string | undefined): { version: string } | null {
  const v = nonEmpty(s)
  return v ? { version: v } : null
}

function parseOs(kv: Map<string, string[]>): ServerFacts['os'] {
  const osr = (k: string) => {
    const v = first(kv, `os-release.${k}`)
    return v === undefined ? undefined : unquoteOsRelease(v)
  }
  const id = osr('ID')
  if (id !== undefined) {
    const name = osr('NAME') ?? id
    const ver = osr('VERSION_ID') ?? ''
    return { id, name, version: ver, pretty: osr('PRETTY_NAME') ?? `${name} ${ver}`.trim() }
  }
  const rh = first(kv, 'redhat-release')
  if (rh) return parseRedhatRelease(rh)
  return { id: 'unknown', name: 'Unknown', version: '', pretty: 'Unknown' }
}

/** os-release values follow shell quoting: "…" (with \" \\ \$ \` escapes), '…', or bare. */
export function unquoteOsRelease(v: string): string {
  const t = v.trim()
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\([\\"$`])/g, '$1')
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1)
  return t
}

const REDHAT_IDS: [RegExp, string][] = [
  [/^CentOS/i, 'centos'],
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^Scientific Linux/i, 'scientific'],
  [/^CloudLinux/i, 'cloudlinux'],
  [/^Fedora/i, 'fedora'],
  [/^Oracle Linux/i, 'ol'],
]

/** /etc/redhat-release on systems without os-release, e.g. "CentOS release 6.10 (Final)". */
export function parseRedhatRelease(line: string): ServerFacts['os'] {
  const pretty = line.trim()
  const m = pretty.match(/^(.*?)\s+(?:Linux\s+)?release\s+(\S+)/i)
  const name = (m?.[1] ?? pretty).trim()
  const id = REDHAT_IDS.find(([re]) => re.test(pretty))?.[1] ?? (name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'unknown')
  return { id, name, version: m?.[2] ?? '', pretty }
}

/**
 * `mariadbd --version`, `mysqld --version` or `mysql --version` as {flavor, version}. Handles
 * "mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for …", "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for …",
 * "mysql from 11.4.2-MariaDB, client 15.2 …", "/usr/libexec/mysqld  Ver 5.1.73 for redhat-linux-gnu …".
 */
export function parseDatabaseVersion(line: string | undefined): { flavor: 'mariadb' | 'mysql'; version: string } | null {
  if (!line?.trim()) return null
  const m = line.match(/\bDistrib\s+(\d[^\s,]*)/) ?? line.match(/\bfrom\s+(\d[^\s,]*)/) ?? line.match(/\bVer\s+(\d[^\s,]*)/)
  const full = m?.[1]
  const num = full?.match(/^\d+(?:\.\d+)*/)?.[0]
  if (!num) return null
  return { flavor: /mariadb/i.test(line) ? 'mariadb' : 'mysql', version: num }
}

function parsePostfixAdmin(kv: Map<string, string[]>): ServerFacts['postfixadmin'] {
  const path = nonEmpty(first(kv, 'postfixadmin.path'))
  if (!path) return null
  const schema = first(kv, 'postfixadmin.schema')?.trim()
  return {
    path,
    configPath: nonEmpty(first(kv, 'postfixadmin.config')),
    // The installed package is the better witness: Debian's config.inc.php kept '3.3.11' in 3.3.13.
    version: packageVersion(first(kv, 'postfixadmin.package')) ?? configVersion(first(kv, 'postfixadmin.version-line')),
    schemaVersion: schema && /^\d+$/.test(schema) ? Number(schema) : null,
  }
}

/** "ii  3.3.13-1+deb12u1" (dpkg status + version) -> "3.3.13"; anything not installed -> null. */
function packageVersion(s: string | undefined): string | null {
  const m = s?.trim().match(/^ii\s+(?:\d+:)?([0-9][^-\s~+]*)/)
  return m?.[1] ?? null
}

/** "$CONF['version'] = '3.3.11';" -> "3.3.11". */
function configVersion(s: string | undefined): string | null {
  return s?.match(/=\s*['"]([^'"]+)['"]/)?.[1] ?? null
}

/** Postfix's own maillog_file (postlogd) if set, else the newest of /var/log/mail.log and /var/log/maillog. */
function parseMailLog(kv: Map<string, string[]>): string | null {
  const configured = nonEmpty(first(kv, 'maillog_file'))
  if (configured && configured.startsWith('/')) return configured
  let best: { mtime: number; path: string } | null = null
  for (const c of kv.get('maillog.candidate') ?? []) {
    const m = c.match(/^(\d+)\s+(\/.*)$/)
    if (!m?.[1] || !m[2]) continue
    const cand = { mtime: Number(m[1]), path: m[2] }
    if (!best || cand.mtime > best.mtime) best = cand
  }
  return best?.path ?? null
}
