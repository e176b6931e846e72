import type { LintReply, LintRequest } from './lint-protocol'
import { workspaceLintSet, type LintCatalogues, type LintFile } from './workspace-lint-set'

/** Something that lints off the caller's thread: the Web Worker in the app, the same code in-process elsewhere. */
export interface LintTransport {
  post(req: LintRequest): void
  onReply(cb: (reply: LintReply) => void): void
  close(): void
}

interface LintWorker {
  postMessage(message: LintRequest): void
  onmessage: ((e: { data: LintReply }) => void) | null
  terminate(): void
}
type LintWorkerConstructor = new (url: URL, options: { type: 'module'; name: string }) => LintWorker

/** The worker when the page can start one (the app, the browser harness), else the same code in-process. */
export function defaultTransport(): LintTransport {
  // Read through globalThis: this module is also type-checked (and unit-tested) without the DOM library.
  const Worker = (globalThis as { Worker?: LintWorkerConstructor }).Worker
  if (Worker) {
    try {
      const worker = new Worker(new URL('./lint-worker.ts', import.meta.url), { type: 'module', name: 'postdesk-config-lint' })
      return {
        post: (req) => worker.postMessage(req),
        onReply: (cb) => (worker.onmessage = (e) => cb(e.data)),
        close: () => worker.terminate(),
      }
    } catch {
      // fall through: lint in-process
    }
  }
  return inProcessTransport()
}

/** Lints in this thread (tests, or a page that cannot start workers); replies asynchronously like the worker. */
export function inProcessTransport(): LintTransport {
  let catalogues: LintCatalogues = {}
  let listener: ((r: LintReply) => void) | null = null
  const run = import('../../../../shared/config/lint-config-set').then((m) => m.lintConfigSet)
  return {
    post(req) {
      if (req.type === 'catalogues') {
        catalogues = req.catalogues
        return
      }
      const cat = catalogues
      void run.then((lint) => {
        const started = performance.now()
        const findings = lint(workspaceLintSet(req.files, cat)).findings
        listener?.({ seq: req.seq, findings, ms: performance.now() - started })
      })
    },
    onReply: (cb) => (listener = cb),
    close: () => (listener = null),
  }
}

/**
 * Lints the workspace set; only the newest request's answer is delivered (an older one still running
 * when the user types again is dropped), so the editor never shows findings for text it no longer has.
 */
export class WorkspaceLinter {
  private seq = 0
  private pending = new Map<number, (r: LintReply | null) => void>()

  constructor(private readonly transport: LintTransport = defaultTransport()) {
    transport.onReply((reply) => {
      const resolve = this.pending.get(reply.seq)
      this.pending.delete(reply.seq)
      resolve?.(reply)
    })
  }

  setCatalogues(catalogues: LintCatalogues): void {
    this.transport.post({ type: 'catalogues', catalogues })
  }

  /** The findings for these files, or null when a newer lint was asked for meanwhile. */
  lint(files: LintFile[]): Promise<LintReply | null> {
    const seq = ++this.seq
    // An older request still running is answered null: its findings are for text the editor no longer has.
    for (const [s, resolve] of this.pending) {
      this.pending.delete(s)
      resolve(null)
    }
    return new Promise<LintReply | null>((resolve) => {
      this.pending.set(seq, resolve)
      this.transport.post({ type: 'lint', seq, files })
    })
  }

  close(): void {
    this.transport.close()
    this.pending.clear()
  }
}
