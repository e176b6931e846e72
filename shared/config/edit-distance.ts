// Three rows of the dynamic-programming table, reused across calls: suggestions run for every
// unknown name of a file, and fresh arrays per call made the garbage collector the main cost.
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)] as [Int32Array, Int32Array, Int32Array]

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  if (a === b) return 0
  const n = b.length
  if (rows[0].length <= n) rows = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)]
  let [prev2, prev, cur] = rows
  for (let j = 0; j <= n; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    let rowMin = i
    const ca = a.charCodeAt(i - 1)
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1)
      const cost = ca === cb ? 0 : 1
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, (prev2[j - 2] as number) + 1)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    ;[prev2, prev, cur] = [prev, cur, prev2]
  }
  return prev[n] as number
}

/** Letter counts (a-z, 0-9, '_', other) of a word: an edit changes their L1 difference by at most 2. */
function histogram(word: string): Uint8Array {
  const h = new Uint8Array(38)
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) | 32
    const k = c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : c === 127 ? 36 : 37
    h[k] = Math.min(255, (h[k] as number) + 1)
  }
  return h
}
const histograms = new WeakMap<readonly string[], Uint8Array[]>()

/**
 * The closest candidate for a probable typo, or undefined when nothing is close enough.
 * Allowed distance grows with length: 1 for short names, up to 3 for long ones. For an array of
 * candidates (a catalogue), letter-count bounds computed once skip most of the distance work.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const max = word.length <= 4 ? 1 : word.length <= 10 ? 2 : 3
  let best: string | undefined
  let bestDistance = max + 1
  let hists: Uint8Array[] | undefined
  if (Array.isArray(candidates)) {
    const list = candidates as readonly string[]
    hists = histograms.get(list)
    if (!hists) histograms.set(list, (hists = list.map(histogram)))
  }
  const mine = hists ? histogram(word) : undefined
  let index = -1
  for (const c of candidates) {
    index++
    if (Math.abs(c.length - word.length) > bestDistance) continue
    if (hists && mine) {
      const h = hists[index] as Uint8Array
      let l1 = 0
      for (let k = 0; k < 38; k++) l1 += Math.abs((h[k] as number) - (mine[k] as number))
      if (l1 > 2 * bestDistance) continue
    }
    const d = editDistance(word, c, bestDistance)
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c
      bestDistance = d
    }
  }
  return bestDistance <= max ? best : undefined
}
