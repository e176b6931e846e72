import type { RuleModel } from './allowlist-model'

/** firewalld: one ipset per port and family (`postdesk-p993-4`), rich rules referring to them, runtime and permanent. */
export const FWD_PREFIX = 'postdesk-'

export function firewalldSetName(port: number | 'blocked', family: 4 | 6): string {
  return `${FWD_PREFIX}${port === 'blocked' ? 'blocked' : `p${port}`}-${family}`
}

const fam = (f: 4 | 6) => (f === 4 ? 'ipv4' : 'ipv6')

/** The rich rules of a model: allowed sets accept first (priority -32700), then the port is dropped (-32600). */
export function firewalldRichRules(m: RuleModel): string[] {
  const out: string[] = []
  for (const f of [4, 6] as const) {
    if ((f === 4 ? m.blocked4 : m.blocked6).length) out.push(`rule priority="-32760" family="${fam(f)}" source ipset="${firewalldSetName('blocked', f)}" drop`)
  }
  for (const p of m.ports) {
    for (const f of [4, 6] as const) {
      if ((f === 4 ? p.v4 : p.v6).length) out.push(`rule priority="-32700" family="${fam(f)}" source ipset="${firewalldSetName(p.port, f)}" port port="${p.port}" protocol="tcp" accept`)
    }
    out.push(`rule priority="-32600" port port="${p.port}" protocol="tcp" drop`)
  }
  return out
}

function sets(m: RuleModel): { name: string; family: 4 | 6; entries: string[] }[] {
  const out: { name: string; family: 4 | 6; entries: string[] }[] = []
  if (m.blocked4.length) out.push({ name: firewalldSetName('blocked', 4), family: 4, entries: m.blocked4 })
  if (m.blocked6.length) out.push({ name: firewalldSetName('blocked', 6), family: 6, entries: m.blocked6 })
  for (const p of m.ports) {
    if (p.v4.length) out.push({ name: firewalldSetName(p.port, 4), family: 4, entries: p.v4 })
    if (p.v6.length) out.push({ name: firewalldSetName(p.port, 6), family: 6, entries: p.v6 })
  }
  return out
}

/**
 * The firewall-cmd argv lists that turn `before` into `after` in the permanent configuration, then one
 * `--reload` (runtime = permanent, in one step). Only postdesk-* ipsets and their rich rules are named.
 */
export function firewalldCommands(before: RuleModel, after: RuleModel, zone?: string): string[][] {
  const z = zone ? [`--zone=${zone}`] : []
  const cmds: string[][] = []
  const oldRules = firewalldRichRules(before)
  const newRules = firewalldRichRules(after)
  for (const r of oldRules) if (!newRules.includes(r)) cmds.push(['firewall-cmd', '--permanent', ...z, `--remove-rich-rule=${r}`])
  const oldSets = sets(before)
  const newSets = sets(after)
  for (const s of oldSets) if (!newSets.some((n) => n.name === s.name)) cmds.push(['firewall-cmd', '--permanent', `--delete-ipset=${s.name}`])
  for (const s of newSets) {
    const old = oldSets.find((o) => o.name === s.name)
    if (!old) cmds.push(['firewall-cmd', '--permanent', `--new-ipset=${s.name}`, '--type=hash:ip', `--option=family=${s.family === 4 ? 'inet' : 'inet6'}`])
    for (const e of old?.entries ?? []) if (!s.entries.includes(e)) cmds.push(['firewall-cmd', '--permanent', `--ipset=${s.name}`, `--remove-entry=${e}`])
    for (const e of s.entries) if (!old?.entries.includes(e)) cmds.push(['firewall-cmd', '--permanent', `--ipset=${s.name}`, `--add-entry=${e}`])
  }
  for (const r of newRules) if (!oldRules.includes(r)) cmds.push(['firewall-cmd', '--permanent', ...z, `--add-rich-rule=${r}`])
  if (cmds.length) cmds.push(['firewall-cmd', '--reload'])
  return cmds
}
