import type { MysqlConnect } from '../../../../shared/config/dovecot/dovecot-sql-settings'
import { quoteWord } from '../../ssh/shell-quote'
import { heredocTag, SECTION, STAGE_BASE } from './push-paths'

/** One statement for the server's mysql client, over one connect string. */
export interface MysqlRun {
  /** [a-z0-9]+, names the run in the output. */
  id: string
  connect: MysqlConnect
  sql: string
}

/** What the mysql client answered: never row data (a password query returns password hashes), only its shape. */
export interface MysqlRunResult {
  exitCode: number
  /** Column names of the result (mysql --batch prints them when the result has rows). */
  columns: string[]
  rows: number
  /** The first column of the first row (used for the sample user only). */
  first: string | null
  /** The client's own error text. */
  error: string
}

const RUN_ID = /^[a-z0-9]+$/

/** An option-file value in double quotes (MySQL/MariaDB option files unescape \\ and \"). */
const optionValue = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`

/**
 * The client options of a driver-mysql connect string, as a `[client]` option file: the password
 * travels only in this file (0600, in a root-only folder), never in argv. ssl_* map to the client's
 * ssl options; option_file/option_group/client_flags/timeouts are not carried over.
 */
export function mysqlOptionFile(c: MysqlConnect): string {
  const L = ['[client]']
  if (c.host?.startsWith('/')) L.push(`socket=${optionValue(c.host)}`)
  else if (c.host) L.push(`host=${optionValue(c.host)}`)
  if (c.port) L.push(`port=${c.port}`)
  if (c.user !== undefined) L.push(`user=${optionValue(c.user)}`)
  // An empty password= asks for none (as Dovecot connects without one); absent, the client would prompt.
  L.push(`password=${optionValue(c.password ?? '')}`)
  if (c.dbname) L.push(`database=${optionValue(c.dbname)}`)
  const ssl: Record<string, string> = { ssl_ca: 'ssl-ca', ssl_cert: 'ssl-cert', ssl_key: 'ssl-key', ssl_ca_path: 'ssl-capath', ssl_cipher: 'ssl-cipher' }
  for (const [k, opt] of Object.entries(ssl)) if (c.other[k]) L.push(`${opt}=${optionValue(c.other[k] as string)}`)
  if (c.other.ssl_verify_server_cert === 'yes') L.push('ssl-verify-server-cert')
  return L.join('\n') + '\n'
}

/**
 * One `sh -s` as root: a private folder (mktemp, 0700, removed on exit) holding one option file per
 * connect string and the statements; each run is `mysql --defaults-file=… --batch` with the statement on
 * stdin, in a session whose transactions are READ ONLY (nothing can be changed). `--defaults-file` (not
 * `--defaults-extra-file`): root's own ~/.my.cnf must not fill in what the connect string lacks.
 */
export function mysqlRunsScript(runs: readonly MysqlRun[], dovecotSettings: readonly string[] = []): string {
  const q = quoteWord
  const L: string[] = [
    '{',
    'set -u',
    'umask 077',
    `SEC=${q(SECTION)}`,
    `mkdir -p ${STAGE_BASE} && chmod 700 ${STAGE_BASE} || { echo "$SEC""error cannot create ${STAGE_BASE}"; exit 3; }`,
    // Folders of checks killed outright (no trap ran): their option files go after ten minutes.
    `find ${STAGE_BASE} -mindepth 1 -maxdepth 1 -name 'sqlcheck.*' -mmin +10 -exec rm -rf {} + 2>/dev/null`,
    `D=$(mktemp -d ${STAGE_BASE}/sqlcheck.XXXXXXXXXX) || { echo "$SEC""error mktemp failed"; exit 3; }`,
    `trap 'rm -rf "$D"' EXIT`,
    "trap 'exit 1' HUP INT TERM PIPE",
    'MY=$(command -v mysql || command -v mariadb) || { echo "$SEC""noclient"; exit 0; }',
    String.raw`R() {
  "$MY" --defaults-file="$D/$1.cnf" --batch --connect-timeout=10 --init-command='SET SESSION TRANSACTION READ ONLY' < "$D/$1.sql" > "$D/out" 2> "$D/err"
  rc=$?
  echo "$SEC""run $1 $rc"
  printf '%s\n' "$SEC""cols $(head -n 1 "$D/out")"
  n=$(wc -l < "$D/out"); [ "$n" -gt 0 ] && n=$((n - 1))
  echo "$SEC""rows $n"
  printf '%s\n' "$SEC""first $(sed -n 2p "$D/out" | cut -f1)"
  echo "$SEC""err"
  head -c 4000 "$D/err"
  echo
  echo "$SEC""end"
}`,
  ]
  // Settings of the running Dovecot the judgement needs (doveconf -h: the value only).
  for (const name of dovecotSettings) {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`bad setting name ${name}`)
    L.push(`printf '%s\\n' "$SEC""set ${name} $(doveconf -h ${name} 2>/dev/null | head -n 1)"`)
  }
  for (const r of runs) {
    if (!RUN_ID.test(r.id)) throw new Error(`bad run id ${r.id}`)
    const cnf = mysqlOptionFile(r.connect)
    const sql = r.sql + '\n'
    L.push(`cat > "$D/${r.id}.cnf" <<'${heredocTag(cnf)}'\n${cnf}${heredocTag(cnf)}`)
    L.push(`cat > "$D/${r.id}.sql" <<'${heredocTag(sql)}'\n${sql}${heredocTag(sql)}`)
    L.push(`R ${r.id}`)
  }
  L.push('echo "$SEC""done"', '}')
  return L.join('\n') + '\n'
}

export interface MysqlRunsOutput {
  noClient: boolean
  error: string | null
  done: boolean
  runs: Map<string, MysqlRunResult>
  /** The Dovecot settings asked for (doveconf -h), by name. */
  settings: Record<string, string>
}

export function parseMysqlRuns(out: string): MysqlRunsOutput {
  const r: MysqlRunsOutput = { noClient: false, error: null, done: false, runs: new Map(), settings: {} }
  let cur: MysqlRunResult | null = null
  let err: string[] | null = null
  for (const line of out.split('\n')) {
    if (!line.startsWith(SECTION)) {
      err?.push(line)
      continue
    }
    const rest = line.slice(SECTION.length)
    const sp = rest.indexOf(' ')
    const word = sp < 0 ? rest : rest.slice(0, sp)
    const arg = sp < 0 ? '' : rest.slice(sp + 1)
    if (word === 'noclient') r.noClient = true
    else if (word === 'error') r.error = arg
    else if (word === 'done') r.done = true
    else if (word === 'set') {
      const [name = '', ...value] = arg.split(' ')
      r.settings[name] = value.join(' ')
    }
    else if (word === 'run') {
      const [id = '', rc = ''] = arg.split(' ')
      cur = { exitCode: Number(rc), columns: [], rows: 0, first: null, error: '' }
      r.runs.set(id, cur)
    } else if (cur && word === 'cols') cur.columns = arg === '' ? [] : arg.split('\t')
    else if (cur && word === 'rows') cur.rows = Number(arg) || 0
    else if (cur && word === 'first') cur.first = cur.rows > 0 ? arg : null
    else if (cur && word === 'err') err = []
    else if (cur && word === 'end') {
      cur.error = (err ?? []).join('\n').trim()
      err = null
      cur = null
    }
  }
  return r
}
