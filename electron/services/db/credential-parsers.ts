// Pure readers of the three places a PostfixAdmin mail server keeps its database credentials.
import { parseDovecotSqlFile, parseMysqlConnect } from '../../../shared/config/dovecot/dovecot-sql-settings'
import type { ConfJson } from '../../../shared/mail/postfixadmin-settings'
import { parseDbHost, type DbHostSpec } from './db-host'

/** Credentials as one config states them; `missing` lists what it lacked. */
export interface FoundCredentials {
  host: DbHostSpec
  user: string
  password: string
  database: string
  /** PostfixAdmin's `config` table with its prefix (PostfixAdmin's own config only; else 'config'). */
  configTable: string
}

export type ParseOutcome = { ok: true; found: FoundCredentials } | { ok: false; reason: string }

const str = (v: ConfJson | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined)

/** From PostfixAdmin's effective (or statically read) $CONF database_* keys. */
export function credentialsFromPostfixAdmin(conf: Record<string, ConfJson>): ParseOutcome {
  const type = (str(conf.database_type) ?? 'mysqli').toLowerCase()
  if (type !== 'mysqli' && type !== 'mysql') return { ok: false, reason: `PostfixAdmin uses database_type '${type}', not MySQL/MariaDB` }
  const user = str(conf.database_user)
  const database = str(conf.database_name)
  const password = str(conf.database_password) ?? ''
  const missing = [!user && 'database_user', !database && 'database_name'].filter(Boolean)
  if (missing.length) return { ok: false, reason: `PostfixAdmin's config has no ${missing.join(' or ')}` }
  const tables = conf.database_tables
  const configName = tables && typeof tables === 'object' && !Array.isArray(tables) ? (str(tables.config) ?? 'config') : 'config'
  return {
    ok: true,
    found: {
      host: parseDbHost(str(conf.database_host), str(conf.database_port), str(conf.database_socket)),
      user: user as string,
      password,
      database: database as string,
      configTable: (str(conf.database_prefix) ?? '') + configName,
    },
  }
}

/**
 * The mysql map files named in `postconf -h virtual_mailbox_maps virtual_alias_maps ...` output
 * (`proxy:mysql:/etc/postfix/sql/x.cf`, `mysql:/etc/postfix/mysql-virtual.cf`), in order, once each.
 */
export function postfixMysqlMapFiles(postconfOutput: string): string[] {
  const out: string[] = []
  for (const m of postconfOutput.matchAll(/(?:^|[\s,])(?:proxy:)?mysql:(\/[^\s,]+)/g)) {
    const f = m[1] as string
    if (!out.includes(f)) out.push(f)
  }
  return out
}

/** `key = value` lines of a Postfix lookup-table file: # comments, continuation lines start with whitespace. */
export function parsePostfixTableConfig(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let last: string | undefined
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(raw)) continue
    if (/^\s/.test(raw) && last) {
      out.set(last, `${out.get(last) ?? ''} ${raw.trim()}`.trim())
      continue
    }
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(raw)
    if (!m) continue
    last = m[1] as string
    out.set(last, (m[2] as string).trim())
  }
  return out
}

/** From one Postfix mysql_table(5) file: hosts (first one), user, password, dbname. */
export function credentialsFromPostfixMysqlCf(text: string): ParseOutcome {
  const kv = parsePostfixTableConfig(text)
  const user = kv.get('user')
  const database = kv.get('dbname')
  const missing = [!user && 'user', !database && 'dbname'].filter(Boolean)
  if (missing.length) return { ok: false, reason: `the map has no ${missing.join(' or ')}` }
  const firstHost = (kv.get('hosts') ?? '').split(/[\s,]+/).find(Boolean)
  return { ok: true, found: { host: parseDbHost(firstHost, kv.get('port')), user: user as string, password: kv.get('password') ?? '', database: database as string, configTable: 'config' } }
}

/** The `args` files of the sql passdb/userdb blocks in `doveconf -n` output, once each. */
export function dovecotSqlConfigFiles(doveconfOutput: string): string[] {
  const out: string[] = []
  const blocks = doveconfOutput.matchAll(/^\s*(?:passdb|userdb)(?:\s+\S+)?\s*\{([^}]*)\}/gm)
  for (const b of blocks) {
    const body = b[1] as string
    if (!/^\s*driver\s*=\s*sql\s*$/m.test(body)) continue
    const args = /^\s*args\s*=\s*(\S+)/m.exec(body)?.[1]
    if (args && args.startsWith('/') && !out.includes(args)) out.push(args)
  }
  return out
}

/**
 * From a Dovecot sql driver file (dovecot-sql.conf.ext), read by the same code the push's check uses
 * (shared dovecot-sql-settings: Dovecot 2.3's file reader and its mysql connect string), so both see the
 * same host, port, user, password and dbname. Reasons never quote the password.
 */
export function credentialsFromDovecotSqlConf(text: string, path = 'dovecot-sql.conf.ext'): ParseOutcome {
  const file = parseDovecotSqlFile(text, path)
  const driver = file.settings.driver?.value
  if (file.notSet === 'driver') return { ok: false, reason: 'no driver = mysql line' }
  if (driver !== undefined && driver !== 'mysql') return { ok: false, reason: `Dovecot's SQL driver is '${driver}', not mysql` }
  if (file.error) {
    const includes = file.includes.length ? ` (its ${file.includes.map((i) => `!include ${i}`).join(', ')} not read here)` : ''
    return { ok: false, reason: `Dovecot would not load it: ${file.error}${includes}` }
  }
  const c = parseMysqlConnect(file.settings.connect?.value ?? '')
  if (c.error) return { ok: false, reason: `Dovecot's mysql driver refuses the connect line: ${c.error}` }
  const missing = [!c.user && 'user', !c.dbname && 'dbname'].filter(Boolean)
  if (missing.length) return { ok: false, reason: `the connect line has no ${missing.join(' or ')}` }
  return { ok: true, found: { host: parseDbHost(c.host, c.port), user: c.user as string, password: c.password ?? '', database: c.dbname as string, configTable: 'config' } }
}
