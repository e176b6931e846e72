import { z } from 'zod'
import { InitSystem } from './facts'
import { FirewallHistoryItem } from './firewall'

// ------------------------------------------------------------------------------------------- services

/** The services Postdesk knows, by role; each maps to whatever name the server's init system uses. */
export const ServiceKey = z.enum(['postfix', 'dovecot', 'database', 'web', 'php-fpm', 'rsyslog', 'fail2ban', 'sshd'])
export type ServiceKey = z.infer<typeof ServiceKey>

export const ServiceAction = z.enum(['start', 'stop', 'restart', 'reload'])
export type ServiceAction = z.infer<typeof ServiceAction>

export const ServiceStatus = z.object({
  key: ServiceKey,
  /** The name on this server: the systemd unit / init script (e.g. mariadb, mysqld, apache2, php8.2-fpm). */
  name: z.string(),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  /** When the main process started (from its elapsed time), ISO; null when not running. */
  since: z.string().nullable(),
  /** Started at boot, when the init system says; null when it cannot be told. */
  enabledAtBoot: z.boolean().nullable(),
  /** TCP ports its processes listen on (ss -ltn[p]). */
  ports: z.array(z.number().int()),
  /** The init system's own words (first lines of `service X status` / `systemctl is-active`). */
  statusText: z.string(),
  /** It has an init script / unit, so Postdesk can start, stop, restart and reload it. */
  managed: z.boolean(),
})
export type ServiceStatus = z.infer<typeof ServiceStatus>

export const ServicesOverview = z.object({ init: InitSystem, services: z.array(ServiceStatus), checkedAt: z.string() })
export type ServicesOverview = z.infer<typeof ServicesOverview>

/** A way back after a failed action, e.g. restoring the config file a push replaced (see UndoProvider). */
export const UndoOffer = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), service: ServiceKey, description: z.string(), path: z.string() })
export type UndoOffer = z.infer<typeof UndoOffer>

/**
 * Another service acted on after this one, because of it: a Postfix reload after the database came back
 * (`mysql-lookups`: Postfix's lookup processes keep their dead MySQL connections and refuse mail with
 * "451 Temporary lookup failure" for the map's retry_interval). Verified like any action.
 */
export const ServiceFollowUp = z.object({
  key: ServiceKey,
  action: ServiceAction,
  cause: z.enum(['mysql-lookups']),
  ok: z.boolean(),
  /** Why the follow-up failed (from the server); empty when ok. */
  reason: z.string(),
})
export type ServiceFollowUp = z.infer<typeof ServiceFollowUp>

export const ServiceActionResult = z.object({
  key: ServiceKey,
  name: z.string(),
  action: ServiceAction,
  ok: z.boolean(),
  /** Refused before anything was changed (e.g. the config check failed: the service keeps running). */
  refused: z.boolean(),
  status: ServiceStatus,
  /** Ports that should be listening and are not. */
  missingPorts: z.array(z.number().int()),
  /** The command's own output (stdout and stderr, trimmed). */
  output: z.string(),
  /** Why it failed, from the server: config check, status output, last log lines. Empty when ok. */
  reason: z.string(),
  undo: z.array(UndoOffer),
  /** What was done to other services because of this action (see ServiceFollowUp); usually empty. */
  followUps: z.array(ServiceFollowUp),
  durationMs: z.number(),
})
export type ServiceActionResult = z.infer<typeof ServiceActionResult>

/** What an action interrupts; null: nothing to confirm. Renderer and CLI ask before these. */
export type Interruption = 'mail' | 'mailboxes' | 'ssh' | 'database'
export function interruptionOf(key: ServiceKey, action: ServiceAction): Interruption | null {
  if (action === 'stop' && key === 'postfix') return 'mail'
  if (action === 'stop' && key === 'dovecot') return 'mailboxes'
  if (action === 'stop' && key === 'database') return 'database'
  if ((action === 'restart' || action === 'stop') && key === 'sshd') return 'ssh'
  return null
}

// ------------------------------------------------------------------------------------------- mail queue

/**
 * A Postfix queue id: short ids are upper-case hex, long ids (enable_long_queue_ids) use digits and
 * consonants only. Anything else (ALL, options, paths) is refused before it reaches a command line.
 */
export const QueueId = z.string().regex(/^(?:[0-9A-F]{5,16}|[0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz]{10,20})$/, 'a Postfix queue id')
export type QueueId = z.infer<typeof QueueId>

export const QueueName = z.enum(['active', 'deferred', 'hold', 'incoming', 'maildrop', 'corrupt'])
export type QueueName = z.infer<typeof QueueName>

export const QueueMessage = z.object({
  id: z.string(),
  queue: QueueName,
  /** ISO time of arrival (from epoch seconds in JSON; from the server's local time in text output). */
  arrival: z.string(),
  size: z.number().int(),
  sender: z.string(),
  recipients: z.array(z.object({ address: z.string(), reason: z.string().nullable() })),
})
export type QueueMessage = z.infer<typeof QueueMessage>

export const QueueCounts = z.object({ total: z.number().int(), active: z.number().int(), deferred: z.number().int(), hold: z.number().int(), other: z.number().int() })
export type QueueCounts = z.infer<typeof QueueCounts>

export const QueueListing = z.object({
  messages: z.array(QueueMessage),
  counts: QueueCounts,
  /** postqueue -j (Postfix >= 3.1) or the text of postqueue -p (older Postfix). */
  source: z.enum(['json', 'text']),
  listedAt: z.string(),
})
export type QueueListing = z.infer<typeof QueueListing>

export const QueueMessageContent = z.object({
  id: z.string(),
  queue: z.string(),
  sender: z.string(),
  recipients: z.array(z.string()),
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Decoded text parts (quoted-printable/base64 undone, charset applied). */
  parts: z.array(z.object({ contentType: z.string(), charset: z.string().nullable(), filename: z.string().nullable(), text: z.string().nullable(), size: z.number().int() })),
  raw: z.string(),
})
export type QueueMessageContent = z.infer<typeof QueueMessageContent>

export const QueueAction = z.enum(['flush', 'requeue', 'hold', 'release', 'delete'])
export type QueueAction = z.infer<typeof QueueAction>

/** Which messages an action applies to: listed ids, or everything (flush), or all deferred (delete). */
export const QueueTarget = z.union([z.object({ ids: z.array(QueueId).min(1).max(5000) }), z.object({ all: z.literal(true) }), z.object({ allDeferred: z.literal(true) })])
export type QueueTarget = z.infer<typeof QueueTarget>

export const QueueActionResult = z.object({
  action: QueueAction,
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), message: z.string() })),
  /** For whole-queue actions: the count postsuper/postqueue reported. */
  count: z.number().int().nullable(),
  output: z.string(),
})
export type QueueActionResult = z.infer<typeof QueueActionResult>

// ------------------------------------------------------------------------------------------- dashboard

export const CertExpiry = z.object({
  /** Which program uses it: postfix (smtpd_tls_cert_file) or dovecot (ssl_cert). */
  usedBy: z.enum(['postfix', 'dovecot']),
  path: z.string(),
  notAfter: z.string().nullable(),
  daysLeft: z.number().nullable(),
  /** ok, warning (< 21 days), expired, or error (unreadable). */
  state: z.enum(['ok', 'warning', 'expired', 'error']),
  error: z.string().nullable(),
})
export type CertExpiry = z.infer<typeof CertExpiry>
export const CERT_WARN_DAYS = 21

/** The dashboard's home-IP tile: the firewall's home entry against the client address the server sees now. */
export const HomeIpTile = z.object({
  /** not-set-up: no home entry in the allowlist; in-sync: it holds the address the server sees; changed: it does not; unknown: the server did not say. */
  state: z.enum(['not-set-up', 'in-sync', 'changed', 'unknown']),
  entry: z.string().nullable(),
  /** The home entry's addresses (IPv4, IPv6). */
  allowed: z.array(z.string()),
  /** The client address in the server's $SSH_CONNECTION: what its firewall sees. */
  seen: z.string().nullable(),
  /** The last apply/refresh/block on this server (the firewall history's newest item). */
  lastApply: FirewallHistoryItem.nullable(),
})
export type HomeIpTile = z.infer<typeof HomeIpTile>

export const Dashboard = z.object({
  services: ServicesOverview,
  queue: QueueCounts.nullable(),
  today: z
    .object({ delivered: z.number(), deferred: z.number(), bounced: z.number(), rejected: z.number(), authFailures: z.number(), received: z.number(), log: z.string(), lines: z.number() })
    .nullable(),
  disks: z.array(z.object({ path: z.string(), mount: z.string(), sizeBytes: z.number(), usedBytes: z.number(), usedPercent: z.number() })),
  load: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  uptimeSeconds: z.number().nullable(),
  certificates: z.array(CertExpiry),
  /** The firewall's home entry against the address the server sees; null: it could not be read (see problems). */
  homeIp: HomeIpTile.nullable(),
  problems: z.array(z.string()),
  collectedAt: z.string(),
})
export type Dashboard = z.infer<typeof Dashboard>
