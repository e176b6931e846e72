import { z } from 'zod'
import { LOG_SOURCE_CHOICES, LogSourceChoice } from '../domain/log-source'
import { ServerId } from '../domain/server'
import { PFLOGSUMM_LABELS } from '../logs/pflogsumm-totals'
import type { StreamLine, WireBatch } from '../logs/wire-line'
import type { ContractSection, EventSection } from './define'

/** One parsed line and its place in the stream; lines travel as a WireBatch (see shared/logs/wire-line.ts). */
export type { StreamLine, WireBatch }
/** Which log to read (auto, file, journal): see shared/domain/log-source.ts. */
export { LOG_SOURCE_CHOICES, LogSourceChoice }

const StreamLines = z.custom<WireBatch>((v) => typeof v === 'object' && v !== null && Array.isArray((v as { raw?: unknown }).raw))
const StreamId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

export const LogSourceInfo = z.union([
  z.object({ kind: z.literal('file'), path: z.string() }),
  z.object({ kind: z.literal('journal'), units: z.array(z.string()) }),
])
export type LogSourceInfo = z.infer<typeof LogSourceInfo>

const LogPath = z.string().regex(/^\/[^\0\n]{1,4095}$/)

/** pflogsumm's Grand Totals, keyed by its own labels */
export const PflogsummTotalsSchema = z.record(z.enum(PFLOGSUMM_LABELS), z.number())

export const FollowState = z.enum(['starting', 'following', 'resuming', 'stopped', 'failed'])
export type FollowState = z.infer<typeof FollowState>

export const logsChannels = {
  /** Starts following the server's mail log: the last `lines` lines, then new ones as `logs.lines` events. */
  'logs.follow': {
    input: z.object({ id: ServerId, lines: z.number().int().min(0).max(100000).default(1000), source: LogSourceChoice.default('auto'), path: LogPath.optional() }),
    output: z.object({ followId: z.string(), source: LogSourceInfo }),
  },
  'logs.stop': { input: z.object({ followId: StreamId }), output: z.object({ stopped: z.boolean() }) },
  /**
   * Searches the log and its rotated files (including .gz) on the server for `text` between `since` and
   * `until` (ms since the epoch); matches arrive as `logs.searchLines` events; resolves when done.
   * `source` as for logs.follow (a forced journal is searched with journalctl --since/--until).
   */
  'logs.search': {
    input: z.object({
      id: ServerId,
      searchId: StreamId,
      text: z.string().max(1000).default(''),
      since: z.number().optional(),
      until: z.number().optional(),
      maxLines: z.number().int().min(1).max(1000000).default(100000),
      source: LogSourceChoice.default('auto'),
      path: LogPath.optional(),
    }),
    output: z.object({ matched: z.number(), files: z.array(z.string()), cancelled: z.boolean(), limited: z.boolean() }),
  },
  'logs.cancelSearch': { input: z.object({ searchId: StreamId }), output: z.object({ cancelled: z.boolean() }) },
  /**
   * pflogsumm's Grand Totals of the server's current log (`source` as for logs.follow), read over SSH and
   * counted as it arrives (nothing is copied to disk); progress as `logs.summaryProgress` events.
   */
  'logs.summary': {
    input: z.object({ id: ServerId, summaryId: StreamId, source: LogSourceChoice.default('auto'), path: LogPath.optional() }),
    output: z.object({
      totals: PflogsummTotalsSchema,
      /** lines read (those over the length limit included), lines pflogsumm takes as postfix lines, lines over the limit */
      lines: z.number(),
      postfixLines: z.number(),
      truncatedLines: z.number(),
      bytes: z.number(),
      seconds: z.number(),
      source: LogSourceInfo,
      cancelled: z.boolean(),
    }),
  },
  'logs.cancelSummary': { input: z.object({ summaryId: StreamId }), output: z.object({ cancelled: z.boolean() }) },
  /** Test harness only: `count` generated lines through a follow's real pipeline (refused in the app). */
  'logs.inject': {
    input: z.object({ followId: StreamId, count: z.number().int().min(1).max(2000000), lines: z.array(z.string().max(65536)).max(10000).optional() }),
    output: z.object({ injected: z.number() }),
  },
} satisfies ContractSection

export const logsEvents = {
  'logs.lines': { payload: z.object({ followId: z.string(), lines: StreamLines }) },
  'logs.state': {
    payload: z.object({
      followId: z.string(),
      serverId: z.string(),
      state: FollowState,
      source: LogSourceInfo.nullable(),
      message: z.string().optional(),
      /** set when lines may be missing (resume point gone): search the server for them */
      gap: z.boolean().optional(),
    }),
  },
  'logs.searchLines': {
    payload: z.object({ searchId: z.string(), lines: StreamLines, filesDone: z.number(), filesTotal: z.number(), file: z.string().optional() }),
  },
  /** a logs.summary's progress: bytes read, the log's size when known (a file), lines counted */
  'logs.summaryProgress': {
    payload: z.object({ summaryId: z.string(), bytes: z.number(), totalBytes: z.number().nullable(), lines: z.number() }),
  },
} satisfies EventSection
