import { kindFromName, type ConfigFileKind } from '../../../../shared/config/config-set'
import { readDovecotLines } from '../../../../shared/config/dovecot/dovecot-lines'
import { expandBraces, resolveRelative } from '../../../../shared/config/glob-match'
import { parseMainCf } from '../../../../shared/config/postfix/main-cf-parser'
import { parseMasterCf } from '../../../../shared/config/postfix/master-cf-parser'
import { CONFIG_FILE_TYPES, findMapReferences, mapNamesFile } from '../../../../shared/config/postfix/map-references'
import type { ConfigOwner } from '../../../../shared/domain/config-workspace'

/** A file (or glob of files) another config names, with what it is. */
export interface ConfigReference {
  /** Absolute path or glob pattern on the server. */
  pattern: string
  kind: ConfigFileKind
  mapType?: string
  passwordMap?: boolean
  /** A glob (Dovecot !include): no match is not a missing file. */
  glob: boolean
  /** `!include_try` or a candidate location: absence is normal. */
  optional: boolean
  /** Who refers to it, for messages. */
  from: string
}

/** Dovecot `<file` values that are TLS material (keys are secrets, certificates are not configs): never pulled. */
const TLS_SETTING = /^ssl_/

/**
 * What one file refers to, the way load-config-files follows a local tree: lookup tables of main.cf
 * and master.cf (`-o` overrides), Dovecot's `!include`/`!include_try` (globs), `<file` values and
 * the sql/dict files named by `args =` or a `mysql:/…` value.
 */
export function referencesOf(path: string, kind: ConfigFileKind | string, text: string, configDirectory: string): ConfigReference[] {
  const out: ConfigReference[] = []
  const expand = (name: string) => name.replace(/\$\{?config_directory\}?/g, configDirectory)
  if (kind === 'postfix-main' || kind === 'postfix-master') {
    const settings =
      kind === 'postfix-main'
        ? parseMainCf(text).entries.map((e) => ({ name: e.name, value: e.value }))
        : parseMasterCf(text).entries.flatMap((e) => e.overrides.map((o) => ({ name: o.name, value: o.value })))
    for (const s of settings) {
      for (const ref of findMapReferences(s.value)) {
        const name = expand(ref.name)
        if (!mapNamesFile({ ...ref, name }) || !name.startsWith('/')) continue
        const byName = kindFromName(name).kind
        const dbConfig = CONFIG_FILE_TYPES.has(ref.type)
        out.push({
          pattern: name,
          kind: dbConfig ? 'postfix-db-map' : byName === 'aliases' ? 'aliases' : 'postfix-map',
          mapType: ref.type,
          ...(/_password_maps$/.test(s.name) ? { passwordMap: true } : {}),
          glob: false,
          optional: false,
          from: path,
        })
      }
    }
  } else if (kind === 'dovecot' || kind === 'dovecot-sql' || kind === 'dovecot-dict-sql' || kind === 'dovecot-side') {
    if (kind !== 'dovecot') return out
    for (const l of readDovecotLines(text).lines) {
      if (l.type === 'include') {
        for (const p of expandBraces(resolveRelative(path, l.pattern))) out.push({ pattern: p, kind: 'dovecot', glob: /[*?[]/.test(p), optional: l.optional, from: path })
      } else if (l.type === 'setting') {
        if (l.valueKind === 'file') {
          if (!TLS_SETTING.test(l.key) && l.value.startsWith('/')) out.push({ pattern: l.value, kind: sideKind(l.value), glob: false, optional: false, from: path })
          continue
        }
        if (l.key === 'args' || /^(proxy:[^:]*:)?(mysql|pgsql|sqlite|ldap):\//.test(l.value)) {
          const m = /(\/[^\s]+\.(?:conf|ext))\b/.exec(l.value)
          if (m) out.push({ pattern: m[1] as string, kind: sideKind(m[1] as string), glob: false, optional: false, from: path })
        }
      }
    }
  }
  return out
}

/** A file Dovecot reads through a driver (sql, dict, ldap): its kind by name, else a side file. */
function sideKind(path: string): ConfigFileKind {
  const k = kindFromName(path).kind
  return k === 'unknown' || k === 'dovecot' ? 'dovecot-side' : k
}

/** Which service a file belongs to (validation, postmap/newaliases, reload). */
export function ownerOf(kind: ConfigFileKind | string): ConfigOwner {
  if (kind === 'aliases') return 'aliases'
  if (kind.startsWith('dovecot')) return 'dovecot'
  if (kind === 'postfixadmin-php') return 'postfixadmin'
  if (kind === 'apache') return 'apache'
  return 'postfix'
}
