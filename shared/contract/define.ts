import type { z } from 'zod'

/** One request/response channel: `area.verb`, validated on both sides of the bridge. */
export interface ChannelSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
}
/** One main -> renderer event stream: `area.name`. Delivered in batches (see electron/main/event-batcher.ts). */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  payload: P
}
export type ContractSection = Record<`${string}.${string}`, ChannelSpec>
export type EventSection = Record<`${string}.${string}`, EventSpec>
