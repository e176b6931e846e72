// Deterministic mutations of real log lines: the odd shapes on which a re-implementation of
// pflogsumm's regular expressions would drift from the original if it were not exact.

const EDITS: Array<(s: string, r: () => number) => string> = [
  (s, r) => s.slice(0, Math.floor(r() * s.length)), // truncated line
  (s) => s.replace(': ', ':  '), // two spaces after the tag
  (s) => s.replace(' ', '  '), // two spaces in the stamp or before the host
  (s) => s.replace(/ (\S+) (postfix)/, ' $1\t$2'), // a tab before the tag
  (s) => s.replace('size=', 'size=0'), // zero-prefixed / zero size
  (s) => s.replace(/size=\d+/, 'size=0'),
  (s) => s.replace('to=<', 'to=<to=<'), // nested openers
  (s) => s.replace('from=<', 'from=<x>, from=<'),
  (s) => s.replace(', relay=', ', orig_to=<a@b>, relay='),
  (s) => s.replace(', delay=', ', conn_use=2, delay='),
  (s) => s.replace(', dsn=', ', tls=may, dsn='), // newer Postfix: pflogsumm 1.1.5 does not read it
  (s) => s.replace('status=sent (', 'status=sent (forwarded as ABC; '),
  (s) => s.replace(/: ([0-9A-Fa-z]+): /, ': [ID 197553 mail.info] $1: '), // Solaris message id
  (s) => s.replace(/\[(\d+)\]: /, '[$1]: warning: '),
  (s) => s.replace(/\[(\d+)\]: /, ': '),
  (s) => s.replace('client=', 'client=,'),
  (s) => s.replace(/client=[^,\s]+/, 'client=unknown[2001:db8::1]'),
  (s) => s.replace(/client=[^,\s]+/, 'client=host.example.co.uk[192.0.2.1]'),
  (s) => s.replace(/client=[^,\s]+/, 'client=odd(192.0.2.9):25'),
  (s) => s.replace(/client=[^,\s]+/, 'client=garbage'),
  (s) => s.replace('reject: ', 'reject_warning: '),
  (s) => s.replace('reject: ', 'hold: '),
  (s) => s.replace('NOQUEUE: reject: ', 'reject: '),
  (s) => s.replace('postfix/', 'postfix/smtps/'),
  (s) => s.replace('postfix/', 'postfix-in/'),
  (s) => s.replace(/postfix\/\w+\[/, 'postfix['),
  (s) => s.replace(/postfix\/\w+\[/, 'postfix-script['),
  (s) => s.replace('@', '@@'),
  (s) => s.replace(/@([a-z.]+)/, (_m, d: string) => '@' + d.toUpperCase()),
  (s) => s.replace('header ', 'header  '),
  (s) => s.replace('cleanup[', 'cleanup[x'),
  (s) => s + '\r',
  (s) => s.replace(/^(\w{3}) (\d{2})/, '$1 0$2'),
]

/** n mutated lines drawn from the given postfix lines (same seed, same output). */
export function mutateLines(lines: readonly string[], n: number, seed = 7): string[] {
  let state = seed >>> 0
  const r = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 4294967296
  }
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    let s = lines[Math.floor(r() * lines.length)]!
    const edits = 1 + Math.floor(r() * 2)
    for (let k = 0; k < edits; k++) s = EDITS[Math.floor(r() * EDITS.length)]!(s, r)
    out.push(s)
  }
  return out
}
