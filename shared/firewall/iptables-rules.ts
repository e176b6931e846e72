import type { RuleModel } from './allowlist-model'

/** The chain Postdesk owns; INPUT jumps to it first. Nothing outside it (but that jump) is ever written. */
export const IPT_CHAIN = 'POSTDESK-INPUT'
export const IPT_JUMP = `-A INPUT -j ${IPT_CHAIN}`

export interface IptablesOwned {
  /** The chain exists. */
  chain: boolean
  jump: boolean
  /** The chain's rules, as iptables-save prints them. */
  rules: string[]
}

/** The owned part of one `iptables-save` (filter table) output. */
export function ownedIptables(save: string): IptablesOwned {
  const lines = filterTable(save)
  return {
    chain: lines.some((l) => l.startsWith(`:${IPT_CHAIN} `)),
    jump: lines.includes(IPT_JUMP),
    rules: lines.filter((l) => l.startsWith(`-A ${IPT_CHAIN} `)),
  }
}

/** Everything in an `iptables-save` output that Postdesk does not own (counters and comments dropped): must never change. */
export function foreignIptables(save: string): string[] {
  return save
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
    .filter((l) => !l.startsWith(`:${IPT_CHAIN} `) && !l.startsWith(`-A ${IPT_CHAIN} `) && l !== IPT_JUMP)
}

function filterTable(save: string): string[] {
  const out: string[] = []
  let inFilter = false
  for (const l of save.split('\n')) {
    if (l.startsWith('*')) inFilter = l === '*filter'
    else if (l === 'COMMIT') inFilter = false
    else if (inFilter && l) out.push(l)
  }
  return out
}

const host = (a: string, v6: boolean) => `${a}/${v6 ? 128 : 32}`

/** The chain's rules in iptables-save's own spelling (so a diff against the server's output is exact). */
export function iptablesChainRules(m: RuleModel, family: 4 | 6): string[] {
  const v6 = family === 6
  const rules: string[] = []
  for (const b of v6 ? m.blocked6 : m.blocked4) rules.push(`-A ${IPT_CHAIN} -s ${host(b, v6)} -j DROP`)
  // Connections already open (the admin's own SSH session among them) keep flowing until they close.
  rules.push(`-A ${IPT_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`)
  for (const p of m.ports) {
    for (const a of v6 ? p.v6 : p.v4) rules.push(`-A ${IPT_CHAIN} -s ${host(a, v6)} -p tcp -m tcp --dport ${p.port} -j ACCEPT`)
    rules.push(`-A ${IPT_CHAIN} -p tcp -m tcp --dport ${p.port} -j DROP`)
  }
  return rules
}

/**
 * An `iptables-restore --noflush` input that makes the owned chain hold exactly `rules` (declaring a chain
 * under --noflush empties it) and adds the jump from INPUT if it is missing: one atomic commit.
 */
export function iptablesRestoreInput(rules: string[], current: IptablesOwned): string {
  return ['*filter', `:${IPT_CHAIN} - [0:0]`, ...rules, ...(current.jump ? [] : [`-I INPUT 1 -j ${IPT_CHAIN}`]), 'COMMIT', ''].join('\n')
}

/** The input that puts the owned part back as it was in `before` (applied after `iptablesRestoreInput`, so the jump exists). */
export function iptablesRollbackInput(before: IptablesOwned): string {
  if (!before.chain) return ['*filter', `-D INPUT -j ${IPT_CHAIN}`, `-F ${IPT_CHAIN}`, `-X ${IPT_CHAIN}`, 'COMMIT', ''].join('\n')
  return ['*filter', `:${IPT_CHAIN} - [0:0]`, ...before.rules, ...(before.jump ? [] : [`-D INPUT -j ${IPT_CHAIN}`]), 'COMMIT', ''].join('\n')
}
