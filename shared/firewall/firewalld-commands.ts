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

/**
 * A rich rule of a zone as a line: `[zone Z] RULE`. The ipsets are global, the rich rules live in zones:
 * Postdesk puts its rules in every zone that receives traffic, so each line names its zone.
 */
export function zoneRuleLine(zone: string | null, rule: string): string {
  return zone ? `[zone ${zone}] ${rule}` : rule
}

/** `[zone Z] RULE` -> {zone: Z, rule}; an untagged `RULE` (the default zone) -> {zone: null, rule}; other lines -> null. */
export function parseZoneRuleLine(line: string): { zone: string | null; rule: string } | null {
  const m = /^\[zone ([^\]\s]+)\] (rule .*)$/.exec(line)
  if (m) return { zone: m[1]!, rule: m[2]! }
  return line.startsWith('rule ') ? { zone: null, rule: line } : null
}

/**
 * The owned state as lines: the rich rules in each of `zones` (`[zone Z] RULE`; untagged when no zone is
 * known, i.e. firewalld's default zone), then one `ipset NAME ENTRY` line per set entry.
 */
export function firewalldLines(m: RuleModel, zones: string[] = []): string[] {
  const rules = firewalldRichRules(m)
  const rich = zones.length ? zones.flatMap((z) => rules.map((r) => zoneRuleLine(z, r))) : rules
  return [...rich, ...sets(m).flatMap((s) => s.entries.map((e) => `ipset ${s.name} ${e}`))]
}

/**
 * What the detect script printed for firewalld:
 * `default Z` (firewall-cmd --get-default-zone), `active LINE` (each line of --get-active-zones),
 * `pzone LINE` (each line of --permanent --list-all-zones), `set NAME`, `ipset NAME ENTRY`.
 */
export interface FirewalldState {
  /** The default zone: it takes the traffic of the interfaces bound to no zone. */
  defaultZone: string | null
  /**
   * The zones that receive traffic from the network, sorted: the default zone and the zones bound to an
   * interface, now (--get-active-zones) or in the permanent configuration (what a reload makes active).
   * Postdesk's rich rules go in each of them. A zone bound only to sources is left out: the admin bound
   * those networks (a LAN in `trusted`, a range in `drop`) on purpose, and Postdesk's port drops there
   * could lock out the very hosts meant to be trusted.
   */
  zones: string[]
  /** Owned lines: `[zone Z] RULE` for Postdesk's rich rules in ANY zone (active or not), entries of postdesk-* sets. */
  lines: string[]
  /** The zones holding Postdesk's rich rules now (sorted). */
  withRules: string[]
  /** The postdesk-* ipsets that exist (also the empty ones). */
  sets: string[]
}

/** A zone's name from a header line of firewall-cmd (`public`, `public (default, active)`, `dmz (active)`). */
function zoneNameOf(header: string): string | null {
  const name = header.trim().split(/\s+/)[0]
  return name && !name.startsWith('(') ? name : null
}

export function parseFirewalldState(text: string): FirewalldState {
  let defaultZone: string | null = null
  const traffic = new Set<string>()
  const lines: string[] = []
  const withRules = new Set<string>()
  const sets: string[] = []
  const entries: string[] = []
  // --permanent --list-all-zones: a zone header at column 0, `  key: value` lines, and tab-indented
  // continuation lines (the rich rules after `  rich rules: `, also forward ports).
  let pzone: string | null = null
  let key: string | null = null
  /** the zone of the --get-active-zones block being read */
  let activeZone: string | null = null
  const addRule = (rule: string) => {
    if (!pzone || !isOwnedRichRule(rule)) return
    lines.push(zoneRuleLine(pzone, rule))
    withRules.add(pzone)
  }
  for (const raw of text.split('\n')) {
    if (raw.startsWith('pzone ')) {
      const l = raw.slice(6)
      if (!l.trim()) continue
      if (!/^\s/.test(l)) {
        pzone = zoneNameOf(l)
        key = null
      } else if (l.startsWith('\t')) {
        if (key === 'rich rules') addRule(l.trim())
      } else {
        const m = /^\s+([a-z][a-z -]*):(.*)$/.exec(l)
        if (!m) continue
        key = m[1]!
        const value = m[2]!.trim()
        if (key === 'interfaces' && value && pzone) traffic.add(pzone)
        if (key === 'rich rules' && value) addRule(value)
      }
      continue
    }
    const l = raw.trim()
    if (l.startsWith('default ')) defaultZone = zoneNameOf(l.slice(8))
    else if (raw.startsWith('active ')) {
      // --get-active-zones: `ZONE` (newer firewalld: `ZONE (default)`), then `  interfaces: …` / `  sources: …`.
      const a = raw.slice(7)
      if (a.trim() && !/^\s/.test(a)) activeZone = zoneNameOf(a)
      else if (activeZone && /^\s+interfaces:\s*\S/.test(a)) traffic.add(activeZone)
    } else if (l.startsWith('set ') && l.slice(4).startsWith(FWD_PREFIX)) sets.push(l.slice(4))
    else if (l.startsWith('ipset ') && l.split(' ')[1]?.startsWith(FWD_PREFIX) && l.split(' ').length === 3) entries.push(l)
  }
  if (defaultZone) traffic.add(defaultZone)
  return { defaultZone, zones: [...traffic].sort(), lines: [...lines, ...entries], withRules: [...withRules].sort(), sets }
}

const familyOf = (set: string) => (set.endsWith('-6') ? 'inet6' : 'inet')

/**
 * The firewall-cmd argv lists that turn the owned lines `before` into `after` in the permanent
 * configuration, then one `--reload` (runtime = permanent, in one step). Rich rules are removed from
 * and added to the zone their line names (`[zone Z] RULE`; an untagged line: the default zone).
 * `existingSets` are the postdesk-* ipsets on the server. Only postdesk-* ipsets and rich rules with
 * Postdesk's priorities are named.
 */
export function firewalldCommandsForLines(before: string[], after: string[], existingSets: string[]): string[][] {
  const rich = (ls: string[]) => ls.flatMap((l) => {
    const r = parseZoneRuleLine(l)
    return r ? [{ line: l, args: [...(r.zone ? [`--zone=${r.zone}`] : []), r.rule] as string[] }] : []
  })
  const entries = (ls: string[]) => ls.filter((l) => l.startsWith('ipset ')).map((l) => l.split(' ') as [string, string, string])
  const setsAfter = [...new Set(entries(after).map((e) => e[1]))]
  const cmds: string[][] = []
  const ruleCmd = (verb: 'add' | 'remove', args: string[]) => ['firewall-cmd', '--permanent', ...args.slice(0, -1), `--${verb}-rich-rule=${args[args.length - 1]!}`]
  for (const r of rich(before)) if (!after.includes(r.line)) cmds.push(ruleCmd('remove', r.args))
  const dropped = existingSets.filter((s) => !setsAfter.includes(s))
  for (const [, s, e] of entries(before)) if (!dropped.includes(s) && !after.includes(`ipset ${s} ${e}`)) cmds.push(['firewall-cmd', '--permanent', `--ipset=${s}`, `--remove-entry=${e}`])
  for (const s of dropped) cmds.push(['firewall-cmd', '--permanent', `--delete-ipset=${s}`])
  for (const s of setsAfter) if (!existingSets.includes(s)) cmds.push(['firewall-cmd', '--permanent', `--new-ipset=${s}`, '--type=hash:ip', `--option=family=${familyOf(s)}`])
  for (const [, s, e] of entries(after)) if (!before.includes(`ipset ${s} ${e}`)) cmds.push(['firewall-cmd', '--permanent', `--ipset=${s}`, `--add-entry=${e}`])
  for (const r of rich(after)) if (!before.includes(r.line)) cmds.push(ruleCmd('add', r.args))
  if (cmds.length) cmds.push(['firewall-cmd', '--reload'])
  return cmds
}

/** The same from two rule models in `zones` (the sets of `before` taken as existing). */
export function firewalldCommands(before: RuleModel, after: RuleModel, zones: string[] = []): string[][] {
  return firewalldCommandsForLines(firewalldLines(before, zones), firewalldLines(after, zones), sets(before).map((s) => s.name))
}
