import { shellQuote } from '../ssh/shell-quote'

/** Where transactions live on the server (root-only): one directory per apply, removed once decided. */
export const REMOTE_BASE = '/var/lib/postdesk/firewall'

const SECTION = '--- postdesk:'

/**
 * One round trip: the client address as the server sees it, the tools present, and the owned state of
 * every backend (iptables/ip6tables filter table, the nft table, the Apache file if one is configured).
 */
export function detectScript(apacheConf: string | undefined): string {
  return [
    'h() { command -v "$1" >/dev/null 2>&1; }',
    'echo "ssh=$SSH_CONNECTION"',
    'h iptables-restore && h iptables-save && echo iptables=1',
    'h ip6tables-restore && echo ip6tables=1',
    'h nft && echo nft=1',
    // firewalld needs the system bus: without its socket it cannot be running (and firewall-cmd takes a second to say so).
    'F=; if h firewall-cmd; then [ -S /run/dbus/system_bus_socket ] && F=$(firewall-cmd --state 2>/dev/null | head -n 1); echo "firewalld=${F:-stopped}"; fi',
    'U=; h ufw && U=$(ufw status 2>/dev/null | head -n 1) && echo "ufw=$U"',
    'h at && echo at=1',
    'A=$(command -v apachectl || command -v apache2ctl || command -v httpd)',
    'if [ -n "$A" ]; then echo "apache=$($A -v 2>/dev/null | head -n 1)"; { pgrep -x apache2 || pgrep -x httpd; } >/dev/null 2>&1 && echo apache_running=1; fi',
    '[ -d /etc/sysconfig ] && echo sysconfig=1',
    '[ -d /etc/iptables ] && echo etc_iptables=1',
    `echo '${SECTION}iptables'`,
    'h iptables-save && iptables-save -t filter 2>/dev/null',
    `echo '${SECTION}ip6tables'`,
    'h ip6tables-save && ip6tables-save -t filter 2>/dev/null',
    `echo '${SECTION}nft'`,
    'h nft && nft list table inet postdesk 2>/dev/null',
    `echo '${SECTION}ufw'`,
    // The rules ufw keeps (its own listing; only when it is active: an inactive ufw is not applied to).
    '[ "$U" = "Status: active" ] && ufw show added 2>/dev/null',
    `echo '${SECTION}firewalld'`,
    // The zones that take traffic: the default zone (interfaces bound to no zone), the active ones (runtime
    // bindings), and every zone of the permanent configuration (what a reload makes the runtime), whose
    // listing also says which are bound and holds their rich rules (Postdesk's are found in every zone,
    // also one no longer active). parseFirewalldState keeps the interface-bound ones. Then the postdesk-*
    // ipsets (global) and their entries.
    'if [ "$F" = running ]; then echo "default $(firewall-cmd --get-default-zone 2>/dev/null)"; firewall-cmd --get-active-zones 2>/dev/null | sed "s/^/active /"; firewall-cmd --permanent --list-all-zones 2>/dev/null | sed "s/^/pzone /"; for s in $(firewall-cmd --permanent --get-ipsets 2>/dev/null); do case $s in postdesk-*) echo "set $s"; firewall-cmd --permanent --ipset="$s" --get-entries 2>/dev/null | sed "s/^/ipset $s /";; esac; done; fi',
    `echo '${SECTION}apache'`,
    ...(apacheConf ? [`cat ${shellQuote([apacheConf])} 2>/dev/null`] : []),
    `echo '${SECTION}end'`,
    'exit 0',
  ].join('\n')
}

export interface DetectOutput {
  keys: Record<string, string>
  sections: Record<string, string>
}

export function parseDetect(out: string): DetectOutput {
  const keys: Record<string, string> = {}
  const sections: Record<string, string> = {}
  let current: string | undefined
  let buf: string[] = []
  for (const line of out.split('\n')) {
    if (line.startsWith(SECTION)) {
      if (current) sections[current] = buf.join('\n')
      current = line.slice(SECTION.length)
      buf = []
    } else if (current) buf.push(line)
    else {
      const i = line.indexOf('=')
      if (i > 0) keys[line.slice(0, i)] = line.slice(i + 1)
    }
  }
  return { keys, sections }
}

/** A file written by the transaction script: name in the transaction dir and its content. */
export interface TxnFile {
  name: string
  content: string
}

export interface TxnPlan {
  id: string
  timeoutSec: number
  files: TxnFile[]
  /** Shell lines that apply the change (run with $D set); each failure rolls back at once. */
  apply: string[]
  /** Shell lines that restore the previous state (run by the timer unless confirmed). */
  rollback: string[]
}

export function txnDir(id: string): string {
  return `${REMOTE_BASE}/${id}`
}

function heredoc(path: string, content: string): string {
  let tag = 'POSTDESK_EOF'
  while (content.includes(tag)) tag += '_'
  return `cat > ${path} <<'${tag}'\n${content}${content.endsWith('\n') ? '' : '\n'}${tag}`
}

/**
 * The transaction: write the files, write rollback.sh (which only runs once: `mkdir decided` is the lock
 * that confirm and rollback race for), start the timer as its own session (setsid: the client's death or
 * SSH hang-up does not reach it) and an `at` job as a second path, then apply.
 * Output lines: SCHEDULED, APPLIED or APPLY_FAILED <step>.
 */
export function applyScript(p: TxnPlan): string {
  const D = txnDir(p.id)
  const qD = shellQuote([D])
  const rollback = ['#!/bin/sh', `D=${qD}`, 'mkdir "$D/decided" 2>/dev/null || exit 0', ...p.rollback, 'date -u +%Y-%m-%dT%H:%M:%SZ > "$D/fired"', ''].join('\n')
  const timer = ['#!/bin/sh', `sleep ${p.timeoutSec}`, `exec sh ${qD}/rollback.sh`, ''].join('\n')
  const atMinutes = Math.ceil(p.timeoutSec / 60) + 1
  return [
    'set -u',
    'umask 077',
    `D=${qD}`,
    'mkdir -p "$D" || { echo "APPLY_FAILED mkdir"; exit 3; }',
    ...p.files.map((f) => heredoc(`"$D/${f.name}"`, f.content)),
    heredoc('"$D/rollback.sh"', rollback),
    heredoc('"$D/timer.sh"', timer),
    'setsid sh "$D/timer.sh" </dev/null >/dev/null 2>&1 &',
    'echo $! > "$D/pid"',
    // Silent (at mails a job's output to root) and harmless once the transaction is gone.
    `if command -v at >/dev/null 2>&1; then echo "[ -f $D/rollback.sh ] && sh $D/rollback.sh >/dev/null 2>&1" | at now + ${atMinutes} minutes 2>&1 | sed -n 's/^job \\([0-9]*\\) .*/\\1/p' > "$D/atjob"; fi`,
    'echo SCHEDULED',
    'fail() { echo "APPLY_FAILED $1"; cat "$D/err" 2>/dev/null; sh "$D/rollback.sh"; exit 3; }',
    ...p.apply,
    'echo APPLIED',
  ].join('\n')
}

/** Run over the FRESH connection: wins the decision (cancelling timer and at job) unless the rollback already did. */
export function confirmScript(id: string): string {
  const D = shellQuote([txnDir(id)])
  return [
    `D=${D}`,
    'echo "ssh=$SSH_CONNECTION"',
    'if mkdir "$D/decided" 2>/dev/null; then',
    '  P=$(cat "$D/pid" 2>/dev/null); [ -n "$P" ] && kill -TERM -- "-$P" 2>/dev/null',
    '  J=$(cat "$D/atjob" 2>/dev/null); [ -n "$J" ] && atrm "$J" 2>/dev/null',
    '  echo CONFIRMED',
    'elif [ -f "$D/fired" ]; then echo FIRED; else echo DECIDED; fi',
  ].join('\n')
}

/** Whether the rollback has run (FIRED), is still pending (PENDING), or the transaction is gone (GONE). */
export function rollbackStateScript(id: string): string {
  const D = shellQuote([txnDir(id)])
  return `D=${D}\nif [ -f "$D/fired" ]; then echo FIRED; elif [ -d "$D" ]; then echo PENDING; else echo GONE; fi`
}

/** Removes a decided transaction, and its `at` job if that is still queued. */
export function cleanupScript(id: string): string {
  const D = shellQuote([txnDir(id)])
  return `J=$(cat ${D}/atjob 2>/dev/null); [ -n "$J" ] && atrm "$J" 2>/dev/null; rm -rf ${D}`
}
