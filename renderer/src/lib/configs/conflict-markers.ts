/** A span of text by character offsets (end exclusive). */
export interface TextSpan {
  from: number
  to: number
}

/**
 * One conflict a three-way merge left in a file:
 * ```
 * <<<<<<< local          (start marker line)
 * mine…
 * ||||||| base            (optional: diff3 style)
 * base…
 * =======
 * theirs…
 * >>>>>>> remote          (end marker line)
 * ```
 * `from`/`to` cover the whole block including the marker lines and the end marker's line break.
 */
export interface ConflictBlock extends TextSpan {
  /** 1-based line of the start marker. */
  line: number
  mine: string
  theirs: string
  base: string | null
  /** Lines (spans) of the markers themselves, for highlighting. */
  markers: TextSpan[]
  mineSpan: TextSpan
  theirsSpan: TextSpan
}

const START = /^<{7}(?: .*)?$/
const BASE = /^\|{7}(?: .*)?$/
const MIDDLE = /^={7}$/
const END = /^>{7}(?: .*)?$/

interface Line {
  text: string
  from: number
  /** Offset after the line's break (or the end of text). */
  next: number
}

function linesOf(text: string): Line[] {
  const out: Line[] = []
  let from = 0
  while (from <= text.length) {
    const nl = text.indexOf('\n', from)
    const end = nl < 0 ? text.length : nl
    out.push({ text: text.slice(from, end).replace(/\r$/, ''), from, next: nl < 0 ? text.length : nl + 1 })
    if (nl < 0) break
    from = nl + 1
  }
  return out
}

/** Conflict blocks in a text, in order. A block without its closing marker is not counted (it is not one). */
export function findConflicts(text: string): ConflictBlock[] {
  if (!text.includes('<<<<<<<')) return []
  const lines = linesOf(text)
  const out: ConflictBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!START.test((lines[i] as Line).text)) continue
    let base = -1
    let mid = -1
    let end = -1
    for (let j = i + 1; j < lines.length; j++) {
      const t = (lines[j] as Line).text
      if (START.test(t)) break
      if (mid < 0 && base < 0 && BASE.test(t)) base = j
      else if (mid < 0 && MIDDLE.test(t)) mid = j
      else if (mid >= 0 && END.test(t)) {
        end = j
        break
      }
    }
    if (mid < 0 || end < 0) continue
    const span = (a: number, b: number): TextSpan => ({ from: (lines[a] as Line).from, to: a < b ? (lines[b - 1] as Line).next : (lines[a] as Line).from })
    const mineSpan = span(i + 1, base >= 0 ? base : mid)
    const theirsSpan = span(mid + 1, end)
    const baseSpan = base >= 0 ? span(base + 1, mid) : null
    const at = (k: number): TextSpan => ({ from: (lines[k] as Line).from, to: (lines[k] as Line).next })
    out.push({
      from: (lines[i] as Line).from,
      to: (lines[end] as Line).next,
      line: i + 1,
      mine: text.slice(mineSpan.from, mineSpan.to),
      theirs: text.slice(theirsSpan.from, theirsSpan.to),
      base: baseSpan ? text.slice(baseSpan.from, baseSpan.to) : null,
      markers: [at(i), ...(base >= 0 ? [at(base)] : []), at(mid), at(end)],
      mineSpan,
      theirsSpan,
    })
    i = end
  }
  return out
}

export const hasConflicts = (text: string): boolean => findConflicts(text).length > 0

export type ConflictChoice = 'mine' | 'theirs' | 'both'

/** The replacement of one conflict block for a choice (both: mine then theirs). */
export function conflictResolution(block: ConflictBlock, choice: ConflictChoice): string {
  const end = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`)
  if (choice === 'mine') return block.mine
  if (choice === 'theirs') return block.theirs
  return end(block.mine) + block.theirs
}

/** The text with the conflict at `index` resolved (other blocks untouched). */
export function resolveConflict(text: string, index: number, choice: ConflictChoice): string {
  const block = findConflicts(text)[index]
  if (!block) return text
  return text.slice(0, block.from) + conflictResolution(block, choice) + text.slice(block.to)
}
