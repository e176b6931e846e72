import type { Finding } from '../../../../shared/config/finding'
import type { LintCatalogues, LintFile } from './workspace-lint-set'

/** Messages to the lint worker: the catalogues once per workspace, then the files on every lint. */
export type LintRequest = { type: 'catalogues'; catalogues: LintCatalogues } | { type: 'lint'; seq: number; files: LintFile[] }

export interface LintReply {
  seq: number
  findings: Finding[]
  /** Time spent in lintConfigSet, in the worker. */
  ms: number
  error?: string
}
