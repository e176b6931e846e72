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
 * Postdesk's rich rules are told apart by their priorities (firewalld rich rules carry no comment):
 * blocks -32760, allows -32700, port drops -32600. Rules with other priorities are never touched.
 */
export const FWD_PRIORITIES = ['-32760', '-32700', '-32600']

export function isOwnedRichRule(rule: string): boolean {
  return FWD_PRIORITIES.some((p) => rule.startsWith(`rule priority="${p}" `))
}

/** The owned state as lines: the rich rules, then one `ipset NAME ENTRY` line per set entry. */
export function firewalldLines(m: RuleModel): string[] {
  return [...firewalldRichRules(m), ...sets(m).flatMap((s) => s.entries.map((e) => `ipset ${s.name} ${e}`))]
}

/** What the detect script printed for firewalld: `zone Z`, `rich RULE`, `set NAME`, `ipset NAME ENTRY` lines. */
export interface FirewalldState {
  zone: string | null
  /** Owned lines (rich rules with Postdesk's priorities, entries of postdesk-* sets). */
  lines: string[]
  /** The postdesk-* ipsets that exist (also the empty ones). */
  sets: string[]
}

export function parseFirewalldState(text: string): FirewalldState {
  const st: FirewalldState = { zone: null, lines: [], sets: [] }
  for (const raw of text.split('\n')) {
    const l = raw.trim()
    if (l.startsWith('zone ')) st.zone = l.slice(5).trim() || null
    else if (l.startsWith('rich ') && isOwnedRichRule(l.slice(5))) st.lines.push(l.slice(5))
    else if (l.startsWith('set ') && l.slice(4).startsWith(FWD_PREFIX)) st.sets.push(l.slice(4))
    else if (l.startsWith('ipset ') && l.split(' ')[1]?.startsWith(FWD_PREFIX) && l.split(' ').length === 3) st.lines.push(l)
  }
  return st
}

const familyOf = (set: string) => (set.endsWith('-6') ? 'inet6' : 'inet')

/**
 * The firewall-cmd argv lists that turn the owned lines `before` into `after` in the permanent
 * configuration, then one `--reload` (runtime = permanent, in one step). `existingSets` are the
 * postdesk-* ipsets on the server. Only postdesk-* ipsets and rich rules with Postdesk's priorities are named.
 */
export function firewalldCommandsForLines(before: string[], after: string[], existingSets: string[], zone?: string | null): string[][] {
  const z = zone ? [`--zone=${zone}`] : []
  const rich = (ls: string[]) => ls.filter((l) => l.startsWith('rule '))
  const entries = (ls: string[]) => ls.filter((l) => l.startsWith('ipset ')).map((l) => l.split(' ') as [string, string, string])
  const setsAfter = [...new Set(entries(after).map((e) => e[1]))]
  const cmds: string[][] = []
  for (const r of rich(before)) if (!after.includes(r)) cmds.push(['firewall-cmd', '--permanent', ...z, `--remove-rich-rule=${r}`])
  const dropped = existingSets.filter((s) => !setsAfter.includes(s))
  for (const [, s, e] of entries(before)) if (!dropped.includes(s) && !after.includes(`ipset ${s} ${e}`)) cmds.push(['firewall-cmd', '--permanent', `--ipset=${s}`, `--remove-entry=${e}`])
  for (const s of dropped) cmds.push(['firewall-cmd', '--permanent', `--delete-ipset=${s}`])
  for (const s of setsAfter) if (!existingSets.includes(s)) cmds.push(['firewall-cmd', '--permanent', `--new-ipset=${s}`, '--type=hash:ip', `--option=family=${familyOf(s)}`])
  for (const [, s, e] of entries(after)) if (!before.includes(`ipset ${s} ${e}`)) cmds.push(['firewall-cmd', '--permanent', `--ipset=${s}`, `--add-entry=${e}`])
  for (const r of rich(after)) if (!before.includes(r)) cmds.push(['firewall-cmd', '--permanent', ...z, `--add-rich-rule=${r}`])
  if (cmds.length) cmds.push(['firewall-cmd', '--reload'])
  return cmds
}

/** The same from two rule models (the sets of `before` taken as existing). */
export function firewalldCommands(before: RuleModel, after: RuleModel, zone?: string): string[][] {
  return firewalldCommandsForLines(firewalldLines(before), firewalldLines(after), sets(before).map((s) => s.name), zone)
}
