/** Where a thing sits in a file: 1-based line and column (columns count UTF-16 code units, as editors do). */
export interface SourcePosition {
  line: number
  column: number
}

/** A span of a file as offsets (for CodeMirror) and as line:column (for people). `to` is exclusive. */
export interface SourceSpan {
  from: number
  to: number
}

/**
 * A file's text with a line index: converts offsets to line:column in O(log lines).
 * Line breaks are \n or \r\n; a \r before \n belongs to no line's content.
 */
export class SourceText {
  readonly lineStarts: number[]

  constructor(readonly text: string) {
    const starts = [0]
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
    this.lineStarts = starts
  }

  get lineCount(): number {
    return this.lineStarts.length
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length
  }

  /** Content of a 1-based line without its line break (and without a trailing \r). */
  lineText(line: number): string {
    const start = this.lineStart(line)
    let end = line < this.lineStarts.length ? this.lineStart(line + 1) - 1 : this.text.length
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--
    return this.text.slice(start, end)
  }

  positionAt(offset: number): SourcePosition {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.lineStarts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] as number) + 1 }
  }
}

/** Iterates the lines of a text with their start offsets (content excludes \n and a trailing \r). */
export function* linesOf(text: string): Generator<{ line: number; start: number; content: string }> {
  let start = 0
  let line = 1
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    const next = end === -1 ? text.length + 1 : end + 1
    if (end === -1) end = text.length
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end
    if (!(end === text.length && start === text.length && line > 1)) yield { line, start, content: text.slice(start, contentEnd) }
    start = next
    line++
  }
}
