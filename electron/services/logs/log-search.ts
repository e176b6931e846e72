// Searching the older logs on the server: the followed file and its rotated siblings (mail.log.1,
// mail.log.2.gz, maillog-20261120, ...), decompressed on the server and filtered by grep there, so
// only matching lines cross the connection. Files are chosen by time range from their mtimes (a
// rotated file ends at its mtime and starts after the next older one's).

/** Lists the candidates: `<mtime> <size> <path>` per line. */
export const SEARCH_LIST_PROGRAM = String.raw`
f=$1
for g in "$f" "$f".* "$f"-*; do
  [ -f "$g" ] && [ -r "$g" ] || continue
  printf '%s\n' "$(stat -c '%Y %s' "$g") $g"
done
exit 0
`

export function searchListArgv(path: string): string[] {
  return ['sh', '-c', SEARCH_LIST_PROGRAM, 'postdesk-list', path]
}

export interface LogFileInfo {
  path: string
  mtime: number // seconds
  size: number
}

export function parseSearchList(out: string): LogFileInfo[] {
  const files: LogFileInfo[] = []
  for (const line of out.split('\n')) {
    const m = /^(\d+) (\d+) (.+)$/.exec(line)
    if (m && !files.some((f) => f.path === m[3])) files.push({ mtime: Number(m[1]), size: Number(m[2]), path: m[3] as string })
  }
  return files
}

/** The files whose span may overlap [since, until] (ms), oldest first. */
export function filesForRange(files: LogFileInfo[], since?: number, until?: number): LogFileInfo[] {
  const sorted = [...files].sort((a, b) => a.mtime - b.mtime)
  return sorted.filter((f, i) => {
    // a minute of slack: a line's stamp precedes its write; the newest file is still being written
    const end = i === sorted.length - 1 ? Infinity : f.mtime * 1000 + 60_000
    const start = i > 0 ? (sorted[i - 1] as LogFileInfo).mtime * 1000 - 60_000 : -Infinity
    if (since !== undefined && end < since) return false
    if (until !== undefined && start > until) return false
    return true
  })
}

/**
 * Streams the matching lines of each file; `\x01F <path>` before each file's lines and `\x01Z` at the
 * end (rsyslog writes control characters as #001, so no log line starts with \x01).
 */
export const SEARCH_PROGRAM = String.raw`
t=$1; shift
for g in "$@"; do
  printf '\001F %s\n' "$g"
  case $g in
    *.gz) c='gzip -dc' ;;
    *.bz2) c='bzip2 -dc' ;;
    *.xz) c='xz -dc' ;;
    *.zst) c='zstd -dc' ;;
    *) c=cat ;;
  esac
  $c -- "$g" 2>/dev/null | grep -a -F -i -e "$t"
done
printf '\001Z\n'
exit 0
`

export function searchArgv(text: string, files: string[]): string[] {
  return ['sh', '-c', SEARCH_PROGRAM, 'postdesk-search', text, ...files]
}

/** journalctl's own search for journal hosts (time range on the server, text by grep). */
export function journalSearchArgv(units: string[], text: string, since?: number, until?: number): string[] {
  const argv = ['journalctl', '--no-pager', '-o', 'json']
  for (const u of units) argv.push('-u', u)
  if (since !== undefined) argv.push(`--since=@${Math.floor(since / 1000)}`)
  if (until !== undefined) argv.push(`--until=@${Math.ceil(until / 1000)}`)
  // $0 is the text: sh -c PROGRAM TEXT journalctl …
  return ['sh', '-c', '"$@" | grep -a -F -i -e "$0"', text, ...argv]
}
