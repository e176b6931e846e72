import type { SourceSpan, SourceText } from './source-text'

export type Severity = 'error' | 'warning' | 'info'

/** Another place that explains a finding (the line that wins over a duplicate, the other side of a mismatch). */
export interface RelatedLocation {
  file: string
  line: number
  column: number
  message: string
}

/**
 * One lint result. `code` is stable (for filtering and translations); `message` says what is wrong,
 * `hint` what to do. Offsets are for editors, line:column for people; both point at the same span.
 */
export interface Finding {
  file: string
  severity: Severity
  code: string
  message: string
  hint?: string
  line: number
  column: number
  endLine: number
  endColumn: number
  from: number
  to: number
  related?: RelatedLocation[]
}

export interface FindingInit {
  severity: Severity
  code: string
  message: string
  hint?: string
  related?: RelatedLocation[]
}

/** A file's text plus its name: what a finding needs to turn a span into line:column. */
export interface LocatedText {
  path: string
  source: SourceText
}

export function findingAt(where: LocatedText, span: SourceSpan, init: FindingInit): Finding {
  const start = where.source.positionAt(span.from)
  const end = where.source.positionAt(Math.max(span.from, span.to))
  const f: Finding = {
    file: where.path,
    severity: init.severity,
    code: init.code,
    message: init.message,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    from: span.from,
    to: Math.max(span.from, span.to),
  }
  if (init.hint) f.hint = init.hint
  if (init.related?.length) f.related = init.related
  return f
}

export function relatedAt(where: LocatedText, offset: number, message: string): RelatedLocation {
  const p = where.source.positionAt(offset)
  return { file: where.path, line: p.line, column: p.column, message }
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 }

/** Stable order for output: by file, then position, then severity. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.from - b.from || order[a.severity] - order[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  )
}

export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error')
