import bundledChanges from '../../../resources/catalogs/postfix-changes.json'
import bundledHistory from '../../../resources/catalogs/postfix-parameter-history.json'
import bundled from '../../../resources/catalogs/postfix-3.7.json'

/** What Postfix knows: `postconf -d` of one version plus what is derived from it. */
export interface PostfixCatalog {
  version: string
  /** name -> default value */
  parameters: Record<string, string>
  /** Old names still honoured because a current default refers to them (virtual_maps -> virtual_alias_maps). */
  legacyNames: Record<string, string>
  /** Parameters read without $name expansion: their `$x` are runtime macros, not parameter references. */
  rawParameters: string[]
  /** master.cf service name + '_' + suffix is a parameter (e.g. dovecot_destination_recipient_limit). */
  perTransportSuffixes: string[]
}

export interface VersionNote {
  since?: string
  until?: string
  renamedTo?: string
  renamedIn?: string
  removedIn?: string
}

export interface PostfixChange {
  name: string
  change: 'deprecated' | 'renamed' | 'removed'
  since?: string
  replacement?: string
  fix?: string
  note?: string
}

export interface PostfixKnowledgeBase {
  catalog: PostfixCatalog
  /** postconf(5): the version each parameter / restriction appeared in. */
  history: { parameters: Record<string, VersionNote>; restrictions: Record<string, VersionNote> }
  changes: { parameters: PostfixChange[]; restrictions: PostfixChange[] }
}

export const bundledPostfixCatalog: PostfixCatalog = {
  version: bundled.version,
  parameters: bundled.parameters as Record<string, string>,
  legacyNames: bundled.legacyNames as Record<string, string>,
  rawParameters: bundled.rawParameters,
  perTransportSuffixes: bundled.perTransportSuffixes,
}

export const bundledPostfixKnowledge: PostfixKnowledgeBase = {
  catalog: bundledPostfixCatalog,
  history: bundledHistory as PostfixKnowledgeBase['history'],
  changes: bundledChanges as PostfixKnowledgeBase['changes'],
}

/**
 * Builds a catalogue from a server's own `postconf -d` output (captured at pull time), keeping the
 * bundled lists that postconf does not print (raw parameters, per-transport suffixes).
 */
export function postfixCatalogFromPostconf(output: string, base: PostfixCatalog = bundledPostfixCatalog): PostfixCatalog {
  const parameters: Record<string, string> = {}
  for (const line of output.split('\n')) {
    const m = /^([^\s=#]+) =(?: (.*))?$/.exec(line)
    if (m) parameters[m[1] as string] = m[2] ?? ''
  }
  const legacyNames: Record<string, string> = {}
  for (const [name, value] of Object.entries(parameters)) {
    if (base.rawParameters.includes(name)) continue
    for (const m of value.matchAll(/\$(?:\{|\()?([A-Za-z0-9_]+)/g)) if (!((m[1] as string) in parameters)) legacyNames[m[1] as string] = name
  }
  return { ...base, version: parameters.mail_version ?? base.version, parameters, legacyNames }
}
