import type { SourceSpan } from './source-text'

/** A syntax problem found while parsing; lints turn these into findings for the file. */
export interface ParseProblem {
  severity: 'error' | 'warning' | 'info'
  code: string
  message: string
  hint?: string
  span: SourceSpan
}
