import type { ToolVerdict } from '../../../../shared/domain/config-workspace'
import { expandAuthVariables } from '../../../../shared/config/dovecot/auth-variables'
import { parseDovecotSqlFile, parseMysqlConnect, type DovecotSqlKey, type MysqlConnect } from '../../../../shared/config/dovecot/dovecot-sql-settings'
import type { ExecResult } from '../../types'
import type { InstallFile } from './install-types'
import { mysqlRunsScript, parseMysqlRuns, type MysqlRun, type MysqlRunResult, type MysqlRunsOutput } from './mysql-runs-script'

/** The oldest active PostfixAdmin mailbox: a real user every lookup must still find. */
export const SAMPLE_USER_SQL = "SELECT username FROM mailbox WHERE active = '1' ORDER BY created, username LIMIT 1"

/** The queries a login, a delivery and `doveadm … -A` run, checked in this order. */
const QUERIES = ['password_query', 'user_query', 'iterate_query'] as const satisfies readonly DovecotSqlKey[]

export interface SqlDriverCheck {
  verdicts: ToolVerdict[]
  /** The user the queries were run for (and the install verifies with doveadm), null if none. */
  sample: string | null
}

type RunRoot = (script: string) => Promise<ExecResult>

interface Target {
  file: InstallFile
  connect: MysqlConnect
  set: Partial<Record<DovecotSqlKey, { value: string; line: number }>>
}

const TOOL = 'dovecot-sql'

/** A query's first keyword, past comments and opening parentheses. */
export function firstKeyword(sql: string): string {
  let s = sql
  for (;;) {
    const t = s.replace(/^[\s(]+/, '')
    if (t.startsWith('/*')) s = t.slice(t.indexOf('*/') < 0 ? t.length : t.indexOf('*/') + 2)
    else if (t.startsWith('--') || t.startsWith('#')) s = t.slice(t.indexOf('\n') < 0 ? t.length : t.indexOf('\n') + 1)
    else return (/^[A-Za-z]+/.exec(t)?.[0] ?? '').toUpperCase()
  }
}

/**
 * Checks the Dovecot sql driver files of a push on the server, before anything is installed: reads each
 * as Dovecot's auth process would (unknown key, missing driver/connect are fatal there), opens its
 * connection with the server's mysql client, finds a sample user (the oldest active mailbox) and runs
 * each query the file sets with Dovecot's %-variables filled in for that user, in a read-only session,
 * then checks what it returns as Dovecot would (password_query must return `password`, one row). Verdicts
 * never carry row data or the connect password.
 */
export async function checkSqlDriverFiles(files: readonly InstallFile[], runRoot: RunRoot): Promise<SqlDriverCheck> {
  const verdicts: ToolVerdict[] = []
  const targets: Target[] = []
  for (const file of files) {
    if (file.kind !== 'dovecot-sql') continue
    const text = file.content.toString('utf8')
    const parsed = parseDovecotSqlFile(text, file.path)
    const read = `read ${file.path} as Dovecot's auth process does`
    if (parsed.error) {
      verdicts.push({ tool: TOOL, command: read, ok: false, exitCode: null, output: `Fatal: ${parsed.error}` })
      continue
    }
    const notes = [...parsed.warnings.map((w) => `Warning: ${w}`), ...parsed.includes.map((p) => `note: !include ${p} is not followed by this check`)]
    const driver = parsed.settings.driver?.value ?? ''
    if (driver !== 'mysql') {
      verdicts.push({ tool: TOOL, command: read, ok: true, exitCode: null, output: [`not checked: driver ${driver}: only mysql connections are opened and queried by this check.`, ...notes].join('\n') })
      continue
    }
    const connect = parseMysqlConnect(parsed.settings.connect?.value ?? '')
    if (connect.error) {
      verdicts.push({ tool: TOOL, command: read, ok: false, exitCode: null, output: `Fatal: mysql: ${connect.error} (${file.path} line ${parsed.settings.connect?.line ?? '?'})` })
      continue
    }
    if (connect.hosts.length > 1 && connect.host === connect.hosts[0]) notes.push(`note: connect names ${connect.hosts.length} hosts (${connect.hosts.join(', ')}): Dovecot connects to each and spreads the queries over them; this check connects to the first.`)
    if (notes.length) verdicts.push({ tool: TOOL, command: read, ok: true, exitCode: null, output: notes.join('\n') })
    targets.push({ file, connect, set: parsed.settings })
  }
  if (!targets.length) return { verdicts, sample: null }

  const scrub = (s: string) => targets.reduce((acc, t) => (t.connect.password && t.connect.password.length >= 4 ? acc.split(t.connect.password).join('********') : acc), s)
  const command = (t: Target, what: string) => `mysql --defaults-file=(connect of ${t.file.path}) --batch < ${what}`

  // Round 1: each connection, and the sample user.
  const first = await runAll(runRoot, targets.flatMap((t, i) => [{ id: `c${i}`, connect: t.connect, sql: 'SELECT 1' }, { id: `s${i}`, connect: t.connect, sql: SAMPLE_USER_SQL }]))
  if (first.noClient || first.error) {
    const why = first.noClient ? "the server has no mysql client (mysql or mariadb): the sql files' connections and queries were not checked." : `the check could not run on the server: ${first.error}`
    return { verdicts: [...verdicts, ...targets.map((t) => ({ tool: 'mysql', command: command(t, 'SELECT 1'), ok: true, exitCode: null, output: `not checked: ${why}` }))], sample: null }
  }
  let sample: string | null = null
  const connected: { t: Target; i: number }[] = []
  targets.forEach((t, i) => {
    const c = first.runs.get(`c${i}`)
    const ok = c?.exitCode === 0
    verdicts.push({ tool: 'mysql', command: command(t, 'SELECT 1'), ok, exitCode: c?.exitCode ?? null, output: scrub(ok ? `connected to ${t.connect.dbname ?? '(no dbname)'} as ${t.connect.user ?? '(no user)'}` : c?.error || 'no answer from the mysql client') })
    if (!ok) return
    connected.push({ t, i })
    const s = first.runs.get(`s${i}`)
    if (!sample && s?.exitCode === 0 && s.first) sample = s.first
  })
  if (!connected.length) return { verdicts, sample: null }
  if (!sample) {
    for (const { t } of connected) verdicts.push({ tool: 'mysql', command: command(t, 'the queries'), ok: true, exitCode: null, output: 'not checked: no active mailbox was found to look up (PostfixAdmin mailbox table), so the queries were not run.' })
    return { verdicts, sample: null }
  }
  const user: string = sample

  // Round 2: each query the file sets, for the sample.
  const runs: MysqlRun[] = []
  const planned: { t: Target; key: (typeof QUERIES)[number]; id: string }[] = []
  for (const { t, i } of connected) {
    for (const key of QUERIES) {
      const set = t.set[key]
      if (!set) continue
      const cmd = command(t, `${key} (line ${set.line}) for ${user}`)
      const sql = set.value.replace(/[\s;]+$/, '')
      const kw = firstKeyword(sql)
      if (kw !== 'SELECT' && kw !== 'WITH') {
        verdicts.push({ tool: 'mysql', command: cmd, ok: false, exitCode: null, output: `${key} does not start with SELECT (${kw || 'empty'}): the push checks each query by running it, and runs only SELECTs.` })
        continue
      }
      const x = expandAuthVariables(sql, { user })
      if (!x.ok) {
        verdicts.push({ tool: 'mysql', command: cmd, ok: x.kind === 'unsupported', exitCode: null, output: x.kind === 'unknown' ? `Error: Failed to expand ${key}=${set.value}: ${x.message}` : `not checked: ${x.message}.` })
        continue
      }
      const id = `q${i}${key[0]}`
      runs.push({ id, connect: t.connect, sql: x.text + ';' })
      planned.push({ t, key, id })
    }
  }
  if (!runs.length) return { verdicts, sample: user }
  // mail_uid/mail_gid stand in for a uid/gid the user_query does not return: the running Dovecot's values,
  // unless this push also changes Dovecot's configuration (then the rule is not applied).
  const confChanges = files.some((f) => f.owner === 'dovecot' && f.kind === 'dovecot')
  const second = await runAll(runRoot, runs, confChanges ? [] : ['mail_uid', 'mail_gid'])
  const globals = confChanges || second.noClient || second.error ? null : { mailUid: second.settings.mail_uid ?? '', mailGid: second.settings.mail_gid ?? '' }
  for (const p of planned) {
    const r = second.runs.get(p.id)
    const set = p.t.set[p.key]
    const j = judgeQuery(p.key, r, user, second, globals)
    verdicts.push({ tool: 'mysql', command: command(p.t, `${p.key} (line ${set?.line ?? '?'}) for ${user}`), ...j, output: scrub(j.output) })
  }
  return { verdicts, sample: user }
}

async function runAll(runRoot: RunRoot, runs: MysqlRun[], dovecotSettings: string[] = []): Promise<MysqlRunsOutput> {
  const r = await runRoot(mysqlRunsScript(runs, dovecotSettings))
  const out = parseMysqlRuns(r.stdout)
  if (!out.noClient && !out.error && !out.done) out.error = (r.stderr.trim() || `the script stopped (exit ${r.code ?? r.signal ?? '?'})`).slice(0, 600)
  return out
}

/** What Dovecot makes of the query's answer for the sample (passdb-sql.c / userdb-sql.c). */
export function judgeQuery(
  key: (typeof QUERIES)[number],
  r: MysqlRunResult | undefined,
  user: string,
  all: Pick<MysqlRunsOutput, 'error'>,
  globals: { mailUid: string; mailGid: string } | null = null,
): Pick<ToolVerdict, 'ok' | 'exitCode' | 'output'> {
  if (!r) return { ok: false, exitCode: null, output: all.error ?? 'no answer from the mysql client' }
  if (r.exitCode !== 0) return { ok: false, exitCode: r.exitCode, output: r.error || `mysql exited with ${r.exitCode}` }
  const shape = `columns: ${r.columns.join(', ') || '(none)'}; ${r.rows} row${r.rows === 1 ? '' : 's'} for ${user}`
  const has = (c: string) => r.columns.includes(c)
  if (key === 'password_query') {
    if (r.rows === 0) return { ok: false, exitCode: 0, output: `password_query finds no row for ${user}, an active mailbox: Dovecot would answer "unknown user" and every login would fail.` }
    if (!has('password') && !has('password_noscheme')) return { ok: false, exitCode: 0, output: `Error: Password query must return a field named 'password' (${shape})` }
    if (r.rows > 1) return { ok: false, exitCode: 0, output: `Error: Password query returned multiple matches (${shape})` }
  } else if (key === 'user_query') {
    if (r.rows === 0) return { ok: false, exitCode: 0, output: `user_query finds no row for ${user}, an active mailbox: Dovecot would say the user does not exist, and mail to it would bounce.` }
    // Dovecot's mail processes need a uid and gid: the userdb's, else mail_uid/mail_gid.
    if (globals && !has('uid') && !globals.mailUid) return { ok: false, exitCode: 0, output: `Error: User is missing UID (see mail_uid setting): user_query returns no uid and mail_uid is not set, so ${user} could not log in or receive mail (${shape})` }
    if (globals && !has('gid') && !globals.mailGid) return { ok: false, exitCode: 0, output: `Error: User is missing GID (see mail_gid setting): user_query returns no gid and mail_gid is not set, so ${user} could not log in or receive mail (${shape})` }
  } else if (key === 'iterate_query') {
    if (r.rows > 0 && !has('user') && !has('username')) return { ok: false, exitCode: 0, output: `Error: Iterate query didn't return 'user' field (${shape})` }
  }
  return { ok: true, exitCode: 0, output: shape }
}
