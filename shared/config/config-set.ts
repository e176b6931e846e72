import type { PostfixCatalog } from './catalog/postfix-catalog'
import type { DovecotCatalog } from './catalog/dovecot-catalog'
import type { SqlSchema } from './catalog/postfixadmin-schema'
import { baseName } from './glob-match'

/** What a file is, which decides its parser and lints. */
export type ConfigFileKind =
  | 'postfix-main'
  | 'postfix-master'
  /** a lookup table source file (hash, cidr, pcre, ...); `mapType` says which */
  | 'postfix-map'
  /** mysql_*.cf, pgsql, sqlite, ldap, memcache client configs (main.cf syntax) */
  | 'postfix-db-map'
  | 'aliases'
  /** dovecot.conf and everything it includes */
  | 'dovecot'
  /** passdb/userdb `args` file of the sql driver (dovecot-sql.conf.ext) */
  | 'dovecot-sql'
  /** dict proxy sql config (dovecot-dict-sql.conf.ext) */
  | 'dovecot-dict-sql'
  /** other driver configs read by Dovecot (dovecot-dict-auth, dovecot-ldap, dovecot-oauth2 .conf.ext) */
  | 'dovecot-side'
  /** Postfix dynamicmaps.cf (map type, library, init function) */
  | 'postfix-dynamicmaps'
  /** PostfixAdmin config.local.php / config.inc.php */
  | 'postfixadmin-php'
  | 'unknown'

export interface ConfigFile {
  /** The path on the server (configs refer to each other by these paths). */
  path: string
  text: string
  /** Set when known (CLI --type, workspace); otherwise detected from the name and references. */
  kind?: ConfigFileKind
  /** For postfix-map files: hash, cidr, pcre, regexp, ... */
  mapType?: string
}

/** Several files of one server, linted together so that cross-file mistakes show. */
export interface ConfigSet {
  files: ConfigFile[]
  /** The server's versions (from a pull or the CLI); bundled catalogue versions otherwise. */
  postfixVersion?: string
  dovecotVersion?: string
  /**
   * True for a pulled workspace, where every file the configs refer to should be present: a missing
   * one is then an error. For a few loose files (CLI) it is only noted.
   */
  complete?: boolean
  /** The server's own catalogues, captured at pull time; bundled ones otherwise. */
  postfixCatalog?: PostfixCatalog
  dovecotCatalog?: DovecotCatalog
  schema?: SqlSchema
}

const DB_MAP_PREFIX = /^(mysql|pgsql|sqlite|ldap|memcache|mongodb)[-_].*\.cf$/

/** Guesses a file's kind from its name alone (references from main.cf/dovecot.conf refine it later). */
export function kindFromName(path: string): { kind: ConfigFileKind; mapType?: string } {
  const name = baseName(path)
  if (name === 'main.cf' || name === 'main.cf.proto' || name === 'main.cf.dist' || name === 'main.cf.debian' || name === 'main.cf.tls')
    return { kind: 'postfix-main' }
  if (name === 'master.cf' || name === 'master.cf.proto' || name === 'master.cf.dist') return { kind: 'postfix-master' }
  const db = DB_MAP_PREFIX.exec(name)
  if (db) return { kind: 'postfix-db-map', mapType: db[1] as string }
  if (name === 'config.local.php' || name === 'config.inc.php') return { kind: 'postfixadmin-php' }
  if (name === 'aliases') return { kind: 'aliases' }
  if (/^dovecot-dict-.*sql.*\.conf(\.ext)?$|^dict-.*\.conf$/.test(name)) return { kind: 'dovecot-dict-sql' }
  if (/^dovecot-sql\.conf(\.ext)?$|^sql\.conf$/.test(name)) return { kind: 'dovecot-sql' }
  if (/^dovecot-.+\.conf(\.ext)?$/.test(name) && name !== 'dovecot.conf') return { kind: 'dovecot-side' }
  if (name === 'dynamicmaps.cf' || /\/dynamicmaps\.cf\.d\//.test(path)) return { kind: 'postfix-dynamicmaps' }
  if (name === 'dovecot.conf' || /\/dovecot\/.*\.(conf|conf\.ext|protocol)$/.test(path) || /\.conf\.ext$/.test(name) || /^\d\d-[\w-]+\.conf$/.test(name))
    return { kind: 'dovecot' }
  if (/\.cidr$/.test(name)) return { kind: 'postfix-map', mapType: 'cidr' }
  if (/\.pcre$/.test(name)) return { kind: 'postfix-map', mapType: 'pcre' }
  if (/\.regexp$/.test(name)) return { kind: 'postfix-map', mapType: 'regexp' }
  return { kind: 'unknown' }
}

/** Finds a file of the set by server path; for a set of loose files (not `complete`), also by a unique file name. */
export function findFile(set: ConfigSet, path: string): ConfigFile | undefined {
  const exact = set.files.find((f) => f.path === path)
  if (exact || set.complete) return exact
  const name = baseName(path)
  const same = set.files.filter((f) => baseName(f.path) === name)
  return same.length === 1 ? same[0] : undefined
}
