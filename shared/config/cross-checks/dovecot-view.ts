import type { DovecotFileLines, DovecotSettingLine } from '../dovecot/dovecot-lines'
import { lastSetting, type DovecotSectionNode, type DovecotSettingNode, type DovecotTree } from '../dovecot/dovecot-tree'

export type DovecotLines = DovecotFileLines

export interface DovecotListener {
  kind: 'unix_listener' | 'inet_listener' | 'fifo_listener'
  /** The listener's name: a socket path for unix listeners. */
  name: string
  section: DovecotSectionNode
  setting(key: string): DovecotSettingNode | undefined
}

/** Read-only questions about an effective Dovecot configuration. */
export class DovecotView {
  constructor(
    readonly tree: DovecotTree,
    readonly defaults: Record<string, string>,
  ) {}

  /** The top-level value in force (last assignment), or for a protocol its protocol { } override. */
  setting(key: string, protocol?: string): DovecotSettingNode | undefined {
    if (protocol)
      for (const s of [...this.sections('protocol')].reverse()) {
        if (s.name.split(/\s+/).includes(protocol)) {
          const v = lastSetting(s, key)
          if (v) return v
        }
      }
    return lastSetting(this.tree.root, key)
  }

  value(key: string, protocol?: string): string | undefined {
    return this.setting(key, protocol)?.value ?? this.defaults[key]
  }

  /** Top-level sections of a type, in order. */
  sections(type: string): DovecotSectionNode[] {
    return this.tree.root.children.filter((c): c is DovecotSectionNode => c.kind === 'section' && c.sectionType === type)
  }

  /** Listeners of `service NAME { }` (all sections of that name, as Dovecot merges them). */
  listeners(service: string): DovecotListener[] {
    const out: DovecotListener[] = []
    for (const s of this.sections('service').filter((x) => x.name === service))
      for (const c of s.children)
        if (c.kind === 'section' && (c.sectionType === 'unix_listener' || c.sectionType === 'inet_listener' || c.sectionType === 'fifo_listener'))
          out.push({ kind: c.sectionType, name: c.name, section: c, setting: (k) => lastSetting(c, k) })
    return out
  }

  /**
   * The protocols list as Dovecot builds it (`protocols = $protocols imap` appends), or undefined if
   * no file of the set sets it (it may come from files not in the set, e.g. Debian's protocols.d).
   */
  protocols(): string[] | undefined {
    let list: string[] | undefined
    for (const c of this.tree.root.children) {
      if (c.kind !== 'setting' || c.key !== 'protocols') continue
      const words = c.value.split(/\s+/).filter(Boolean)
      list = words[0] === '$protocols' ? [...(list ?? []), ...words.slice(1)] : words
    }
    return list
  }
}

/** Last `key = value` of a key=value side file (dovecot-sql.conf.ext), or undefined. */
export function sideFileSetting(lines: DovecotFileLines, key: string): DovecotSettingLine | undefined {
  let found: DovecotSettingLine | undefined
  for (const l of lines.lines) if (l.type === 'setting' && l.key === key) found = l
  return found
}
