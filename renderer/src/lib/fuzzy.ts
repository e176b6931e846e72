// Fuzzy matching for the command palette: the query's characters must appear in order in the text.
// Scores favour matches at the start, at word starts and in runs, like VS Code's quick open.

export interface FuzzyMatch {
  score: number
  /** Indexes in `text` of the matched characters, for highlighting. */
  positions: number[]
}

const isWordStart = (text: string, i: number): boolean => {
  if (i === 0) return true
  const prev = text.charAt(i - 1)
  return /[\s\-_./:(]/.test(prev) || (prev === prev.toLowerCase() && text.charAt(i) !== text.charAt(i).toLowerCase())
}

/** null when `query` does not match `text`; an empty query matches everything with score 0. */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ')
  if (!q) return { score: 0, positions: [] }
  const lower = text.toLowerCase()

  // A plain substring is the best kind of match.
  const sub = lower.indexOf(q)
  if (sub >= 0) {
    const positions = Array.from({ length: q.length }, (_, k) => sub + k)
    return { score: 1000 - sub + (isWordStart(text, sub) ? 200 : 0) + q.length * 10, positions }
  }

  const positions: number[] = []
  let score = 0
  let ti = 0
  let prev = -2
  for (const ch of q) {
    if (ch === ' ') continue
    const found = lower.indexOf(ch, ti)
    if (found < 0) return null
    positions.push(found)
    score += 10
    if (found === prev + 1) score += 15
    if (isWordStart(text, found)) score += 20
    score -= Math.min(found - ti, 10)
    prev = found
    ti = found + 1
  }
  return { score, positions }
}

/**
 * Items that match, best first; ties keep their original order. `extraOf` gives more text to match
 * (keywords): such matches rank below every match on the main text and highlight nothing.
 */
export function fuzzyFilter<T>(
  query: string,
  items: readonly T[],
  textOf: (item: T) => string,
  extraOf?: (item: T) => string | undefined,
): Array<{ item: T; match: FuzzyMatch }> {
  const out: Array<{ item: T; match: FuzzyMatch; index: number }> = []
  items.forEach((item, index) => {
    const match = fuzzyMatch(query, textOf(item))
    if (match) {
      out.push({ item, match, index })
      return
    }
    const extra = extraOf?.(item)
    const extraMatch = extra ? fuzzyMatch(query, extra) : null
    if (extraMatch) out.push({ item, match: { score: extraMatch.score - 10_000, positions: [] }, index })
  })
  out.sort((a, b) => b.match.score - a.match.score || a.index - b.index)
  return out.map(({ item, match }) => ({ item, match }))
}

/** Splits `text` into plain and highlighted runs for rendering without v-html. */
export function highlightRuns(text: string, positions: readonly number[]): Array<{ text: string; hit: boolean }> {
  const hits = new Set(positions)
  const runs: Array<{ text: string; hit: boolean }> = []
  for (let i = 0; i < text.length; i++) {
    const hit = hits.has(i)
    const last = runs[runs.length - 1]
    if (last && last.hit === hit) last.text += text.charAt(i)
    else runs.push({ text: text.charAt(i), hit })
  }
  return runs
}
