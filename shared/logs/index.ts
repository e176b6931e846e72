// The mail log engine's public surface (platform-free: renderer, worker, services and CLI).
export type * from './types'
export { MailLogParser, parseLine, parseMessage, readMessage, type ParserOptions } from './parse-line'
export { MessageCorrelator, timelineEvents, type CorrelatorOptions, type MessageTimeline, type RecipientState, type TimelineEvent } from './message-correlator'
export {
  PflogsummCounter, PFLOGSUMM_LABELS, formatPflogsummTotals, type PflogsummLabel, type PflogsummOptions, type PflogsummTotals,
} from './pflogsumm-counter'
export { LineSplitter, decodeLatin1, type LineSink, type LineSplitterOptions } from './line-splitter'
export { rejectCategoryOf } from './reject-category'
