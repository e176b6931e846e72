// Types of the mail log engine: one parsed line, its classification and fields.
// Platform-free (renderer, worker, CLI and services all use them).

/** Where the line's timestamp came from. */
export type TimestampFormat =
  | 'syslog' // `Nov 28 07:13:02 host prog[pid]: msg` (year inferred)
  | 'rfc3339' // `2026-11-28T07:13:02.123456+00:00 host prog[pid]: msg` (rsyslog on Debian)
  | 'journal' // one `journalctl -o json` object
  | 'tai64n' // `@4000000…` daemontools/multilog stamp, no host
  | 'dovecot' // Dovecot's own log_path stamp `2013-08-11 03:56:40 service: msg`, no host
  | 'none' // no recognised stamp: the whole line is the message

export type Severity = 'info' | 'warning' | 'error' | 'fatal' | 'panic'

/** What a line means. The first group is the classification the view colours by. */
export type LineKind =
  | 'delivered' // status=sent (also relayed on; `fields.forwardedAs` when local forwarded it)
  | 'deferred' // status=deferred
  | 'bounced' // status=bounced
  | 'expired' // qmgr: status=expired, returned to sender
  | 'rejected' // reject / milter-reject / proxy-reject (fields.rejectCategory says why)
  | 'reject_warning' // reject_warning (a dry-run reject)
  | 'held' // hold action
  | 'discarded' // discard action
  | 'sasl_auth_failed' // postfix smtpd: SASL … authentication failed
  | 'login' // dovecot imap/pop3/… login succeeded
  | 'login_failed' // dovecot *-login: auth failed, disallowed plaintext, proxy auth failed
  | 'auth_failed' // dovecot auth/auth-worker or PAM: unknown user, password mismatch
  | 'warning' // any other warning
  | 'error'
  | 'fatal'
  | 'panic'
  // informational
  | 'connect'
  | 'disconnect'
  | 'lost_connection' // lost connection / timeout / too many errors / pipelining … after STAGE
  | 'received' // smtpd client= or pickup uid=: a message entered the queue
  | 'message_id' // cleanup message-id=
  | 'queued' // qmgr from=, size=, nrcpt=
  | 'removed' // qmgr/postsuper removed
  | 'notification' // bounce: sender non-delivery/delay notification
  | 'probe' // address verification: status=deliverable / undeliverable
  | 'filtered' // filter / redirect / prepend / replace / info actions (cleanup, smtpd)
  | 'postscreen' // postscreen verdicts (PASS NEW, DNSBL, PREGREET, …)
  | 'tls' // TLS connection established
  | 'logout' // dovecot imap/pop3 session end
  | 'mailbox_delivery' // dovecot lmtp/lda saved a message
  | 'info' // parsed, nothing more specific
  | 'unparsed' // not a line we understand (shown raw)

/** Why a message or command was rejected (only on rejected/reject_warning/held/discarded lines). */
export type RejectCategory =
  | 'rbl' // blocked using a DNS blocklist (client, helo or sender domain)
  | 'unknown_user' // recipient does not exist
  | 'relay_denied' // relay access denied
  | 'helo' // Helo command rejected
  | 'sender_domain' // sender domain not found / not fully qualified / bad DNS
  | 'sender_address' // other sender address restrictions (access maps, not owned by user)
  | 'recipient_address' // other recipient address restrictions
  | 'client_hostname' // client host rejected: cannot find your (reverse) hostname
  | 'client_access' // other client host restrictions
  | 'greylisted'
  | 'protocol' // protocol errors, pipelining, non-SMTP, data command rejected
  | 'size' // message size exceeds fixed limit
  | 'too_busy' // postscreen: too many connections / all server ports busy
  | 'content' // header/body checks, milters on content
  | 'policy' // policy service (SPF and others) and other 5xx/4xx policies
  | 'other'

/** The fields one line may carry. Only the keys found are present. */
export interface LogFields {
  // SMTP peer (postfix smtpd/postscreen, dovecot rip)
  clientHost?: string
  clientIp?: string
  clientPort?: number
  /** The server address the client connected to (postscreen CONNECT … to, dovecot lip). */
  localIp?: string
  localPort?: number
  // SASL (smtpd client= lines and SASL failures)
  saslMethod?: string
  saslUsername?: string
  saslSender?: string
  // envelope and message
  from?: string
  to?: string
  origTo?: string
  size?: number
  nrcpt?: number
  messageId?: string
  /** pickup: the local user id that submitted the message */
  uid?: number
  helo?: string
  proto?: string
  // delivery attempt
  relay?: string
  relayHost?: string
  relayIp?: string
  relayPort?: number
  delay?: number
  delays?: string
  dsn?: string
  /** status= word (sent, deferred, bounced, expired, deliverable, …) */
  status?: string
  /** the text in parentheses after status= */
  statusText?: string
  /** local(8): "forwarded as QUEUEID" */
  forwardedAs?: string
  /** the next hop's queue id when it answered "queued as QUEUEID" */
  queuedAs?: string
  /** bounce(8): the queue id of the notification it created */
  notificationQueueId?: string
  // reject / action lines
  action?: string // reject, reject_warning, hold, discard, milter-reject, proxy-reject, filter, …
  stage?: string // RCPT, MAIL, CONNECT, DATA, END-OF-MESSAGE, header, body, …
  replyCode?: number // 550
  replyDsn?: string // 5.1.1
  reason?: string // the reply text without code and the <data>: prefix
  rejectData?: string // the <…> the reply is about (recipient, sender, helo, client)
  rejectCategory?: RejectCategory
  /** the DNS blocklist named in "blocked using X" or postscreen DNSBL/dnsblog */
  blocklist?: string
  // dovecot
  service?: string // imap-login, pop3-login, auth, auth-worker, imap, pop3, lmtp, …
  protocol?: string // imap, pop3, lmtp, managesieve, submission
  user?: string
  method?: string
  session?: string
  /** TLS: dovecot's `TLS` marker, smtp's tls= level (dane, may, …) or the peer trust (Anonymous, Trusted, …) */
  tls?: string
  authAttempts?: number
  passdb?: string // pam, sql, passwd-file, ldap, …
  mailbox?: string
  // postscreen
  postscreenAction?: string // PASS NEW, PASS OLD, DNSBL, PREGREET, HANGUP, COMMAND TIME LIMIT, …
  dnsblRank?: number
  // connection end / errors
  commands?: string // disconnect counters "ehlo=1 mail=1 … commands=5"
  error?: string // lost connection, timeout, too many errors, SSL_accept error, …
  /** free text of a warning/error or other message tail worth showing */
  text?: string
}

/** One parsed log line. `fields` only has the keys that were found. */
export interface LogLine {
  raw: string
  format: TimestampFormat
  /** ms since the epoch (UTC), or null when the line has no usable timestamp */
  time: number | null
  host: string | null
  /** syslog tag: postfix/smtpd, postfix/submission/smtpd, dovecot, … */
  program: string | null
  pid: number | null
  /** postfix queue id (short hex or long form), or NOQUEUE; null when none */
  queueId: string | null
  kind: LineKind
  severity: Severity
  /** the text after the tag (the whole line when unparsed) */
  message: string
  fields: LogFields
  /** true when the line was longer than the reader's limit and was cut */
  truncated: boolean
}
