// The remote side of following a log file: a small POSIX sh loop (Linux: GNU coreutils or busybox)
// that reads the file by byte offset and reports exactly which bytes of which inode it sends, so the
// desktop can resume after a reconnect with no line lost or repeated, and survive rotation.
//
// Frames on stdout (headers are one ASCII line; only D carries payload):
//   O <ino> <off>    now reading file <ino> from byte <off> (the next D continues there)
//   S <size>         the size when following started: lines ending at or before it are the backlog
//   D <len>\n<bytes> <len> bytes of the current file, continuing at the current offset
//   R                the path now names another file (rotated); an O follows
//   T                the file shrank (copytruncate): reading again from byte 0 (an O follows)
//   G <why>          the resume point is gone (e.g. rotated and compressed while offline): lines may be missing
//   H                heartbeat, about once a second while idle (a closed channel then ends the loop by SIGPIPE)
//   E <why>          fatal: the loop ends
//
// Reading goes through /dev/fd/3, an open descriptor of the followed file, so the bytes written to a
// file after it was renamed away (before the writer reopened its log) are still read: the loop moves
// to the new file only once the old one has stayed still for `switchAfter` polls.

/** The sh program; run as `sh -c PROGRAM postdesk-follow PATH INO OFF LINES POLL SWITCHAFTER`. */
export const FOLLOW_PROGRAM = String.raw`
f=$1 want=$2 off=$3 lines=$4 poll=$5 switch_after=$6
max=1048576
inode() { stat -L -c %i "$1" 2>/dev/null; }
size() { stat -L -c %s "$1" 2>/dev/null; }
open_path() { exec 3<"$1" || { printf 'E cannot read %s\n' "$1"; exit 3; }; ino=$(inode /dev/fd/3); }
if [ -n "$want" ]; then
  if [ "$(inode "$f")" = "$want" ]; then
    open_path "$f"
  else
    found=
    for g in "$f".* "$f"-*; do
      case $g in *.gz|*.bz2|*.xz|*.zst) continue ;; esac
      [ -f "$g" ] || continue
      if [ "$(inode "$g")" = "$want" ]; then found=$g; break; fi
    done
    if [ -n "$found" ]; then
      open_path "$found"
    else
      printf 'G resume file %s is gone\n' "$want"
      open_path "$f"; off=0
    fi
  fi
  s=$(size /dev/fd/3)
  if [ "$s" -lt "$off" ]; then printf 'G file %s shrank below %s\n' "$ino" "$off"; off=0; fi
else
  open_path "$f"
  s=$(size /dev/fd/3)
  printf 'S %s\n' "$s"
  off=$((s - lines * 300))
  [ "$off" -lt 0 ] && off=0
fi
printf 'O %s %s\n' "$ino" "$off"
idle=0 beat=0
while :; do
  s=$(size /dev/fd/3)
  [ -n "$s" ] || s=$off
  if [ "$s" -gt "$off" ]; then
    len=$((s - off))
    [ "$len" -gt "$max" ] && len=$max
    printf 'D %s\n' "$len"
    tail -c +$((off + 1)) /dev/fd/3 | head -c "$len"
    off=$((off + len)) idle=0 beat=0
    continue
  fi
  if [ "$s" -lt "$off" ]; then
    off=0
    printf 'T\nO %s 0\n' "$ino"
    continue
  fi
  cur=$(inode "$f")
  if [ -n "$cur" ] && [ "$cur" != "$ino" ]; then
    idle=$((idle + 1))
    if [ "$idle" -ge "$switch_after" ]; then
      open_path "$f"; off=0 idle=0
      printf 'R\nO %s 0\n' "$ino"
      continue
    fi
  fi
  beat=$((beat + 1))
  if [ "$beat" -ge 20 ]; then printf 'H\n'; beat=0; fi
  sleep "$poll"
done
`

export interface FollowStart {
  path: string
  /** Resume: the inode and byte offset where the last stream stopped. */
  resume?: { ino: string; off: number }
  /** Fresh start: about this many lines of backlog. */
  lines: number
  /** Seconds between polls while idle (default 0.05). */
  pollSeconds?: number
  /** Idle polls on a rotated-away file before moving to the new one (default 20, about 1 s). */
  switchAfter?: number
}

export function followArgv(o: FollowStart): string[] {
  return [
    'sh',
    '-c',
    FOLLOW_PROGRAM,
    'postdesk-follow',
    o.path,
    o.resume?.ino ?? '',
    String(o.resume?.off ?? 0),
    String(Math.max(0, Math.floor(o.lines))),
    String(o.pollSeconds ?? 0.05),
    String(o.switchAfter ?? 20),
  ]
}

export type FollowFrame =
  | { type: 'open'; ino: string; off: number }
  | { type: 'start-size'; size: number }
  | { type: 'data'; bytes: Buffer }
  | { type: 'rotated' }
  | { type: 'truncated' }
  | { type: 'gap'; reason: string }
  | { type: 'heartbeat' }
  | { type: 'error'; reason: string }

/** Reads the loop's stdout (chunks cut anywhere) into frames. */
export class FollowFrameReader {
  private buf: Buffer = Buffer.alloc(0)
  private need = 0

  constructor(private readonly sink: (f: FollowFrame) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    for (;;) {
      if (this.need > 0) {
        if (this.buf.length === 0) return
        const take = Math.min(this.need, this.buf.length)
        const bytes = this.buf.subarray(0, take)
        this.buf = this.buf.subarray(take)
        this.need -= take
        this.sink({ type: 'data', bytes })
        continue
      }
      const nl = this.buf.indexOf(10)
      if (nl < 0) {
        if (this.buf.length > 4096) throw new Error('follow stream: a frame header is too long')
        return
      }
      const head = this.buf.subarray(0, nl).toString('latin1')
      this.buf = this.buf.subarray(nl + 1)
      this.header(head)
    }
  }

  private header(h: string): void {
    const sp = h.indexOf(' ')
    const tag = sp < 0 ? h : h.slice(0, sp)
    const rest = sp < 0 ? '' : h.slice(sp + 1)
    switch (tag) {
      case 'D': {
        const n = Number(rest)
        if (!Number.isSafeInteger(n) || n < 0) throw new Error(`follow stream: bad data header "${h}"`)
        this.need = n
        return
      }
      case 'O': {
        const [ino, off] = rest.split(' ')
        if (!ino || !/^\d+$/.test(off ?? '')) throw new Error(`follow stream: bad open header "${h}"`)
        return this.sink({ type: 'open', ino, off: Number(off) })
      }
      case 'S':
        return this.sink({ type: 'start-size', size: Number(rest) || 0 })
      case 'R':
        return this.sink({ type: 'rotated' })
      case 'T':
        return this.sink({ type: 'truncated' })
      case 'G':
        return this.sink({ type: 'gap', reason: rest })
      case 'H':
        return this.sink({ type: 'heartbeat' })
      case 'E':
        return this.sink({ type: 'error', reason: rest })
      default:
        throw new Error(`follow stream: unknown frame "${h.slice(0, 80)}"`)
    }
  }
}
