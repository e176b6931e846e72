/** A word of a list value with its offsets in the value string. */
export interface ValueWord {
  text: string
  from: number
  to: number
}

const isSeparator = (c: string, commas: boolean) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || (commas && c === ',')

/**
 * Splits a Postfix list value into words at blanks (and commas unless `commas` is false), keeping
 * Postfix 3 `{ ... }` groups (which may contain blanks and commas) inside one word.
 */
export function splitWords(value: string, commas = true, from = 0, to = value.length): ValueWord[] {
  const words: ValueWord[] = []
  let i = from
  while (i < to) {
    while (i < to && isSeparator(value[i] as string, commas)) i++
    if (i >= to) break
    const start = i
    let depth = 0
    while (i < to) {
      const c = value[i] as string
      if (c === '{') depth++
      else if (c === '}') depth = Math.max(0, depth - 1)
      else if (depth === 0 && isSeparator(c, commas)) break
      i++
    }
    words.push({ text: value.slice(start, i), from: start, to: i })
  }
  return words
}

/** The inside of a `{ ... }` word, trimmed, with its offsets; undefined if the word is not braced. */
export function unbrace(word: ValueWord): ValueWord | undefined {
  if (!word.text.startsWith('{') || !word.text.endsWith('}')) return undefined
  let from = word.from + 1
  let to = word.to - 1
  const s = word.text
  let a = 1
  let b = s.length - 1
  while (a < b && /\s/.test(s[a] as string)) {
    a++
    from++
  }
  while (b > a && /\s/.test(s[b - 1] as string)) {
    b--
    to--
  }
  return { text: s.slice(a, b), from, to }
}
