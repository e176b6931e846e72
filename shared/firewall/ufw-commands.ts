import type { RuleModel } from './allowlist-model'

/** Every ufw rule Postdesk writes carries this comment; rules without it are never deleted. */
export const UFW_COMMENT = 'postdesk'

/** ufw rule specs (the words after `ufw`/`ufw delete`), in the order they must match: blocks, allows, then port denies. */
export function ufwRuleSpecs(m: RuleModel): string[][] {
  const specs: string[][] = []
  for (const b of [...m.blocked4, ...m.blocked6]) specs.push(['deny', 'from', b, 'comment', UFW_COMMENT])
  for (const p of m.ports) {
    for (const a of [...p.v4, ...p.v6]) specs.push(['allow', 'from', a, 'to', 'any', 'port', String(p.port), 'proto', 'tcp', 'comment', UFW_COMMENT])
    specs.push(['deny', 'to', 'any', 'port', String(p.port), 'proto', 'tcp', 'comment', UFW_COMMENT])
  }
  return specs
}

/**
 * The ufw argv lists that turn `before` into `after`: new rules are inserted at the top in reverse order
 * (so they end up in order, before anything foreign), rules gone are deleted by their full spec.
 */
export function ufwCommands(before: RuleModel, after: RuleModel): string[][] {
  const key = (s: string[]) => s.join(' ')
  const old = ufwRuleSpecs(before)
  const next = ufwRuleSpecs(after)
  const cmds: string[][] = []
  for (const s of old) if (!next.some((n) => key(n) === key(s))) cmds.push(['ufw', '--force', 'delete', ...s])
  const added = next.filter((s) => !old.some((o) => key(o) === key(s)))
  for (const s of [...added].reverse()) cmds.push(['ufw', '--force', 'insert', '1', ...s])
  return cmds
}
