import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { quoteWord } from '../../ssh/shell-quote'
import type { InstallFile } from './install-types'
import { base64Lines, heredocTag, isIndexedMap, SECTION, STAGE_BASE } from './push-paths'

/**
 * Dovecot reads these itself (dict args, other drivers' files), never through doveconf. (dovecot-sql
 * files are read, connected and queried by sql-driver-check.ts, which reports its own verdicts.)
 */
const DOVECOT_DRIVER_KINDS = ['dovecot-dict-sql', 'dovecot-side']

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** Escapes a literal for a sed BRE with `#` as the delimiter. */
export function sedLiteral(s: string): string {
  return s.replace(/[\\.[\]*^$#/]/g, (c) => `\\${c}`)
}

/** Where Dovecot's configuration lives: the folder of the pushed dovecot.conf, else Debian/RHEL's. */
export function dovecotConfOf(files: readonly InstallFile[]): string {
  return files.find((f) => f.owner === 'dovecot' && posix.basename(f.path) === 'dovecot.conf')?.path ?? '/etc/dovecot/dovecot.conf'
}

// The shell functions of the stage script. $S is the stage (mktemp, 0700, under /var/lib/postdesk/stage).
const FUNCTIONS = String.raw`
X=0
chk() {
  if [ "$3" = - ]; then
    if [ -e "$2" ] || [ -L "$2" ]; then echo "$SEC""changed $1 exists"; X=1; fi
  elif [ ! -f "$2" ]; then echo "$SEC""changed $1 missing"; X=1
  else
    h=$(sha256sum < "$2" 2>/dev/null | cut -c1-64)
    [ "$h" = "$3" ] || { echo "$SEC""changed $1 $h"; X=1; }
  fi
}
up() { h=$(sha256sum < "$S/new/$1" | cut -c1-64); [ "$h" = "$2" ] || { echo "$SEC""error the upload of file $1 arrived damaged"; exit 3; }; }
V() {
  t=$1; i=$2; m=$3; shift 3
  if [ "$m" = q ]; then o=$("$@" 2>&1 >/dev/null); else o=$("$@" 2>&1); fi
  rc=$?
  printf '%s\n' "$SEC""verdict $rc $t $i $*"
  printf '%s\n' "$o" | head -n 200
  echo "$SEC""end"
}
# Postfix waits for a file changed in the last second to "cool down" (load_file): staged copies are old.
cool() { touch -t 200001010000 "$1" 2>/dev/null; return 0; }
K() { printf '%s\n' "$SEC""skip $1 $2 $3"; echo "$SEC""end"; }
relink() {
  find "$2" -type l | while IFS= read -r l; do
    t=$(readlink "$l")
    case $t in "$1"|"$1"/*) ln -sfn "$2$\{t#"$1"}" "$l" ;; esac
  done
}
ov() {
  case $2 in "$3"/*) ;; *) return 1 ;; esac
  d="$4/$\{2#"$3"/}"
  if [ -L "$d" ]; then case $(readlink -f "$d") in "$S"/*) ;; *) rm -f "$d" ;; esac; fi
  mkdir -p "$(dirname "$d")" && cp "$S/new/$1" "$d" && cool "$d"
}
M() {
  mkdir -p "$S/maps" && cp "$S/new/$1" "$S/maps/$1" && cool "$S/maps/$1"
  ty=$2
  [ -n "$ty" ] || ty=$(postconf -c "$S/postfix" -h default_database_type 2>/dev/null)
  case $3 in
    build) V postmap "$1" q postmap -c "$S/postfix" "$ty:$S/maps/$1" ;;
    alias) V postalias "$1" q postalias -c "$S/postfix" "$ty:$S/maps/$1" ;;
    *) V postmap "$1" q postmap -c "$S/postfix" -q postdesk-probe.invalid "$ty:$S/maps/$1" ;;
  esac
}
`.replace(/\$\\\{/g, '${')

/**
 * One round trip as root (`sh -s`, this text on stdin; file contents only ever in the heredocs, never
 * in argv): make a private stage, refuse if a server file differs from what the workspace compared
 * with, upload, mirror what each tool needs (Postfix's config_directory, /etc/dovecot with absolute
 * includes re-pointed into the stage copy, the Apache tree with ServerRoot re-pointed) and run the
 * real tools on the stage. The live files are only read. `keep`: leave the stage for the install.
 */
export function stageScript(files: readonly InstallFile[], keep: boolean): string {
  const q = quoteWord
  // In braces: sh parses the whole script before running it (a truncated upload runs nothing).
  const L: string[] = [
    '{',
    'set -u',
    'umask 077',
    `SEC=${q(SECTION)}`,
    `KEEP=${keep ? 1 : 0}`,
    FUNCTIONS,
    `mkdir -p ${STAGE_BASE} && chmod 700 ${posix.dirname(STAGE_BASE)} ${STAGE_BASE} || { echo "$SEC""error cannot create ${STAGE_BASE}"; exit 3; }`,
    // Stages of clients that died between validation and install.
    `find ${STAGE_BASE} -mindepth 1 -maxdepth 1 -name 'stage.*' -mmin +120 -exec rm -rf {} + 2>/dev/null`,
    `S=$(mktemp -d ${STAGE_BASE}/stage.XXXXXXXXXX) || { echo "$SEC""error mktemp failed"; exit 3; }`,
    `trap '[ "$KEEP" = 1 ] || rm -rf "$S"' EXIT`,
    "trap 'KEEP=0; exit 1' HUP INT TERM PIPE",
    'echo "$SEC""stage $S"',
  ]
  files.forEach((f, i) => L.push(`chk ${i} ${q(f.path)} ${f.expectedSha256 ?? '-'}`))
  L.push('if [ "$X" = 1 ]; then KEEP=0; echo "$SEC""refused"; exit 0; fi', 'mkdir "$S/new"')
  files.forEach((f, i) => {
    const b = base64Lines(f.content)
    const tag = heredocTag(b)
    L.push(`base64 -d > "$S/new/${i}" <<'${tag}'\n${b}${b ? '\n' : ''}${tag}`, `up ${i} ${sha256(f.content)}`)
  })

  const postfix = files.map((f, i) => ({ f, i })).filter(({ f }) => f.owner === 'postfix' || f.owner === 'aliases')
  if (postfix.length) {
    L.push(
      'PF=$(postconf -h config_directory 2>/dev/null); [ -n "$PF" ] || PF=/etc/postfix',
      'echo "$SEC""root postfix $PF"',
      'cp -a "$PF" "$S/postfix" || { echo "$SEC""error cannot copy $PF into the stage"; exit 3; }',
      'relink "$PF" "$S/postfix"',
    )
    for (const { f, i } of postfix) L.push(`ov ${i} ${q(f.path)} "$PF" "$S/postfix"`)
    L.push(
      // The live configuration's own warnings: a warning already there is not this push's fault.
      'o=$(postconf -n 2>&1 >/dev/null); printf \'%s\\n\' "$SEC""live postconf-n" "$o" "$SEC""end"',
      'o=$(postconf -M 2>&1 >/dev/null); printf \'%s\\n\' "$SEC""live postconf-M" "$o" "$SEC""end"',
      'V postconf - q postconf -c "$S/postfix" -n',
      'V postconf - q postconf -c "$S/postfix" -M',
      // Postfix's commands read the global parameters with their types (postconf does not): a bad
      // number or boolean there is fatal to every command and daemon.
      'V postmap - q postmap -c "$S/postfix" -q postdesk-probe static:ok',
    )
    for (const { f, i } of postfix) {
      const type = q(f.mapType ?? '')
      if (f.owner === 'aliases' || f.kind === 'aliases') L.push(`M ${i} ${type} alias`)
      else if (f.kind === 'postfix-map') L.push(`M ${i} ${type} ${isIndexedMap(f.mapType) ? 'build' : 'query'}`)
      else if (f.kind === 'postfix-db-map') L.push(`M ${i} ${type} query`)
    }
  }

  const dovecot = files.map((f, i) => ({ f, i })).filter(({ f }) => f.owner === 'dovecot')
  if (dovecot.length) {
    const conf = dovecotConfOf(files)
    const dir = posix.dirname(conf)
    const re = sedLiteral(dir)
    L.push(
      `DV=${q(dir)}`,
      'echo "$SEC""root dovecot $DV"',
      'cp -a "$DV" "$S/dovecot" || { echo "$SEC""error cannot copy $DV into the stage"; exit 3; }',
      'relink "$DV" "$S/dovecot"',
    )
    for (const { f, i } of dovecot) L.push(`ov ${i} ${q(f.path)} "$DV" "$S/dovecot" || K note ${i} ${q(`${f.path} is outside ${dir}: doveconf reads it from the server, so this version of it was not checked.`)}`)
    // Absolute includes (and <file values) into the live folder point at the stage copy, in the stage only.
    const sed = `s#^\\([[:space:]]*!include\\(_try\\)\\{0,1\\}[[:space:]]\\{1,\\}\\"\\{0,1\\}\\)${re}/#\\1$S/dovecot/#;s#<${re}/#<$S/dovecot/#g`
    L.push(`find "$S/dovecot" -type f -exec grep -q -F -e "$DV/" {} \\; -exec sed -i -e "${sed}" {} \\;`)
    L.push(`V doveconf - q doveconf -c "$S/dovecot/"${q(posix.basename(conf))} -n`)
    for (const { f, i } of dovecot)
      if (DOVECOT_DRIVER_KINDS.includes(f.kind)) L.push(`K note ${i} ${q(`doveconf does not read ${posix.basename(f.path)} (a driver's settings file): Dovecot reads it when it uses the driver, after the reload.`)}`)
  }

  const apache = files.map((f, i) => ({ f, i })).filter(({ f }) => f.owner === 'apache')
  if (apache.length) {
    L.push(
      'A=; AR=; AC=',
      'if [ -f /etc/apache2/apache2.conf ]; then AR=/etc/apache2; AC=apache2.conf; A=$(command -v apache2ctl || command -v apachectl)',
      'elif [ -f /etc/httpd/conf/httpd.conf ]; then AR=/etc/httpd; AC=conf/httpd.conf; A=$(command -v httpd || command -v apachectl); fi',
      `if [ -z "$A" ]; then K apachectl - ${q('Apache is not installed on this server (no apache2ctl, apachectl or httpd with its configuration): the file is not read by a web server here and was not checked.')}`,
      'else',
      '  echo "$SEC""root apache $AR"',
      '  cp -a "$AR" "$S/apache" || { echo "$SEC""error cannot copy $AR into the stage"; exit 3; }',
      '  relink "$AR" "$S/apache"',
    )
    for (const { f, i } of apache) L.push(`  ov ${i} ${q(f.path)} "$AR" "$S/apache" || K note ${i} "${f.path.replace(/["$`\\]/g, '\\$&')} is outside $AR: apachectl -t reads it from the server, so this version of it was not checked."`)
    L.push(
      '  sed -i "s#^\\([[:space:]]*ServerRoot[[:space:]]\\{1,\\}\\).*#\\1\\"$S/apache\\"#" "$S/apache/$AC"',
      '  V apachectl - q "$A" -t -d "$S/apache" -f "$S/apache/$AC"',
      'fi',
    )
  }

  const php = files.map((f, i) => ({ f, i })).filter(({ f }) => f.owner === 'postfixadmin' && (f.kind === 'postfixadmin-php' || f.path.endsWith('.php')))
  for (const { i } of php)
    L.push(`if command -v php >/dev/null 2>&1; then V php ${i} a php -l "$S/new/${i}"; else K php ${i} ${q("PHP's command line (php) is not installed on this server: the file's PHP syntax was not checked.")}; fi`)

  L.push('echo "$SEC""done"', '}')
  return L.join('\n') + '\n'
}

/** Removes a stage the client kept for an install that is not going to happen. */
export function removeStageScript(stage: string): string {
  return `rm -rf -- ${quoteWord(stage)}`
}
