import type { AccessTarget, Allowlist, AllowEntry } from '../domain/firewall'

/** Which addresses may reach one protected TCP port (everyone else is dropped there). */
export interface PortRule {
  port: number
  v4: string[]
  v6: string[]
}
/** What the firewall should do, independent of the backend. */
export interface RuleModel {
  blocked4: string[]
  blocked6: string[]
  ports: PortRule[]
}

export const SSH_SERVICE_PORT = 22

/** The TCP port a firewall rule guards for an access target; postfixadmin is guarded by Apache, not by a port. */
export function portOf(t: AccessTarget, sshPort = SSH_SERVICE_PORT): number | null {
  if (t === 'ssh') return sshPort
  if (t === 'postfixadmin') return null
  return Number(t.slice(4))
}

const uniq = (xs: string[]) => [...new Set(xs)].sort(compareAddresses)

export function compareAddresses(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true })
}

/** The backend-neutral rules of an allowlist. */
export function ruleModel(a: Pick<Allowlist, 'entries' | 'blocked'>, sshPort = SSH_SERVICE_PORT): RuleModel {
  const ports = new Map<number, PortRule>()
  for (const e of a.entries) {
    for (const t of e.access) {
      const port = portOf(t, sshPort)
      if (port === null) continue
      const r = ports.get(port) ?? { port, v4: [], v6: [] }
      if (e.ipv4) r.v4.push(e.ipv4)
      if (e.ipv6) r.v6.push(e.ipv6)
      ports.set(port, r)
    }
  }
  return {
    blocked4: uniq(a.blocked.filter((b) => !b.address.includes(':')).map((b) => b.address)),
    blocked6: uniq(a.blocked.filter((b) => b.address.includes(':')).map((b) => b.address)),
    ports: [...ports.values()].sort((x, y) => x.port - y.port).map((r) => ({ port: r.port, v4: uniq(r.v4), v6: uniq(r.v6) })),
  }
}

/** The addresses allowed to reach PostfixAdmin's web path (Apache block). */
export function webAllowed(a: Pick<Allowlist, 'entries'>): string[] {
  return uniq(a.entries.filter((e) => e.access.includes('postfixadmin')).flatMap((e) => [e.ipv4, e.ipv6].filter((x): x is string => !!x)))
}

/** The address of `$SSH_CONNECTION` ("client-ip client-port server-ip server-port"), IPv4-mapped IPv6 unwrapped. */
export function clientAddressOf(sshConnection: string): string | null {
  const first = sshConnection.trim().split(/\s+/)[0]
  if (!first) return null
  const addr = first.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1')
  return /^[0-9a-fA-F:.]+$/.test(addr) ? addr : null
}

/** The entry to follow the home address: the one flagged home, else one named "home". */
export function homeEntryOf(a: Pick<Allowlist, 'entries'>, name?: string): AllowEntry | undefined {
  if (name) return a.entries.find((e) => e.name === name)
  return a.entries.find((e) => e.home) ?? a.entries.find((e) => e.name === 'home')
}

/** A copy of the allowlist with the entry's address set to `address`, the old one moved to its history. */
export function withEntryAddress(a: Allowlist, entryName: string, address: string, now: string): Allowlist {
  const v6 = address.includes(':')
  return {
    ...a,
    entries: a.entries.map((e) => {
      if (e.name !== entryName) return e
      const old = v6 ? e.ipv6 : e.ipv4
      if (old === address) return e
      const history = old ? [{ address: old, from: e.since ?? now, until: now }, ...e.history].slice(0, 50) : e.history
      return { ...e, ...(v6 ? { ipv6: address } : { ipv4: address }), since: now, history }
    }),
  }
}

/** Lines in `after` not in `before` and the other way round (as multisets, order kept). */
export function lineDiff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())
  const b = count(before)
  const a = count(after)
  const added = after.filter((x) => {
    const n = b.get(x) ?? 0
    if (n > 0) return (b.set(x, n - 1), false)
    return true
  })
  const removed = before.filter((x) => {
    const n = a.get(x) ?? 0
    if (n > 0) return (a.set(x, n - 1), false)
    return true
  })
  return { added, removed }
}
