import type { RuleModel } from './allowlist-model'

/** Every ufw rule Postdesk writes carries this comment; rules without it are never deleted. */
export const UFW_COMMENT = 'postdesk'
const SUFFIX = ` comment '${UFW_COMMENT}'`

/**
 * ufw rule specs (the words after `ufw`/`ufw delete`, without the comment), in the order they must
 * match: blocks, then per port its allows and its deny. The deny is in the short form `ufw show added`
 * prints (`deny 993/tcp`), so a spec and the server's listing compare as text.
 */
export function ufwRuleSpecs(m: RuleModel): string[][] {
  const specs: string[][] = []
  for (const b of [...m.blocked4, ...m.blocked6]) specs.push(['deny', 'from', b])
  for (const p of m.ports) {
    for (const a of [...p.v4, ...p.v6]) specs.push(['allow', 'from', a, 'to', 'any', 'port', String(p.port), 'proto', 'tcp'])
    specs.push(['deny', `${p.port}/tcp`])
  }
  return specs
}

/** A spec as one line of `ufw show added` (`ufw allow from A to any port 993 proto tcp comment 'postdesk'`). */
export function ufwLine(spec: string[]): string {
  return `ufw ${spec.join(' ')}${SUFFIX}`
}

export function ufwRuleLines(m: RuleModel): string[] {
  return ufwRuleSpecs(m).map(ufwLine)
}

/** The Postdesk rules in the output of `ufw show added` (rules with another comment or none are foreign). */
export function ownedUfwLines(showAdded: string): string[] {
  return showAdded
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('ufw ') && l.endsWith(SUFFIX))
}

/** The spec of an owned line, or null when it is not one of the simple forms Postdesk writes (never run). */
export function ufwSpecOf(line: string): string[] | null {
  if (!line.startsWith('ufw ') || !line.endsWith(SUFFIX)) return null
  const words = line.slice(4, -SUFFIX.length).split(' ')
  return words.every((w) => /^[A-Za-z0-9:./_-]+$/.test(w)) && (words[0] === 'allow' || words[0] === 'deny') ? words : null
}

/**
 * The ufw argv lists that turn the owned lines `before` into `after`: rules gone are deleted by their full
 * spec and comment; new rules are prepended in reverse order, so they end up in order on top of the
 * list (above anything foreign), each family at the top of its own rules.
 */
export function ufwCommandsForLines(before: string[], after: string[]): string[][] {
  const cmds: string[][] = []
  for (const l of before) {
    const spec = ufwSpecOf(l)
    if (spec && !after.includes(l)) cmds.push(['ufw', '--force', 'delete', ...spec, 'comment', UFW_COMMENT])
  }
  const added = after.filter((l) => !before.includes(l))
  for (const l of [...added].reverse()) {
    const spec = ufwSpecOf(l)
    if (spec) cmds.push(['ufw', 'prepend', ...spec, 'comment', UFW_COMMENT])
  }
  return cmds
}

export function ufwCommands(before: RuleModel, after: RuleModel): string[][] {
  return ufwCommandsForLines(ufwRuleLines(before), ufwRuleLines(after))
}
