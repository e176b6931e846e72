/** Expands `{a,b}` alternatives (glob(3) GLOB_BRACE, as Dovecot's !include uses) into plain patterns. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{')
  if (open === -1) return [pattern]
  let depth = 0
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++
    else if (pattern[i] === '}' && --depth === 0) {
      const parts: string[] = []
      let d = 0
      let last = open + 1
      for (let j = open + 1; j < i; j++) {
        if (pattern[j] === '{') d++
        else if (pattern[j] === '}') d--
        else if (pattern[j] === ',' && d === 0) {
          parts.push(pattern.slice(last, j))
          last = j + 1
        }
      }
      parts.push(pattern.slice(last, i))
      const head = pattern.slice(0, open)
      const tail = pattern.slice(i + 1)
      return parts.flatMap((p) => expandBraces(head + p + tail))
    }
  }
  return [pattern]
}

/** A regular expression for one glob(3) pattern: `*` and `?` never match '/', `[...]` classes, no leading-dot matches. */
export function globToRegExp(pattern: string): RegExp {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    const atSegmentStart = i === 0 || pattern[i - 1] === '/'
    if (c === '*') re += atSegmentStart ? '(?!\\.)[^/]*' : '[^/]*'
    else if (c === '?') re += atSegmentStart ? '(?!\\.)[^/]' : '[^/]'
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2)
      if (close === -1) re += '\\['
      else {
        let body = pattern.slice(i + 1, close)
        if (body.startsWith('!')) body = '^' + body.slice(1)
        re += '[' + body.replace(/\\/g, '\\\\') + ']'
        i = close
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(re + '$')
}

export const hasGlobChars = (pattern: string): boolean => /[*?[{]/.test(pattern)

/** The paths among `candidates` that a glob pattern matches, sorted as glob(3) returns them (byte order). */
export function matchGlob(pattern: string, candidates: Iterable<string>): string[] {
  const regexes = expandBraces(pattern).map(globToRegExp)
  const out = new Set<string>()
  for (const c of candidates) if (regexes.some((r) => r.test(c))) out.add(c)
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Joins a path relative to the directory of `base` (POSIX; `base` is a file path). */
export function resolveRelative(base: string, path: string): string {
  if (path.startsWith('/')) return normalizePath(path)
  const slash = base.lastIndexOf('/')
  return normalizePath(slash === -1 ? path : base.slice(0, slash + 1) + path)
}

/** Removes `.` and `..` segments and duplicate slashes. */
export function normalizePath(path: string): string {
  const abs = path.startsWith('/')
  const parts: string[] = []
  for (const seg of path.split('/')) {
    if (!seg || seg === '.') continue
    if (seg === '..') {
      if (parts.length && parts[parts.length - 1] !== '..') parts.pop()
      else if (!abs) parts.push('..')
    } else parts.push(seg)
  }
  return (abs ? '/' : '') + parts.join('/')
}

export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)
export const dirName = (path: string): string => {
  const i = path.lastIndexOf('/')
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i)
}
