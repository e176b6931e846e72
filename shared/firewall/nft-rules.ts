import type { RuleModel } from './allowlist-model'

/** The table Postdesk owns (inet: IPv4 and IPv6 in one); other tables are never named. */
export const NFT_TABLE = 'inet postdesk'

/** The table as `nft list table inet postdesk` prints it (blank lines aside), so the diff is exact. */
export function nftTable(m: RuleModel): string[] {
  const sets: string[] = []
  const set = (name: string, type: 'ipv4_addr' | 'ipv6_addr', elems: string[]) => {
    sets.push(`\tset ${name} {`, `\t\ttype ${type}`, ...(elems.length ? [`\t\telements = { ${elems.join(', ')} }`] : []), '\t}')
  }
  set('blocked4', 'ipv4_addr', m.blocked4)
  set('blocked6', 'ipv6_addr', m.blocked6)
  const chain = ['\tchain input {', '\t\ttype filter hook input priority filter - 10; policy accept;', '\t\tip saddr @blocked4 drop', '\t\tip6 saddr @blocked6 drop', '\t\tct state established,related accept']
  for (const p of m.ports) {
    set(`allow4_${p.port}`, 'ipv4_addr', p.v4)
    set(`allow6_${p.port}`, 'ipv6_addr', p.v6)
    chain.push(`\t\ttcp dport ${p.port} ip saddr @allow4_${p.port} accept`, `\t\ttcp dport ${p.port} ip6 saddr @allow6_${p.port} accept`, `\t\ttcp dport ${p.port} drop`)
  }
  return [`table ${NFT_TABLE} {`, ...sets, ...chain, '\t}', '}']
}

/** Rule lines of a table listing for display and diff: trimmed, no blank or brace-only lines. */
export function nftRuleLines(listing: string | string[]): string[] {
  const lines = Array.isArray(listing) ? listing : listing.split('\n')
  return lines.map((l) => l.trim()).filter((l) => l && l !== '}' && l !== '{')
}

/** One `nft -f` transaction replacing the owned table (creating it first so the delete cannot fail). */
export function nftScript(table: string[]): string {
  return [`table ${NFT_TABLE}`, `delete table ${NFT_TABLE}`, ...table, ''].join('\n')
}

/** The transaction that restores the table as listed before (or removes it when there was none). */
export function nftRollbackScript(beforeListing: string): string {
  const body = beforeListing.trim()
  return body ? nftScript(body.split('\n')) : [`table ${NFT_TABLE}`, `delete table ${NFT_TABLE}`, ''].join('\n')
}

/** Everything in `nft list ruleset` outside the owned table: must never change. */
export function foreignNft(ruleset: string): string {
  const out: string[] = []
  let depth = 0
  let owned = false
  for (const l of ruleset.split('\n')) {
    if (depth === 0 && l.startsWith(`table ${NFT_TABLE} `)) owned = true
    const opens = (l.match(/{/g) ?? []).length
    const closes = (l.match(/}/g) ?? []).length
    if (!owned) out.push(l)
    depth += opens - closes
    if (depth === 0) owned = false
  }
  return out.join('\n')
}
