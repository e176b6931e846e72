export interface LineDiffSummary {
  added: number
  removed: number
}

/** Longest common subsequence tables above this size fall back to a multiset count (still exact for pure additions/removals). */
const MAX_CELLS = 4_000_000

/**
 * How many lines a change adds and removes (what `diff` would count): common head and tail are
 * trimmed, the middle compared by longest common subsequence.
 */
export function lineDiffSummary(before: string, after: string): LineDiffSummary {
  if (before === after) return { added: 0, removed: 0 }
  const a = splitLines(before)
  const b = splitLines(after)
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const x = a.slice(head, a.length - tail)
  const y = b.slice(head, b.length - tail)
  if (x.length === 0 || y.length === 0) return { added: y.length, removed: x.length }
  const common = x.length * y.length <= MAX_CELLS ? lcsLength(x, y) : multisetCommon(x, y)
  return { added: y.length - common, removed: x.length - common }
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

function lcsLength(x: string[], y: string[]): number {
  let prev = new Uint32Array(y.length + 1)
  let cur = new Uint32Array(y.length + 1)
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) cur[j] = x[i - 1] === y[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, cur[j - 1] as number)
    ;[prev, cur] = [cur, prev]
  }
  return prev[y.length] as number
}

function multisetCommon(x: string[], y: string[]): number {
  const counts = new Map<string, number>()
  for (const l of x) counts.set(l, (counts.get(l) ?? 0) + 1)
  let common = 0
  for (const l of y) {
    const n = counts.get(l) ?? 0
    if (n > 0) {
      common++
      counts.set(l, n - 1)
    }
  }
  return common
}
