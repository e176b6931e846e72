import bundledChanges from '../../../resources/catalogs/dovecot-changes.json'
import bundled from '../../../resources/catalogs/dovecot-2.3.json'

/** What Dovecot knows: `doveconf -d` of one version, plus names it accepts without printing them. */
export interface DovecotCatalog {
  version: string
  /** top-level setting -> default */
  settings: Record<string, string>
  /** Accepted by doveconf but not printed by `doveconf -d` (e.g. mail_cache_min_mail_count). */
  hiddenSettings: string[]
  /** Old names this version still accepts, with doveconf's own "Obsolete setting" text. */
  obsoleteSettings: Record<string, string>
  /** Keys of list sections (service, inet_listener, namespace, passdb, ...) -> default. */
  sections: Record<string, Record<string, string>>
}

export interface DovecotChange {
  name?: string
  prefix?: string
  change: 'renamed' | 'replaced' | 'removed'
  since: string
  replacement?: string
  replacementPrefix?: string
  fix?: string
  note?: string
  /** that version refuses to start with the old setting */
  fatal?: boolean
}

export interface DovecotAddition {
  name?: string
  prefix?: string
  section?: string
  since: string
  older?: string
}

export interface DovecotKnowledgeBase {
  catalog: DovecotCatalog
  changes: { settings: DovecotChange[]; added: DovecotAddition[] }
}

export const bundledDovecotCatalog: DovecotCatalog = {
  version: bundled.version,
  settings: bundled.settings as Record<string, string>,
  hiddenSettings: bundled.hiddenSettings,
  obsoleteSettings: bundled.obsoleteSettings as Record<string, string>,
  sections: bundled.sections as Record<string, Record<string, string>>,
}

export const bundledDovecotKnowledge: DovecotKnowledgeBase = {
  catalog: bundledDovecotCatalog,
  changes: bundledChanges as DovecotKnowledgeBase['changes'],
}
