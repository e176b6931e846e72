// Web Worker: lints the whole workspace off the main thread, so typing never waits for the linter.
import { lintConfigSet } from '../../../../shared/config/lint-config-set'
import type { LintReply, LintRequest } from './lint-protocol'
import { workspaceLintSet, type LintCatalogues } from './workspace-lint-set'

interface WorkerScope {
  onmessage: ((e: MessageEvent<LintRequest>) => void) | null
  postMessage(message: LintReply): void
}
const scope = self as unknown as WorkerScope
let catalogues: LintCatalogues = {}

scope.onmessage = (e) => {
  const req = e.data
  if (req.type === 'catalogues') {
    catalogues = req.catalogues
    return
  }
  const started = performance.now()
  try {
    const { findings } = lintConfigSet(workspaceLintSet(req.files, catalogues))
    scope.postMessage({ seq: req.seq, findings, ms: performance.now() - started })
  } catch (err) {
    scope.postMessage({ seq: req.seq, findings: [], ms: performance.now() - started, error: err instanceof Error ? err.message : String(err) })
  }
}
