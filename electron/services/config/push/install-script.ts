import { posix } from 'node:path'
import { quoteWord } from '../../ssh/shell-quote'
import type { InstallFile } from './install-types'
import { sha256 } from './stage-script'
import { BACKUP_BASE, backupDir, heredocTag, isIndexedMap, POSTDESK_LIB, PUSH_BASE, pushDir, SECTION } from './push-paths'

export type ReloadTarget = 'postfix' | 'dovecot' | 'apache'

/** The services a push must reload: who reads the files. */
export function reloadTargets(files: readonly InstallFile[]): ReloadTarget[] {
  const t = new Set<ReloadTarget>()
  for (const f of files) {
    if (f.owner === 'postfix' || f.owner === 'aliases') t.add('postfix')
    else if (f.owner === 'dovecot') t.add('dovecot')
    else if (f.owner === 'apache') t.add('apache')
  }
  return [...t]
}

// Functions of the detached install script. $T: the transaction folder (root-only), $BK: the backups.
// The state file is replaced atomically (mv); the client (or the next connection) reads it.
const FUNCTIONS = String.raw`
st() { STEP=$2; printf 'state=%s\nstep=%s\npid=%s\n' "$1" "$2" "$$" > "$T/state.tmp" && mv -f "$T/state.tmp" "$T/state"; }
rep() { printf '%s\n' "$*" >> "$T/report"; }
why() { printf '%s\n' "$*" >> "$T/reason"; }
say() { echo "$(date -u +%H:%M:%S) $*"; }
X=0
chk() {
  if [ "$3" = - ]; then
    if [ -e "$2" ] || [ -L "$2" ]; then why "$2 now exists on the server (it did not when compared)."; X=1; fi
  elif [ ! -f "$2" ]; then why "$2 was removed from the server after the compare."; X=1
  else
    h=$(sha256sum < "$2" 2>/dev/null | cut -c1-64)
    [ "$h" = "$3" ] || { why "$2 was changed on the server after the compare."; X=1; }
  fi
}
# The real file behind a path (a symlinked config is replaced at its target, the link stays).
real() { r=$(readlink -f -- "$1" 2>/dev/null); [ -n "$r" ] && echo "$r" || echo "$1"; }
bk() {
  if [ -e "$2" ]; then
    d="$BK$2"
    mkdir -p "$(dirname "$d")" && cp -pL -- "$2" "$d" || return 1
    printf '%s\n' "$d" > "$T/bk.$1"
  fi
  return 0
}
inst() {
  t=$(real "$2"); tmp="$(dirname "$t")/.$(basename "$t").postdesk-$ID"
  cp -- "$T/new/$1" "$tmp" || { rm -f -- "$tmp"; return 1; }
  if [ -e "$t" ]; then
    chown --reference="$t" "$tmp" && chmod --reference="$t" "$tmp" || { rm -f -- "$tmp"; return 1; }
  else
    chown "$4:$5" "$tmp" && chmod "$3" "$tmp" || { rm -f -- "$tmp"; return 1; }
  fi
  # the marker first: a file that may have been replaced is always put back
  printf '%s\n' "$t" > "$T/inst.$1"
  mv -f -- "$tmp" "$t" || { rm -f -- "$tmp"; return 1; }
  command -v restorecon >/dev/null 2>&1 && restorecon -- "$t" 2>/dev/null
  printf 'installed\t%s\t%s\n' "$2" "$(cat "$T/bk.$1" 2>/dev/null)" >> "$T/report"
  return 0
}
rest() {
  t=; [ -f "$T/inst.$1" ] && t=$(cat "$T/inst.$1"); [ -n "$t" ] || t=$(real "$2")
  # a temp copy an interrupted install left next to the file
  rm -f -- "$(dirname "$t")/.$(basename "$t").postdesk-$ID"
  [ -f "$T/inst.$1" ] || return 0
  if [ -f "$T/bk.$1" ]; then
    b=$(cat "$T/bk.$1"); tmp="$(dirname "$t")/.$(basename "$t").postdesk-$ID"
    cp -p -- "$b" "$tmp" && mv -f -- "$tmp" "$t" || { why "Could not put back $2 from $b."; return 1; }
  else
    rm -f -- "$t"
  fi
  command -v restorecon >/dev/null 2>&1 && restorecon -- "$t" 2>/dev/null
  return 0
}
# Runs a command, its output into the log; on failure keeps its last lines for the reason.
run() { o=$("$@" 2>&1); rc=$?; [ -n "$o" ] && printf '%s\n' "$o"; [ $rc = 0 ] || LAST="$* exited with $rc: $(printf '%s' "$o" | tail -n 8)"; return $rc; }
listening() {
  h=$(printf ':%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$h" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }'
}
TO=; command -v timeout >/dev/null 2>&1 && TO="timeout 5"
# Reads the first line a local service says and checks its start (220 / * OK), then says goodbye.
greets() {
  command -v bash >/dev/null 2>&1 || return 2
  $TO bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1; IFS= read -r l <&3 || exit 1; printf "%s\r\n" "$2" >&3; case $l in "$1"*) exit 0 ;; *) exit 1 ;; esac' "$1" "$2" "$3" 2>/dev/null
}
systemd() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }
pf_on() { postfix status >/dev/null 2>&1; }
dv_pid() { b=$(doveconf -h base_dir 2>/dev/null); [ -n "$b" ] || b=/var/run/dovecot; cat "$b/master.pid" 2>/dev/null; }
dv_on() { p=$(dv_pid); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
ap_bin() { command -v apache2ctl || command -v apachectl || command -v httpd; }
ap_on() { pgrep -x apache2 >/dev/null 2>&1 || pgrep -x httpd >/dev/null 2>&1; }
restart_svc() {
  if systemd; then run systemctl restart "$1"
  elif [ -x "/etc/init.d/$1" ]; then run /etc/init.d/"$1" restart </dev/null
  elif [ "$1" = postfix ]; then postfix stop >/dev/null 2>&1; run postfix start
  else return 1; fi
}
# Where Dovecot's master writes (log_path, the syslog mail files): their sizes now, to read only what comes after.
logmark() {
  LOGS=
  for f in $(doveconf -h log_path 2>/dev/null) /var/log/mail.log /var/log/maillog /var/log/mail.err /var/log/dovecot.log; do
    case $f in /*) [ -f "$f" ] && LOGS="$LOGS $f:$(wc -c < "$f")" ;; esac
  done
  DV_SINCE=$(date +%s)
}
lognew() {
  for e in $LOGS; do tail -c +$(($\{e##*:} + 1)) "$\{e%:*}" 2>/dev/null; done
  systemd && journalctl -u dovecot --since "@$DV_SINCE" --no-pager -q 2>/dev/null
  return 0
}
start_svc() {
  if systemd; then run systemctl start "$1"
  elif [ -x "/etc/init.d/$1" ]; then run /etc/init.d/"$1" start </dev/null
  elif [ "$1" = postfix ]; then run postfix start
  elif [ "$1" = dovecot ]; then run dovecot
  else return 1; fi
}
# Reloads a service that runs (starts it if it ran before and is down now).
reload_pf() { if pf_on; then run postfix reload; elif [ "$PF_ON" = 1 ]; then start_svc postfix; fi; }
reload_dv() { if dv_on; then run doveadm reload; elif [ "$DV_ON" = 1 ]; then start_svc dovecot; fi; }
reload_ap() { if ap_on; then A=$(ap_bin) && run "$A" graceful; fi; }
# Waits until what ran before runs again: the process, its ports, its greeting; Dovecot without new master errors.
verify_pf() {
  [ "$PF_ON" = 1 ] || return 0
  end=$(($(date +%s) + VERIFY_SECS))
  while :; do
    ok=1; problem=
    pf_on || { ok=0; problem="Postfix is not running (postfix status)."; }
    for p in $PF_PORTS; do [ $ok = 1 ] && ! listening "$p" && { ok=0; problem="Postfix does not listen on port $p."; }; done
    if [ $ok = 1 ] && [ "$PF_GREETS" = 1 ] && ! greets 25 220 QUIT; then ok=0; problem="Postfix accepts connections on port 25 but does not answer with its 220 greeting (smtpd fails to start: see the mail log)."; fi
    [ $ok = 1 ] && return 0
    [ "$(date +%s)" -ge "$end" ] && { LAST=$problem; return 1; }
    sleep 1
  done
}
verify_dv() {
  [ "$DV_ON" = 1 ] || return 0
  end=$(($(date +%s) + VERIFY_SECS))
  while :; do
    ok=1; problem=
    dv_on || { ok=0; problem="Dovecot is not running (no master process)."; }
    if [ $ok = 1 ] && ! doveadm who >/dev/null 2>&1; then ok=0; problem="Dovecot runs but doveadm gets no answer (doveadm who)."; fi
    for p in $DV_PORTS; do [ $ok = 1 ] && ! listening "$p" && { ok=0; problem="Dovecot does not listen on port $p."; }; done
    if [ $ok = 1 ] && [ "$DV_GREETS" = 1 ] && ! greets 143 '* OK' 'a LOGOUT'; then ok=0; problem="Dovecot does not greet on port 143."; fi
    if [ $ok = 1 ] && [ -n "$DV_SINCE" ]; then
      e=$(lognew | grep -E 'dovecot.*master: (Error|Fatal)|Config reload failed' | tail -n 5)
      [ -n "$e" ] && { LAST="Dovecot did not take the new configuration (it keeps running with the old one): $e"; return 1; }
    fi
    [ $ok = 1 ] && return 0
    [ "$(date +%s)" -ge "$end" ] && { LAST=$problem; return 1; }
    sleep 1
  done
}
# Dovecot's running auth answers a userdb and a passdb lookup of $AUTH_USER (it reads the sql files anew
# after the reload; doveconf never does). Checked only when it answered before the push.
auth_ok() { doveadm user -- "$1" >/dev/null 2>"$T/auth.err" && doveadm auth lookup -- "$1" >/dev/null 2>>"$T/auth.err"; }
verify_auth() {
  [ -n "$AUTH_USER" ] && [ "$AUTH_BEFORE" = 1 ] || return 0
  end=$(($(date +%s) + VERIFY_SECS))
  while :; do
    auth_ok "$AUTH_USER" && return 0
    [ "$(date +%s)" -ge "$end" ] && { LAST="Dovecot cannot look up $AUTH_USER with the new files (doveadm user / doveadm auth lookup): $(head -c 400 "$T/auth.err" | tr '\n' ' ')"; return 1; }
    sleep 1
  done
}
verify_ap() {
  [ "$AP_ON" = 1 ] || return 0
  n=0
  while ! ap_on; do n=$((n + 1)); [ $n -ge 10 ] && { LAST="Apache is not running after the graceful restart."; return 1; }; sleep 1; done
  return 0
}
`.replace(/\$\\\{/g, '${')

export interface InstallPlan {
  id: string
  files: readonly InstallFile[]
  actor?: string
  /** A user Dovecot's auth must still find after the install (the sql check's sample). */
  authSample?: string
}

/** A push that can change how Dovecot's auth finds users: its sql driver files, dovecot.conf and its includes. */
export function changesDovecotAuth(files: readonly InstallFile[]): boolean {
  return files.some((f) => f.owner === 'dovecot' && (f.kind === 'dovecot' || f.kind === 'dovecot-sql'))
}

/**
 * The install transaction, run on the server as its own session (setsid, stdin from /dev/null): a dropped
 * SSH link cannot stop it halfway. Re-checks the server's files, backs each up (cp -p: content, owner,
 * mode, times) under /var/backups/postdesk/ID/PATH, installs each atomically (a temp file in the same
 * folder with the old file's owner and mode, then mv), runs postmap/postalias/newaliases for changed maps,
 * reloads what reads the files, verifies that what ran before runs, listens and answers again, and on
 * any failure puts every backup back, rebuilds the maps, reloads and verifies again. Its state file
 * ends as `new` or `old`.
 */
export function installScript(p: InstallPlan): string {
  const q = quoteWord
  const targets = reloadTargets(p.files)
  const L: string[] = [
    '#!/bin/sh',
    'set -u',
    'umask 077',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH',
    `ID=${q(p.id)}`,
    `T=${q(pushDir(p.id))}`,
    `BK=${q(backupDir(p.id))}`,
    'LAST=; STEP=start; FAILSTEP=; LOGS=; VERIFY_SECS=20',
    "trap '' HUP PIPE",
    // `install.sh recover`: the install process died (the server restarted): put everything back.
    'MODE=${1-install}',
    FUNCTIONS,
    'if [ "$MODE" = recover ]; then STEP=$(sed -n "s/^step=//p" "$T/state"); say "push $ID: recovering (the install process stopped at step $STEP)"; else say "push $ID starts"; st running compare; fi',
    // One push at a time per server (two desktops, or a retry while the first still runs).
    `LK=${PUSH_BASE}/.lock`,
    'if ! mkdir "$LK" 2>/dev/null; then',
    '  op=$(cat "$LK/pid" 2>/dev/null)',
    '  if [ -n "$op" ] && kill -0 "$op" 2>/dev/null; then [ "$MODE" = recover ] && exit 0; why "Another push ($(cat "$LK/id" 2>/dev/null)) is running on this server: nothing was changed; push again when it has finished."; st old compare; exit 0; fi',
    '  rm -rf "$LK"; mkdir "$LK" || { [ "$MODE" = recover ] && exit 0; why "Cannot take the push lock $LK."; st old compare; exit 0; }',
    'fi',
    'echo $$ > "$LK/pid"; echo "$ID" > "$LK/id"',
    'trap \'rm -rf "$LK"\' EXIT',
  ]
  L.push('PF_ON=0; PF_PORTS=; PF_GREETS=0; DV_ON=0; DV_PORTS=; DV_GREETS=0; DV_SINCE=; AP_ON=0; AUTH_USER=; AUTH_BEFORE=0')
  const before: string[] = []
  p.files.forEach((f, i) => before.push(`chk ${i} ${q(f.path)} ${f.expectedSha256 ?? '-'}`))
  before.push('if [ "$X" = 1 ]; then st old compare; say refused; exit 0; fi')
  // What ran before is what must run after.
  if (targets.includes('postfix')) before.push('if pf_on; then PF_ON=1; listening 25 && PF_PORTS=25; [ -n "$PF_PORTS" ] && greets 25 220 QUIT && PF_GREETS=1; fi')
  if (targets.includes('dovecot'))
    before.push('if dv_on; then DV_ON=1; for p in 143 993; do listening $p && DV_PORTS="$DV_PORTS $p"; done; listening 143 && greets 143 \'* OK\' \'a LOGOUT\' && DV_GREETS=1; fi')
  if (targets.includes('apache')) before.push('ap_on && AP_ON=1')
  const authCheck = changesDovecotAuth(p.files)
  if (authCheck) {
    // The sample the sql check used, else the first user Dovecot lists; required after only if found before.
    before.push(
      p.authSample ? `AUTH_USER=${q(p.authSample)}` : "AUTH_USER=$(timeout 15 doveadm user '*' 2>/dev/null | head -n 1)",
      '[ "$DV_ON" = 1 ] && [ -n "$AUTH_USER" ] && auth_ok "$AUTH_USER" && AUTH_BEFORE=1',
      'say "auth lookup before: user=$AUTH_USER answered=$AUTH_BEFORE"',
    )
  }
  before.push('say "running before: postfix=$PF_ON ports=$PF_PORTS greets=$PF_GREETS dovecot=$DV_ON ports=$DV_PORTS greets=$DV_GREETS apache=$AP_ON"')

  // The way back, defined before anything changes.
  const restore: string[] = ['fail() {', '  FAILSTEP=$STEP', '  [ -n "$LAST" ] && why "$LAST"', '  say "failed at $FAILSTEP: $LAST"', '  st running restore', '  LAST=']
  ;[...p.files.keys()].reverse().forEach((i) => restore.push(`  rest ${i} ${q(p.files[i]?.path ?? '')}`))
  restore.push(...mapCommands(p.files, '  ', true))
  restore.push('  rep restored')
  if (targets.includes('postfix')) restore.push('  { [ "$MODE" = recover ] || grep -q "^reloading postfix" "$T/report" 2>/dev/null; } && { reload_pf || why "Reloading Postfix with the old files failed: $LAST"; }')
  if (targets.includes('dovecot')) restore.push('  logmark', '  { [ "$MODE" = recover ] || grep -q "^reloading dovecot" "$T/report" 2>/dev/null; } && { reload_dv || why "Reloading Dovecot with the old files failed: $LAST"; }')
  if (targets.includes('apache')) restore.push('  { [ "$MODE" = recover ] || grep -q "^reloading apache" "$T/report" 2>/dev/null; } && { reload_ap || why "Reloading Apache with the old files failed: $LAST"; }')
  restore.push('  LAST=')
  // A reload may not bring back a daemon the master throttles after failed starts: restart it then.
  for (const t of targets)
    restore.push(`  LAST=; VERIFY_SECS=8; verify_${short(t)} || { say "restarting ${t}"; LAST=; VERIFY_SECS=20; restart_svc ${t} && rep restarted ${t}; verify_${short(t)} || why "After restoring the old files: $LAST"; }`)
  restore.push('  st old "$FAILSTEP"', '  say "restored; old state"', '  exit 0', '}')
  L.push(...restore)
  // Recovery: the services this push touched should run; whatever was installed goes back.
  L.push(
    'if [ "$MODE" = recover ]; then',
    `  ${targets.map((t) => `${t === 'postfix' ? 'PF' : t === 'dovecot' ? 'DV' : 'AP'}_ON=1`).join('; ') || ':'}`,
    '  LAST="The install process stopped at step \\"$STEP\\" without finishing (the server may have restarted during the push)."',
    '  fail',
    'fi',
    ...before,
  )

  L.push('st running backup', `mkdir -p "$BK" && chmod 700 ${posix.dirname(backupDir('x'))} "$BK" || { LAST="Could not create the backup folder $BK."; fail; }`)
  p.files.forEach((f, i) => L.push(`bk ${i} ${q(f.path)} || { LAST=${q(`Could not back up ${f.path}.`)}; fail; }`))
  L.push('st running install')
  p.files.forEach((f, i) => {
    L.push(`inst ${i} ${q(f.path)} ${q(f.mode ?? '0644')} ${q(f.user ?? 'root')} ${q(f.group ?? 'root')} || { LAST=${q(`Could not install ${f.path}.`)}; fail; }`)
  })
  const maps = mapCommands(p.files, '', false)
  if (maps.length) L.push('st running postmap', ...maps)
  if (targets.length) {
    L.push('st running reload')
    if (targets.includes('postfix')) L.push('rep reloading postfix', 'reload_pf || fail; [ "$PF_ON" = 1 ] && rep reloaded postfix')
    if (targets.includes('dovecot')) L.push('rep reloading dovecot', 'logmark', 'reload_dv || fail; [ "$DV_ON" = 1 ] && rep reloaded dovecot')
    if (targets.includes('apache')) L.push('rep reloading apache', 'reload_ap || fail; [ "$AP_ON" = 1 ] && rep reloaded apache')
    L.push('st running verify')
    for (const t of targets) L.push(`verify_${short(t)} || fail`)
    if (authCheck && targets.includes('dovecot')) L.push('verify_auth || fail')
  }
  L.push('st new done', 'say "push $ID done"', 'exit 0')
  return L.join('\n') + '\n'
}

const short = (t: ReloadTarget): string => (t === 'postfix' ? 'pf' : t === 'dovecot' ? 'dv' : 'ap')

/** postmap/postalias/newaliases for the maps among the files (restoring: never stop at a failure). */
function mapCommands(files: readonly InstallFile[], indent: string, restoring: boolean): string[] {
  const out: string[] = []
  const onFail = (what: string) => (restoring ? `|| why ${quoteWord(`Rebuilding ${what} from the restored file failed.`)}` : '|| fail')
  let aliases = false
  files.forEach((f, i) => {
    const type = f.mapType ? quoteWord(f.mapType) : '"$(postconf -h default_database_type)"'
    const path = quoteWord(f.path)
    // Restoring a map that did not exist before: its compiled file goes too.
    if (restoring && f.expectedSha256 === null && (isIndexedMap(f.mapType) || f.kind === 'aliases'))
      out.push(`${indent}[ -f "$T/inst.${i}" ] && [ ! -e ${path} ] && rm -f -- ${quoteWord(f.path + '.db')} ${quoteWord(f.path + '.cdb')} ${quoteWord(f.path + '.lmdb')}`)
    else if (f.owner === 'aliases' || f.kind === 'aliases') {
      aliases = true
      // newaliases rebuilds alias_database; a file not listed there is compiled on its own.
      out.push(`${indent}if ! postconf -h alias_database | tr ', ' '\\n\\n' | sed 's/^[a-z0-9_]*://' | grep -qxF -e ${path}; then run postalias ${type}:${path} ${onFail(f.path)}; fi`)
    } else if (f.kind === 'postfix-map' && (isIndexedMap(f.mapType) || f.mapType === undefined)) {
      if (f.mapType === undefined) out.push(`${indent}case $(postconf -h default_database_type) in hash|btree|cdb|dbm|lmdb|sdbm) run postmap ${type}:${path} ${onFail(f.path)} ;; esac`)
      else out.push(`${indent}run postmap ${type}:${path} ${onFail(f.path)}`)
    }
  })
  if (aliases) out.push(`${indent}run newaliases ${onFail('the aliases database')}`)
  return out
}

/**
 * Moves the validated stage into a transaction folder, writes the install script and starts it as its
 * own session; answers `started PID`. Keeps the newest 30 transaction records and backup folders.
 */
export function launchScript(stage: string, p: InstallPlan): string {
  const q = quoteWord
  const script = installScript(p)
  const tag = heredocTag(script)
  const paths = p.files.map((f) => f.path).join('\n')
  const ptag = heredocTag(paths, 'POSTDESK_PATHS')
  // In braces: sh reads the whole block before running any of it, so a link that dies while the
  // script is still arriving runs nothing; once it runs, the hang-up of the link does not stop it.
  return [
    '{',
    "trap '' HUP PIPE",
    'set -u',
    'umask 077',
    `SEC=${q(SECTION)}`,
    `S=${q(stage)}`,
    `T=${q(pushDir(p.id))}`,
    `[ -d "$S/new" ] || { echo "$SEC""error the validated stage is gone from the server (it is removed after two hours): push again"; exit 3; }`,
    `mkdir -p ${PUSH_BASE} && chmod 700 ${POSTDESK_LIB} ${PUSH_BASE} && mkdir "$T" || { echo "$SEC""error cannot create $T"; exit 3; }`,
    `mv "$S/new" "$T/new" && rm -rf -- "$S" || { echo "$SEC""error cannot move the stage into $T"; exit 3; }`,
    ...p.files.map((f, i) => `[ "$(sha256sum < "$T/new/${i}" | cut -c1-64)" = ${sha256(f.content)} ] || { echo "$SEC""error the staged copy of ${f.path.replace(/[^\w./-]/g, '?')} is not what was validated"; rm -rf -- "$T"; exit 3; }`),
    `cat > "$T/paths" <<'${ptag}'\n${paths}\n${ptag}`,
    `printf '%s\\n' ${q(p.actor ?? '')} > "$T/actor"`,
    'date -u +%Y-%m-%dT%H:%M:%SZ > "$T/started"',
    `printf 'state=running\\nstep=start\\n' > "$T/state"`,
    `cat > "$T/install.sh" <<'${tag}'\n${script}${tag}`,
    `printf '%s\\n' ${q(p.id)} > ${PUSH_BASE}/last.tmp && mv -f ${PUSH_BASE}/last.tmp ${PUSH_BASE}/last`,
    'if command -v setsid >/dev/null 2>&1; then setsid sh "$T/install.sh" </dev/null >"$T/log" 2>&1 &',
    'else nohup sh "$T/install.sh" </dev/null >"$T/log" 2>&1 & fi',
    'echo "$!" > "$T/pid"',
    'echo "$SEC""started $!"',
    `n=$(ls -1d ${PUSH_BASE}/2*/ 2>/dev/null | wc -l)`,
    `[ "$n" -gt 30 ] && ls -1d ${PUSH_BASE}/2*/ | sort | head -n $((n - 30)) | while IFS= read -r d; do rm -rf -- "$d"; done`,
    // Backups likewise (they would otherwise grow on a small disk with every push): the newest 29 and
    // the one this push makes. A running push is always the newest, so its backup is never pruned.
    `n=$(ls -1d ${BACKUP_BASE}/2*/ 2>/dev/null | wc -l)`,
    `[ "$n" -gt 29 ] && ls -1d ${BACKUP_BASE}/2*/ | sort | head -n $((n - 29)) | while IFS= read -r d; do rm -rf -- "$d"; done`,
    'exit 0',
    '}',
  ].join('\n') + '\n'
}

/**
 * Waits on the server (up to `waitSec`) while the push runs at step `knownStep`, then prints its record:
 * the state file, the report and the reason (sections). Also reads the record of an earlier push.
 */
export function readPushScript(id: string | null, knownStep: string | null, waitSec: number): string {
  const q = quoteWord
  return [
    `SEC=${q(SECTION)}`,
    id ? `ID=${q(id)}` : `ID=$(cat ${PUSH_BASE}/last 2>/dev/null); [ -n "$ID" ] || { echo "$SEC""none"; exit 0; }`,
    `T=${PUSH_BASE}/$ID`,
    '[ -f "$T/state" ] || { echo "$SEC""none"; exit 0; }',
    'i=0',
    `while [ $i -lt ${Math.max(0, Math.round(waitSec * 5))} ] && grep -qx 'state=running' "$T/state" 2>/dev/null && grep -qx ${q(`step=${knownStep ?? ''}`)} "$T/state" 2>/dev/null; do sleep 0.2; i=$((i + 1)); done`,
    'echo "$SEC""id $ID"',
    'alive=0; for p in $(cat "$T/pid" 2>/dev/null) $(sed -n "s/^pid=//p" "$T/state" 2>/dev/null); do kill -0 "$p" 2>/dev/null && alive=1; done',
    'echo "$SEC""alive $alive"',
    'm=$(stat -c %Y "$T/state" 2>/dev/null) || m=$(date +%s); echo "$SEC""age $(($(date +%s) - m))"',
    'for f in state report reason paths started actor; do echo "$SEC""file $f"; cat "$T/$f" 2>/dev/null; done',
    'echo "$SEC""file log"; tail -n 40 "$T/log" 2>/dev/null',
    'echo "$SEC""end"',
  ].join('\n') + '\n'
}

/** Starts `install.sh recover` of a push whose install process is gone: everything it may have installed goes back. */
export function recoverScript(id: string): string {
  const q = quoteWord
  return [
    '{',
    "trap '' HUP PIPE",
    `SEC=${q(SECTION)}`,
    `T=${q(pushDir(id))}`,
    '[ -f "$T/install.sh" ] || { echo "$SEC""error no install script in $T"; exit 0; }',
    'if command -v setsid >/dev/null 2>&1; then setsid sh "$T/install.sh" recover </dev/null >>"$T/log" 2>&1 &',
    'else nohup sh "$T/install.sh" recover </dev/null >>"$T/log" 2>&1 & fi',
    'echo "$!" > "$T/pid"',
    'echo "$SEC""started $!"',
    '}',
  ].join('\n') + '\n'
}
