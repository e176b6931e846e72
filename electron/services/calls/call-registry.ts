import { AppError } from '../../../shared/errors'

/**
 * Long calls the renderer may cancel: it names each with a call id, and `servers.cancel` aborts the
 * AbortSignal the service got for it. Ids are the caller's; an unknown id is simply not running.
 */
export class CallRegistry {
  private readonly running = new Map<string, AbortController>()

  /** Runs `work` with a signal that `cancel(callId)` aborts; without an id, the signal never aborts. */
  async run<T>(callId: string | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (callId === undefined) return work(undefined)
    if (this.running.has(callId)) throw new AppError('conflict', `A call with the id ${callId} is already running.`)
    const ac = new AbortController()
    this.running.set(callId, ac)
    try {
      return await work(ac.signal)
    } finally {
      this.running.delete(callId)
    }
  }

  cancel(callId: string): boolean {
    const ac = this.running.get(callId)
    if (!ac) return false
    ac.abort()
    return true
  }
}
