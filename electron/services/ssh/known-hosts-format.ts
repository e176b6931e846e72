import { createHmac } from 'node:crypto'

/** One host-key line of an OpenSSH known_hosts file (comments, blanks and @marker lines are not keys). */
export interface KnownHostLine {
  /** 1-based line number in the file, for messages like "line 3 of known_hosts". */
  lineNo: number
  hosts: string
  keyType: string
  keyBase64: string
  /** The file the line is in, when lines of several files are merged (the app's store, ~/.ssh/known_hosts). */
  file?: string
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise; lowercase, no IPv6 brackets. */
export function knownHostsName(host: string, port: number): string {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase()
  return port === 22 ? h : `[${h}]:${port}`
}

export function formatKnownHostLine(host: string, port: number, keyType: string, blob: Uint8Array): string {
  return `${knownHostsName(host, port)} ${keyType} ${Buffer.from(blob).toString('base64')}`
}

/**
 * Host-key lines of a known_hosts text. `@cert-authority` and `@revoked` lines are skipped: Postdesk
 * writes plain entries only and does not do host certificates.
 */
export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith('@')) return
    const [hosts, keyType, keyBase64] = line.split(/\s+/)
    if (!hosts || !keyType || !keyBase64) return
    out.push({ lineNo: i + 1, hosts, keyType, keyBase64 })
  })
  return out
}

/**
 * Whether a line's host field names `host:port`, the way OpenSSH matches: a comma list of patterns
 * with `*`/`?` wildcards and `!` negation, or one hashed `|1|salt|hash` entry (HashKnownHosts).
 */
export function hostsFieldMatches(hostsField: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port)
  if (hostsField.startsWith('|1|')) return hashedMatches(hostsField, name)
  let matched = false
  for (const pattern of hostsField.split(',')) {
    const negated = pattern.startsWith('!')
    const p = (negated ? pattern.slice(1) : pattern).toLowerCase()
    if (!globMatches(p, name)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|')
  if (!salt || !hash) return false
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64')
  return mac === hash
}

function globMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')
  return re.test(name)
}
