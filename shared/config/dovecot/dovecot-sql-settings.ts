/**
 * Dovecot 2.3's reader of a passdb/userdb sql driver file (`args = /etc/dovecot/dovecot-sql.conf.ext`),
 * as the auth process reads it (lib-settings `settings_read_nosection`, auth/db-sql.c) — doveconf never
 * does, so a mistake there shows only when someone logs in. Same rules: `key = value` lines, `#` starts a
 * comment (outside quotes), a line ending in `\` continues on the next one (joined with one space),
 * "quoted" or 'quoted' values are unescaped, `section {` … `}` blocks are skipped, `!include[_try]`
 * reads other files. The first error stops the reading, worded as Dovecot words it.
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
  const out: DovecotSqlFile = { settings: {}, includes: [], error: null, warnings: [] }
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
      if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = unescape(value.slice(1, -1))
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
  if (!out.settings.driver) return { ...out, error: `sql: driver not set in configuration file ${path}` }
  if (!out.settings.connect) return { ...out, error: `sql: connect string not set in configuration file ${path}` }
  return out
}

/** A setting's value, or db-sql.c's default for it. */
export function sqlSetting(f: DovecotSqlFile, key: DovecotSqlKey): string | undefined {
  return f.settings[key]?.value ?? DOVECOT_SQL_DEFAULTS[key]
}

/** The connect-string keys of Dovecot 2.3's driver-mysql; any other is "Unknown connect string". */
const MYSQL_CONNECT_KEYS = ['host', 'hostaddr', 'user', 'password', 'dbname', 'port', 'client_flags', 'connect_timeout', 'read_timeout', 'write_timeout', 'ssl_cert', 'ssl_key', 'ssl_ca', 'ssl_ca_path', 'ssl_cipher', 'ssl_verify_server_cert', 'option_file', 'option_group']

/** The parts of a MySQL connect string Dovecot's driver-mysql reads (`host=… dbname=… user=… password=…`). */
export interface MysqlConnect {
  /** The last `host=`/`hostaddr=` (driver-mysql keeps one); a value starting with `/` is a socket. */
  host?: string
  port?: string
  dbname?: string
  user?: string
  password?: string
  /** Other keys (ssl_*, option_file, client_flags, timeouts) as given. */
  other: Record<string, string>
  /** driver-mysql's own refusal of the string, null when it accepts it. */
  error: string | null
}

/** Splits a driver-mysql connect string (space-separated `key=value` words) and checks it as the driver does. */
export function parseMysqlConnect(connect: string): MysqlConnect {
  const c: MysqlConnect = { other: {}, error: null }
  for (const word of connect.split(/[ \t]+/).filter(Boolean)) {
    const eq = word.indexOf('=')
    if (eq < 0) {
      c.error ??= `Missing value in connect string: ${word.length > 40 ? word.slice(0, 40) + '…' : word}`
      continue
    }
    const key = word.slice(0, eq)
    const value = word.slice(eq + 1)
    if (!MYSQL_CONNECT_KEYS.includes(key)) c.error ??= `Unknown connect string: ${key}`
    else if (key === 'host' || key === 'hostaddr') c.host = value
    else if (key === 'port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) c.error ??= `Invalid port number: ${value}`
      c.port = value
    } else if (key === 'dbname') c.dbname = value
    else if (key === 'user') c.user = value
    else if (key === 'password') c.password = value
    else c.other[key] = value
  }
  if (!c.error && !c.host) c.error = 'No hosts given in connect string'
  return c
}
