// Filters over parsed lines, shared by the view (applied live) and `postdesk logs tail`.

import type { LineKind, LogLine, Severity } from './types'

/** What the view colours by: the kinds grouped the way an admin asks ("show me the bounces"). */
export type LineStatus = 'delivered' | 'deferred' | 'bounced' | 'rejected' | 'auth_failed' | 'login' | 'warning' | 'error' | 'other'
export const LINE_STATUSES: LineStatus[] = ['delivered', 'deferred', 'bounced', 'rejected', 'auth_failed', 'login', 'warning', 'error', 'other']

const STATUS_OF: Partial<Record<LineKind, LineStatus>> = {
  delivered: 'delivered',
  deferred: 'deferred',
  bounced: 'bounced',
  expired: 'bounced',
  rejected: 'rejected',
  reject_warning: 'rejected',
  sasl_auth_failed: 'auth_failed',
  login_failed: 'auth_failed',
  auth_failed: 'auth_failed',
  login: 'login',
  warning: 'warning',
  error: 'error',
  fatal: 'error',
  panic: 'error',
}

export function statusOf(l: Pick<LogLine, 'kind' | 'severity'>): LineStatus {
  return STATUS_OF[l.kind] ?? (l.severity === 'warning' ? 'warning' : l.severity === 'info' ? 'other' : 'error')
}

/** The service a line comes from: the Postfix daemon (smtpd, qmgr, …) or the Dovecot service (imap-login, auth, …). */
export function serviceOf(l: Pick<LogLine, 'program' | 'fields'>): string {
  const p = l.program ?? ''
  if (p.startsWith('postfix')) return p.slice(p.lastIndexOf('/') + 1) || 'postfix'
  if (p.startsWith('dovecot')) return l.fields.service ?? 'dovecot'
  return p || 'other'
}

export interface LineFilter {
  services?: string[]
  statuses?: LineStatus[]
  severities?: Severity[]
  /** plain text (case-insensitive) or, with regex, a JavaScript regular expression */
  text?: string
  regex?: boolean
  /** an e-mail address anywhere in the line's from/to/sasl user/user fields or text */
  address?: string
  ip?: string
  queueId?: string
  since?: number
  until?: number
}

/** A predicate for the filter; throws SyntaxError for a bad regex (the view shows it). */
export function compileFilter(f: LineFilter): (l: LogLine) => boolean {
  const tests: ((l: LogLine) => boolean)[] = []
  if (f.services?.length) {
    const s = new Set(f.services)
    tests.push((l) => s.has(serviceOf(l)))
  }
  if (f.statuses?.length) {
    const s = new Set(f.statuses)
    tests.push((l) => s.has(statusOf(l)))
  }
  if (f.severities?.length) {
    const s = new Set(f.severities)
    tests.push((l) => s.has(l.severity))
  }
  if (f.text) {
    if (f.regex) {
      const re = new RegExp(f.text, 'i')
      tests.push((l) => re.test(l.raw))
    } else {
      const t = f.text.toLowerCase()
      tests.push((l) => l.raw.toLowerCase().includes(t))
    }
  }
  if (f.address) {
    const a = f.address.toLowerCase()
    tests.push((l) => {
      const x = l.fields
      for (const v of [x.from, x.to, x.origTo, x.saslUsername, x.user, x.rejectData]) if (v && v.toLowerCase().includes(a)) return true
      return l.raw.toLowerCase().includes(a)
    })
  }
  if (f.ip) {
    const ip = f.ip
    tests.push((l) => l.fields.clientIp === ip || l.fields.relayIp === ip || (l.fields.clientIp === undefined && l.raw.includes(ip)))
  }
  if (f.queueId) {
    const q = f.queueId.toUpperCase()
    tests.push((l) => l.queueId === q || l.fields.queuedAs === q || l.fields.forwardedAs === q)
  }
  if (f.since !== undefined) {
    const s = f.since
    tests.push((l) => l.time === null || l.time >= s)
  }
  if (f.until !== undefined) {
    const u = f.until
    tests.push((l) => l.time === null || l.time <= u)
  }
  if (tests.length === 0) return () => true
  return (l) => {
    for (const t of tests) if (!t(l)) return false
    return true
  }
}

export function isEmptyFilter(f: LineFilter): boolean {
  return !f.services?.length && !f.statuses?.length && !f.severities?.length && !f.text && !f.address && !f.ip && !f.queueId && f.since === undefined && f.until === undefined
}
