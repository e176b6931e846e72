/**
 * Dovecot 2.3's reader of a passdb/userdb sql driver file (`args = /etc/dovecot/dovecot-sql.conf.ext`),
 * as the auth process reads it (lib-settings `settings_read_nosection`, auth/db-sql.c) — doveconf never
 * does, so a mistake there shows only when someone logs in. Same rules: `key = value` lines, `#` starts a
 * comment (outside quotes), a line ending in `\` continues on the next one (joined with one space),
 * "quoted" or 'quoted' values are unescaped, `section {` … `}` blocks are skipped, `!include[_try]`
 * reads other files. No `<file` or `$ENV` expansion: those belong to dovecot.conf's own parser. The first
 * error stops the reading, worded as Dovecot words it.
 */

/** The settings of db-sql.c (Dovecot 2.3): any other key is fatal ("Unknown setting"). */
export const DOVECOT_SQL_KEYS = ['driver', 'connect', 'password_query', 'user_query', 'update_query', 'iterate_query', 'default_pass_scheme', 'userdb_warning_disable'] as const
export type DovecotSqlKey = (typeof DOVECOT_SQL_KEYS)[number]

/** What db-sql.c uses for a query the file does not set. */
export const DOVECOT_SQL_DEFAULTS: Partial<Record<DovecotSqlKey, string>> = {
  password_query: "SELECT username, domain, password FROM users WHERE username = '%n' AND domain = '%d'",
  user_query: "SELECT home, uid, gid FROM users WHERE username = '%n' AND domain = '%d'",
  iterate_query: 'SELECT username, domain FROM users',
  default_pass_scheme: 'MD5',
}

export interface DovecotSqlSetting {
  value: string
  /** 1-based line where the setting ends (Dovecot's line number for it). */
  line: number
}

export interface DovecotSqlFile {
  /** The last value of each known key. */
  settings: Partial<Record<DovecotSqlKey, DovecotSqlSetting>>
  /** `!include` / `!include_try` patterns (not followed here). */
  includes: string[]
  /** Dovecot's fatal error for this file, null when it would load. */
  error: string | null
  /** The required setting the file lacks (then `error` says so as Dovecot does), null when both are set or reading stopped earlier. */
  notSet: 'driver' | 'connect' | null
  /** Dovecot's warnings (an ambiguous '#'). */
  warnings: string[]
}

const isWhite = (c: string | undefined) => c === ' ' || c === '\t'

/** Dovecot's str_unescape: a backslash keeps the next character as it is. */
function unescape(s: string): string {
  return s.replace(/\\(.)/gs, '$1')
}

/** Strips a comment the way settings_read_i does (quotes protect `#`); null: the whole line is a comment. */
function stripComment(line: string, warn: () => void): string {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === "'" || c === '"') {
      i++
      while (i < line.length && line[i] !== c) {
        if (line[i] === '\\' && i + 1 < line.length) i++
        i++
      }
      if (i >= line.length) break
    } else if (c === '#') {
      if (!isWhite(line[i - 1])) warn()
      return line.slice(0, i)
    }
  }
  return line
}

/** Reads a sql driver file's text as Dovecot 2.3's auth process does. `path` is used in messages. */
export function parseDovecotSqlFile(text: string, path: string): DovecotSqlFile {
  const out: DovecotSqlFile = { settings: {}, includes: [], error: null, notSet: null, warnings: [] }
  const lines = text.replace(/^\uFEFF/, '').split('\n')
  let full: string | null = null
  let depth = 0
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1
    let line = (lines[n] ?? '').replace(/\r$/, '')
    line = line.replace(/^[ \t]+/, '')
    if (line === '' || line.startsWith('#')) continue
    line = stripComment(line, () => out.warnings.push(`Configuration file ${path} line ${lineNo}: Ambiguous '#' character in line, treating it as comment. Add a space before it to remove this warning.`))
    line = line.replace(/[ \t]+$/, '')
    if (line.endsWith('\\')) {
      full = (full ?? '') + line.slice(0, -1).replace(/[ \t]+$/, '') + ' '
      continue
    }
    if (full !== null) {
      line = full + line
      full = null
    }
    const fail = (message: string): DovecotSqlFile => ({ ...out, error: `Error in configuration file ${path} line ${lineNo}: ${message}` })
    const m = /^([^ \t=]*)[ \t]*(.*)$/s.exec(line)
    const key = m?.[1] ?? ''
    const rest = m?.[2] ?? ''
    if (key === '!include' || key === '!include_try') {
      out.includes.push(rest)
    } else if (rest.startsWith('=')) {
      let value = rest.slice(1).replace(/^[ \t]+/, '')
      // settings.c: a value starting and ending with the same quote (a lone quote too) is unquoted
      if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = unescape(value.slice(1, -1))
      if (depth > 0) continue
      if (!(DOVECOT_SQL_KEYS as readonly string[]).includes(key)) return fail(`Unknown setting: ${key}`)
      if (key === 'userdb_warning_disable' && !/^(yes|no)$/i.test(value)) return fail(`Invalid boolean: ${value}`)
      out.settings[key as DovecotSqlKey] = { value, line: lineNo }
    } else if (key !== '}' || rest !== '') {
      // `type [name] {` opens a section (skipped: the sql driver reads no sections)
      const after = rest.startsWith('{') ? rest : rest.replace(/^[^ \t]*[ \t]*/, '')
      if (!after.startsWith('{')) return fail("Expecting '='")
      depth++
    } else {
      if (depth === 0) return fail("Unexpected '}'")
      depth--
    }
  }
  if (!out.settings.driver) return { ...out, error: `sql: driver not set in configuration file ${path}`, notSet: 'driver' }
  if (!out.settings.connect) return { ...out, error: `sql: connect string not set in configuration file ${path}`, notSet: 'connect' }
  return out
}

/** A setting's value, or db-sql.c's default for it. */
export function sqlSetting(f: DovecotSqlFile, key: DovecotSqlKey): string | undefined {
  return f.settings[key]?.value ?? DOVECOT_SQL_DEFAULTS[key]
}

/** The connect-string keys of Dovecot 2.3's driver-mysql; any other is "Unknown connect string". */
const MYSQL_CONNECT_KEYS = ['host', 'hostaddr', 'user', 'password', 'dbname', 'port', 'client_flags', 'connect_timeout', 'read_timeout', 'write_timeout', 'ssl_cert', 'ssl_key', 'ssl_ca', 'ssl_ca_path', 'ssl_cipher', 'ssl_verify_server_cert', 'option_file', 'option_group']

/** The parts of a MySQL connect string Dovecot 2.3 reads (`host=… dbname=… user=… password=…`). */
export interface MysqlConnect {
  /**
   * Where the first connection goes: the last `hostaddr=` if any (it overrides every host), else the
   * first `host=`; undefined without either. A value starting with `/` is a socket, an empty one localhost.
   */
  host?: string
  /** Every `host=` in order: Dovecot opens a connection to each and spreads the queries over them. */
  hosts: string[]
  port?: string
  dbname?: string
  user?: string
  password?: string
  /** Other keys (ssl_*, option_file, client_flags, timeouts, sqlpool's maxconns) as given. */
  other: Record<string, string>
  /** Dovecot's refusal of the string, null when it accepts it. Never contains any part of the password. */
  error: string | null
}

/**
 * Splits a mysql connect string as Dovecot 2.3 does. The mysql driver is pooled: lib-sql's sqlpool
 * (driver-sqlpool.c) first takes out `maxconns=` and every `host=`, then opens one driver-mysql
 * connection per host with `host=<that host> <the other words>`. driver-mysql (driver-mysql.c) splits
 * on spaces only — quotes are not special, so `password="a b"` is two words and a password cannot hold a
 * space — and for each other key the last value wins. Its checks and messages are kept.
 */
export function parseMysqlConnect(connect: string): MysqlConnect {
  const c: MysqlConnect = { hosts: [], other: {}, error: null }
  const rest: string[] = []
  for (const word of connect.split(/[ \t]+/).filter(Boolean)) {
    const eq = word.indexOf('=')
    const key = eq < 0 ? word : word.slice(0, eq)
    const value = eq < 0 ? '' : word.slice(eq + 1)
    if (key === 'host') c.hosts.push(value)
    else if (key !== 'maxconns') rest.push(word)
    else if (!/^\d+$/.test(value)) c.error ??= `Invalid value for maxconns: ${value}`
    else c.other.maxconns = value
  }
  // A word after password= that the driver cannot place is most likely the rest of a password with a space.
  let afterPassword = false
  const shown = (word: string) => (afterPassword ? '(the text after password=, not shown: a password cannot contain a space here)' : word.length > 40 ? word.slice(0, 40) + '…' : word)
  let hostaddr: string | undefined
  for (const word of rest) {
    const eq = word.indexOf('=')
    if (eq < 0) {
      c.error ??= `Missing value in connect string: ${shown(word)}`
      continue
    }
    const key = word.slice(0, eq)
    const value = word.slice(eq + 1)
    if (!MYSQL_CONNECT_KEYS.includes(key)) {
      c.error ??= `Unknown connect string: ${shown(key)}`
      continue
    }
    afterPassword = key === 'password'
    if (key === 'hostaddr') hostaddr = value
    else if (key === 'port') {
      // net_str2port: digits only, 1-65535
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) c.error ??= `Invalid port number: ${value}`
      c.port = value
    } else if (key === 'dbname') c.dbname = value
    else if (key === 'user') c.user = value
    else if (key === 'password') c.password = value
    else {
      // str_to_uint checks, worded as driver-mysql words them (its timeouts all say read_timeout)
      if (key === 'client_flags' && !/^\d+$/.test(value)) c.error ??= `Invalid client flags: ${value}`
      if (/_timeout$/.test(key) && !/^\d+$/.test(value)) c.error ??= `Invalid read_timeout: ${value}`
      if (key === 'ssl_verify_server_cert' && value !== 'yes' && value !== 'no') c.error ??= `Invalid boolean: ${value}`
      c.other[key] = value
    }
  }
  c.host = hostaddr ?? c.hosts[0]
  if (!c.error && c.host === undefined && c.other.option_file === undefined) c.error = 'No hosts given in connect string'
  return c
}
