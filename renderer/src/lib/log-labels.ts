// Which message (vue-i18n key under `logs.`) labels a log line, a field of a line, a reject category or a
// recipient's status in the mail log view. Pure: the components translate the keys.
// The colour and the status filter stay those of statusOf(); only the words get more specific.

import { statusOf } from '../../../shared/logs/line-filter'
import type { LineKind, LogFields, LogLine, RejectCategory } from '../../../shared/logs/types'

/** The kinds that have their own short label when their status is the uncoloured 'other'. */
export const KIND_LABELS = [
  'held',
  'discarded',
  'connect',
  'disconnect',
  'lost_connection',
  'received',
  'message_id',
  'queued',
  'removed',
  'notification',
  'probe',
  'filtered',
  'postscreen',
  'tls',
  'logout',
  'mailbox_delivery',
] as const satisfies readonly LineKind[]
const kindLabels: ReadonlySet<LineKind> = new Set(KIND_LABELS)

/**
 * The label of a line in the status column: the coloured status (delivered, deferred, rejected, …) when it
 * has one, else the line's kind (connect, queued, removed, …), else "other".
 */
export function lineLabelKey(l: Pick<LogLine, 'kind' | 'severity'>): string {
  const s = statusOf(l)
  if (s !== 'other') return `logs.status.${s}`
  return kindLabels.has(l.kind) ? `logs.kind.${l.kind}` : 'logs.status.other'
}

// Every field a parser may set has a label (the compiler checks the list is complete).
const FIELD_KEYS: Record<keyof LogFields, true> = {
  clientHost: true, clientIp: true, clientPort: true, localIp: true, localPort: true,
  saslMethod: true, saslUsername: true, saslSender: true,
  from: true, to: true, origTo: true, size: true, nrcpt: true, messageId: true, uid: true, helo: true, proto: true,
  relay: true, relayHost: true, relayIp: true, relayPort: true, delay: true, delays: true, dsn: true,
  status: true, statusText: true, forwardedAs: true, queuedAs: true, notificationQueueId: true,
  action: true, stage: true, replyCode: true, replyDsn: true, reason: true, rejectData: true, rejectCategory: true, blocklist: true,
  service: true, protocol: true, user: true, method: true, session: true, tls: true, authAttempts: true, passdb: true, mailbox: true,
  postscreenAction: true, dnsblRank: true,
  commands: true, error: true, text: true,
}
export const FIELD_LABELS = Object.keys(FIELD_KEYS) as (keyof LogFields)[]

/** The label key of a field of a line, or null for a key we do not know (shown as it is). */
export function fieldLabelKey(key: string): string | null {
  return Object.hasOwn(FIELD_KEYS, key) ? `logs.field.${key}` : null
}

const REJECT_CATEGORIES: Record<RejectCategory, true> = {
  rbl: true, unknown_user: true, relay_denied: true, helo: true, sender_domain: true, sender_address: true,
  recipient_address: true, client_hostname: true, client_access: true, greylisted: true, protocol: true,
  size: true, too_busy: true, content: true, policy: true, other: true,
}
export const REJECT_CATEGORY_LABELS = Object.keys(REJECT_CATEGORIES) as RejectCategory[]

/** The status words of a recipient in a message's timeline (Postfix's status= and ours) that have a label. */
export const RECIPIENT_STATUSES = ['sent', 'deferred', 'bounced', 'expired', 'rejected', 'deliverable', 'undeliverable'] as const
const recipientStatuses: ReadonlySet<string> = new Set(RECIPIENT_STATUSES)

/** The label key of a recipient's status word, or null for a word we do not know (shown as it is). */
export function recipientStatusKey(status: string): string | null {
  return recipientStatuses.has(status) ? `logs.recipientStatus.${status}` : null
}

/**
 * The label key of a field's value when the value is a word of ours or of Postfix's with a label
 * (rejectCategory, status), else null (the value is shown as it is).
 */
export function fieldValueKey(key: string, value: unknown): string | null {
  if (typeof value !== 'string') return null
  if (key === 'rejectCategory') return Object.hasOwn(REJECT_CATEGORIES, value) ? `logs.rejectCategory.${value}` : null
  if (key === 'status') return recipientStatusKey(value)
  return null
}
