// How a mail server's configs name their database, turned into where the SSH tunnel must lead.
// MySQL clients treat the host name `localhost` specially: libmysqlclient (Postfix, Dovecot) and PHP's
// mysqlnd (PostfixAdmin) then use the unix socket, not TCP; `127.0.0.1` means TCP. The two reach
// different accounts ('postfix'@'localhost' vs 'postfix'@'127.0.0.1'), so the difference is kept.

export const DEFAULT_MYSQL_PORT = 3306

/** The usual socket paths, most common first: RHEL/CentOS/Alma, Debian/Ubuntu (and its /var/run link), source builds. */
export const SOCKET_CANDIDATES = ['/var/lib/mysql/mysql.sock', '/run/mysqld/mysqld.sock', '/var/run/mysqld/mysqld.sock', '/tmp/mysql.sock'] as const

export type DbHostSpec =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'socket'; path: string }
  /** `localhost` (or no host): the server's default socket; TCP 127.0.0.1:port if no socket exists. */
  | { kind: 'default-socket'; port: number }

function portOf(v: string | number | undefined | null): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  const n = typeof v === 'number' ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined
}

/**
 * One configured database host, as PostfixAdmin ($CONF database_host/_port/_socket), Postfix
 * (`hosts = unix:/path`, `inet:host:port`, `host:port`, `host`) and Dovecot (`host=/path`, `host=name
 * port=N`) write it. `p:` (mysqli persistent) is dropped; `host:/path` is the old mysql_connect socket form.
 */
export function parseDbHost(host: string | undefined | null, port?: string | number | null, socket?: string | null): DbHostSpec {
  const p = portOf(port) ?? DEFAULT_MYSQL_PORT
  if (socket && socket.trim()) return { kind: 'socket', path: socket.trim() }
  let h = (host ?? '').trim()
  if (h.startsWith('p:')) h = h.slice(2)
  if (h.startsWith('unix:')) return { kind: 'socket', path: h.slice(5) }
  if (h.startsWith('inet:')) h = h.slice(5)
  if (h === '') return { kind: 'default-socket', port: p }
  if (h.startsWith('/')) return { kind: 'socket', path: h }
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(h)
  if (v6) return { kind: 'tcp', host: v6[1] as string, port: portOf(v6[2]) ?? p }
  const colon = h.indexOf(':')
  if (colon > 0 && colon === h.lastIndexOf(':')) {
    const name = h.slice(0, colon)
    const rest = h.slice(colon + 1)
    if (rest.startsWith('/')) return { kind: 'socket', path: rest }
    const hp = portOf(rest)
    if (hp !== undefined) return name.toLowerCase() === 'localhost' ? { kind: 'tcp', host: '127.0.0.1', port: hp } : { kind: 'tcp', host: name, port: hp }
  }
  if (h.toLowerCase() === 'localhost') return { kind: 'default-socket', port: p }
  return { kind: 'tcp', host: h, port: p }
}

export function describeDbHost(s: DbHostSpec): string {
  if (s.kind === 'socket') return `socket ${s.path}`
  if (s.kind === 'default-socket') return `localhost (default socket, else 127.0.0.1:${s.port})`
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`
}
