// Which log to follow on a server: Postfix's own maillog_file, /var/log/maillog (RHEL/CentOS),
// /var/log/mail.log (Debian/Ubuntu), or the journal on systemd hosts where no file is written.
// The user may also force one kind ('file' or 'journal') instead of the automatic choice.

import { AppError } from '../../../shared/errors'
import type { LogSourceChoice } from '../../../shared/contract/logs'

export type LogSource = { kind: 'file'; path: string } | { kind: 'journal'; units: string[] }

/** One remote sh run that reports what is there (read by parseLogProbe). */
export const LOG_PROBE_PROGRAM = String.raw`
mf=$(postconf -h maillog_file 2>/dev/null)
printf 'maillog_file=%s\n' "$mf"
for p in /var/log/maillog /var/log/mail.log "$@"; do
  [ -n "$p" ] || continue
  if [ -f "$p" ]; then
    r=0; [ -r "$p" ] && r=1
    printf 'file=%s %s %s\n' "$r" "$(stat -c '%s %Y' "$p" 2>/dev/null || echo '0 0')" "$p"
  fi
done
command -v journalctl >/dev/null 2>&1 && printf 'journalctl=1\n'
[ -d /run/systemd/system ] && printf 'systemd=1\n'
for d in /run/log/journal /var/log/journal; do
  [ -n "$(find "$d" -name '*.journal' 2>/dev/null | head -n 1)" ] && { printf 'journal=1\n'; break; }
done
exit 0
`

export function logProbeArgv(extraPaths: string[] = []): string[] {
  return ['sh', '-c', LOG_PROBE_PROGRAM, 'postdesk-probe', ...extraPaths]
}

export interface LogProbe {
  maillogFile: string | null
  files: { path: string; readable: boolean; size: number; mtime: number }[]
  journalctl: boolean
  systemd: boolean
  /** journal files exist (/run/log/journal or /var/log/journal): a journald writes one, systemd host or not */
  journal: boolean
}

export function parseLogProbe(out: string): LogProbe {
  const p: LogProbe = { maillogFile: null, files: [], journalctl: false, systemd: false, journal: false }
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=')
    if (eq < 0) continue
    const k = line.slice(0, eq)
    const v = line.slice(eq + 1)
    if (k === 'maillog_file') p.maillogFile = v.trim() || null
    else if (k === 'journalctl') p.journalctl = true
    else if (k === 'systemd') p.systemd = true
    else if (k === 'journal') p.journal = true
    else if (k === 'file') {
      const m = /^([01]) (\d+) (\d+) (.+)$/.exec(v)
      if (m && !p.files.some((f) => f.path === m[4])) p.files.push({ path: m[4] as string, readable: m[1] === '1', size: Number(m[2]), mtime: Number(m[3]) })
    }
  }
  return p
}

export const JOURNAL_UNITS = ['postfix.service', 'postfix@-.service', 'dovecot.service']

/**
 * The source to follow: maillog_file when Postfix writes its own log (not /dev/stdout), else the
 * most recently written of the syslog files (a known hint such as facts.mailLog first when it is
 * equally fresh), else the journal on a systemd host. null: nothing readable found.
 */
export function chooseLogSource(p: LogProbe, hint?: string | null): LogSource | null {
  const file = chooseLogFile(p, hint)
  if (file) return file
  if (p.journalctl && p.systemd) return { kind: 'journal', units: JOURNAL_UNITS }
  return null
}

/** The file part of chooseLogSource: maillog_file, else the freshest readable syslog file. */
export function chooseLogFile(p: LogProbe, hint?: string | null): LogSource | null {
  const readable = p.files.filter((f) => f.readable)
  if (p.maillogFile && !p.maillogFile.startsWith('/dev/')) {
    const f = readable.find((x) => x.path === p.maillogFile)
    if (f) return { kind: 'file', path: f.path }
  }
  const best = [...readable].sort((a, b) => b.mtime - a.mtime || (b.path === hint ? 1 : 0) - (a.path === hint ? 1 : 0) || b.size - a.size)[0]
  return best ? { kind: 'file', path: best.path } : null
}

/**
 * The source for the user's choice: 'auto' is chooseLogSource; 'file' only a file; 'journal' the
 * journal of the mail units, even where a file is written too. A forced journal needs journalctl
 * and a journal to read (a systemd host, or journal files written by a journald without systemd as
 * PID 1). Throws an AppError saying what is missing and what to choose instead.
 */
export function resolveLogSource(p: LogProbe, choice: LogSourceChoice, hint?: string | null): LogSource {
  if (choice === 'journal') {
    if (!p.journalctl) throw new AppError('unsupported', 'The journal was chosen as the log source, but journalctl is not installed on the server (not found on the PATH of root). Choose the automatic source or a log file instead.', { missing: 'journalctl' })
    if (!p.systemd && !p.journal) throw new AppError('unsupported', 'The journal was chosen as the log source, but the server keeps no systemd journal (no systemd running, no journal files in /run/log/journal or /var/log/journal). Choose the automatic source or a log file instead.', { missing: 'journal' })
    return { kind: 'journal', units: JOURNAL_UNITS }
  }
  if (choice === 'file') {
    const f = chooseLogFile(p, hint)
    if (!f) {
      const unreadable = p.files.filter((x) => !x.readable).map((x) => x.path)
      throw new AppError(
        'not-found',
        `A log file was chosen as the log source, but no readable mail log file was found on the server (checked Postfix's maillog_file, /var/log/maillog and /var/log/mail.log${unreadable.length ? `; not readable: ${unreadable.join(', ')}` : ''}). Give the file's path, or choose the automatic source or the journal instead.`,
        { missing: 'file' },
      )
    }
    return f
  }
  const s = chooseLogSource(p, hint)
  if (!s) throw new AppError('not-found', 'No readable mail log found on the server (/var/log/maillog, /var/log/mail.log, maillog_file or the journal).')
  return s
}

/**
 * `journalctl -f -o json` for the mail units: the last `lines` entries, or everything after a cursor.
 * After a cursor `-n all` is needed: -f alone means -n 10, and journalctl then shows only the first
 * 10 entries after the cursor until a new one comes (seen against a real journal, systemd 252).
 */
export function journalFollowArgv(units: string[], o: { lines: number; afterCursor?: string }): string[] {
  const argv = ['journalctl', '--no-pager', '-f', '-o', 'json']
  for (const u of units) argv.push('-u', u)
  if (o.afterCursor) argv.push(`--after-cursor=${o.afterCursor}`, '-n', 'all')
  else argv.push('-n', String(Math.max(0, Math.floor(o.lines))))
  return argv
}

/** The `__CURSOR` of one `journalctl -o json` line, found without parsing the whole object. */
export function journalCursorOf(line: string): string | null {
  const i = line.indexOf('"__CURSOR":"')
  if (i < 0) return null
  const start = i + 12
  const end = line.indexOf('"', start)
  return end < 0 ? null : line.slice(start, end)
}
