import { EVENT_BATCH_CHANNEL, type EventName, type Payload } from '../../shared/contract/index'

export interface EventBatch {
  name: string
  payload: unknown
}
/** Where batches go: webContents.send in the app, a WebSocket in the e2e harness. */
export type BatchSink = (channel: string, batch: EventBatch[]) => void

/**
 * Main -> renderer events, coalesced every `intervalMs` so a burst (e.g. 5,000 log lines a second)
 * costs the renderer a few IPC messages, not thousands.
 */
export class EventBatcher {
  private queue: EventBatch[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private sinks = new Set<BatchSink>()

  constructor(private readonly intervalMs = 50) {}

  addSink(sink: BatchSink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  emit<E extends EventName>(name: E, payload: Payload<E>): void {
    this.queue.push({ name, payload })
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (!this.queue.length) return
    const batch = this.queue
    this.queue = []
    for (const sink of this.sinks) sink(EVENT_BATCH_CHANNEL, batch)
  }
}
