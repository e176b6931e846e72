// Failed logins (Postfix SASL, Dovecot IMAP/POP3 and auth) grouped by IP and by user over a time
// window, the way fail2ban's postfix-sasl and dovecot filters count them, and the rules that would
// block an IP (shown as text; blocking is the allowlist's business).

import type { LogLine } from './types'

export interface AttackSource {
  ip: string
  failures: number
  users: string[]
  protocols: string[]
  first: number | null
  last: number | null
}

export interface AttackTarget {
  user: string
  failures: number
  ips: number
}

export interface AttackReport {
  windowMs: number
  failures: number
  byIp: AttackSource[]
  byUser: AttackTarget[]
}

const FAILED = new Set(['sasl_auth_failed', 'login_failed', 'auth_failed'])

export function isFailedLogin(l: LogLine): boolean {
  return FAILED.has(l.kind)
}

function protocolOf(l: LogLine): string {
  if (l.kind === 'sasl_auth_failed') return 'smtp'
  const s = l.fields.protocol ?? l.fields.service ?? 'dovecot'
  return s.replace(/-login$/, '')
}

/** Groups the failed logins among `lines` whose time is within `windowMs` of `now` (lines without a time count). */
export function attackReport(lines: Iterable<LogLine>, windowMs: number, now: number): AttackReport {
  const from = now - windowMs
  const ips = new Map<string, { failures: number; users: Set<string>; protocols: Set<string>; first: number | null; last: number | null }>()
  const users = new Map<string, { failures: number; ips: Set<string> }>()
  let failures = 0
  for (const l of lines) {
    if (!FAILED.has(l.kind)) continue
    if (l.time !== null && l.time < from) continue
    failures++
    const ip = l.fields.clientIp ?? 'unknown'
    const user = l.fields.saslUsername ?? l.fields.user ?? ''
    let e = ips.get(ip)
    if (!e) ips.set(ip, (e = { failures: 0, users: new Set(), protocols: new Set(), first: l.time, last: l.time }))
    e.failures++
    if (user) e.users.add(user)
    e.protocols.add(protocolOf(l))
    if (l.time !== null) {
      if (e.first === null || l.time < e.first) e.first = l.time
      if (e.last === null || l.time > e.last) e.last = l.time
    }
    if (user) {
      let u = users.get(user)
      if (!u) users.set(user, (u = { failures: 0, ips: new Set() }))
      u.failures++
      u.ips.add(ip)
    }
  }
  return {
    windowMs,
    failures,
    byIp: [...ips].map(([ip, e]) => ({ ip, failures: e.failures, users: [...e.users].sort(), protocols: [...e.protocols].sort(), first: e.first, last: e.last })).sort((a, b) => b.failures - a.failures || a.ip.localeCompare(b.ip)),
    byUser: [...users].map(([user, u]) => ({ user, failures: u.failures, ips: u.ips.size })).sort((a, b) => b.failures - a.failures || a.user.localeCompare(b.user)),
  }
}

export interface BlockRule {
  tool: 'iptables' | 'nft' | 'postfix-access' | 'firewalld' | 'ufw'
  /** where the rule goes */
  where: string
  text: string
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
const IPV6 = /^[0-9a-fA-F:]+$/

/** The rules that would block `ip` (text only; null when it is not an address). */
export function blockRulesFor(ip: string): BlockRule[] | null {
  const v6 = !IPV4.test(ip)
  if (v6 && (!IPV6.test(ip) || !ip.includes(':'))) return null
  const ipt = v6 ? 'ip6tables' : 'iptables'
  return [
    { tool: 'iptables', where: 'filter table, INPUT chain', text: `${ipt} -I INPUT -s ${ip} -p tcp -m multiport --dports 25,465,587,110,995,143,993 -j DROP` },
    { tool: 'nft', where: 'inet filter input', text: `nft insert rule inet filter input ${v6 ? 'ip6' : 'ip'} saddr ${ip} tcp dport { 25, 465, 587, 110, 995, 143, 993 } drop` },
    { tool: 'firewalld', where: 'public zone (runtime + permanent)', text: `firewall-cmd --permanent --add-rich-rule='rule family="${v6 ? 'ipv6' : 'ipv4'}" source address="${ip}" drop' && firewall-cmd --reload` },
    { tool: 'ufw', where: 'before other rules', text: `ufw insert 1 deny from ${ip}` },
    { tool: 'postfix-access', where: '/etc/postfix/client_access (check_client_access hash:/etc/postfix/client_access in smtpd_client_restrictions), then postmap', text: `${ip}    REJECT too many failed logins` },
  ]
}
