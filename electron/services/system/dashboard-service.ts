import { CERT_WARN_DAYS, type CertExpiry, type Dashboard, type HomeIpTile } from '../../../shared/domain/system'
import { PflogsummCounter } from '../../../shared/logs/pflogsumm-counter'
import { parseKeyValueLines } from '../facts/parse-facts'
import type { ExecOptions, ExecResult } from '../types'
import type { QueueService } from './queue-service'
import type { ServiceManager } from './service-manager'

type RootExec = (serverId: string, argv: string[], opts?: ExecOptions) => Promise<ExecResult>

export interface DashboardDeps {
  execAsRoot: RootExec
  services: ServiceManager
  queue: QueueService
  /** The mail log path from the server facts (null: none found). */
  mailLog(serverId: string): Promise<string | null>
  /** The firewall's home entry against the address the server sees (the firewall service's homeTile). */
  homeIp?(serverId: string): Promise<HomeIpTile>
  now?: () => Date
}

/** Disk, load, uptime and the certificates' paths and end dates, as key=value lines. */
const SYSTEM_SCRIPT = `
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
LC_ALL=C; export LC_ALL
kv() { printf '%s=%s\\n' "$1" "$2"; }
has() { command -v "$1" >/dev/null 2>&1; }
kv load "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
kv uptime "$(cut -d' ' -f1 /proc/uptime 2>/dev/null)"
store=
if has doveconf; then
  ml=$(doveconf -h mail_location 2>/dev/null)
  ml=\${ml#*:}; ml=\${ml%%:*}; ml=\${ml%%%*}
  case $ml in /*) store=$ml ;; esac
fi
if [ -z "$store" ] && has postconf; then store=$(postconf -h virtual_mailbox_base 2>/dev/null); fi
disk() {  # disk LABEL PATH: the filesystem it lives on (walk up to an existing directory)
  p=$2
  while [ -n "$p" ] && [ ! -e "$p" ]; do p=\${p%/*}; done
  [ -z "$p" ] && p=/
  df -P -k "$p" 2>/dev/null | sed 1d | while read -r fs size used avail pct mount; do kv "disk" "$1 $size $used $mount"; done
}
[ -n "$store" ] && disk "$store" "$store"
disk /var /var
cert() {  # cert USER PATH
  f=\${2#<}
  [ -z "$f" ] && return 0
  kv cert.path "$1 $f"
  if [ ! -r "$f" ]; then kv cert.error "$1 cannot read $f"; return 0; fi
  e=$(openssl x509 -enddate -noout -in "$f" 2>&1) || { kv cert.error "$1 $(printf '%s' "$e" | sed -n 1p)"; return 0; }
  kv cert.end "$1 \${e#notAfter=}"
}
if has openssl; then
  has postconf && cert postfix "$(postconf -h smtpd_tls_cert_file 2>/dev/null)"
  has doveconf && cert dovecot "$(doveconf -h ssl_cert 2>/dev/null)"
fi
kv end 1
`

/** Only today's lines of the mail log (RFC 3339 stamps as Debian's rsyslog writes, or classic syslog). */
const TODAY_SCRIPT = 'f=$1; [ -r "$f" ] || { echo "cannot read $f" >&2; exit 2; }; d=$(date +%Y-%m-%d); s=$(date "+%b %e"); grep -E -e "^${d}T" -e "^${s} " "$f"; exit 0'

const AUTH_FAILURE = [/SASL \S+ authentication failed/, /(?:imap|pop3|managesieve|submission)-login: .*\(auth failed/, /(?:imap|pop3)-login: .*Authentication failure/]

/** The server at a glance: services, queue, today's mail, disks, load, uptime, certificate expiry. */
export class DashboardService {
  constructor(private readonly deps: DashboardDeps) {}

  async get(serverId: string, signal?: AbortSignal): Promise<Dashboard> {
    const problems: string[] = []
    const soft = <T>(what: string, p: Promise<T>): Promise<T | null> =>
      p.catch((e: unknown) => {
        problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`)
        return null
      })
    const [services, queue, system, today, homeIp] = await Promise.all([
      this.deps.services.overview(serverId, signal),
      soft('mail queue', this.deps.queue.list(serverId, signal)),
      soft('system', this.system(serverId)),
      soft("today's mail log", this.today(serverId)),
      this.deps.homeIp ? soft('home IP', this.deps.homeIp(serverId)) : Promise.resolve(null),
    ])
    return {
      services,
      queue: queue?.counts ?? null,
      today,
      disks: system?.disks ?? [],
      load: system?.load ?? null,
      uptimeSeconds: system?.uptime ?? null,
      certificates: system?.certs ?? [],
      homeIp,
      problems,
      collectedAt: (this.deps.now?.() ?? new Date()).toISOString(),
    }
  }

  private async system(serverId: string): Promise<{ disks: Dashboard['disks']; load: Dashboard['load']; uptime: number | null; certs: CertExpiry[] }> {
    const r = await this.deps.execAsRoot(serverId, ['sh', '-s'], { stdin: SYSTEM_SCRIPT, timeoutMs: 60_000 })
    const kv = parseKeyValueLines(r.stdout)
    const loadParts = (kv.get('load')?.[0] ?? '').split(' ').map(Number)
    const load: Dashboard['load'] = loadParts.length === 3 && loadParts.every(Number.isFinite) ? [loadParts[0]!, loadParts[1]!, loadParts[2]!] : null
    const uptime = Number(kv.get('uptime')?.[0])
    const disks: Dashboard['disks'] = []
    for (const d of kv.get('disk') ?? []) {
      const m = /^(\S+) (\d+) (\d+) (.+)$/.exec(d)
      if (!m) continue
      const size = Number(m[2]) * 1024
      const used = Number(m[3]) * 1024
      disks.push({ path: m[1]!, mount: m[4]!, sizeBytes: size, usedBytes: used, usedPercent: size ? Math.round((used / size) * 1000) / 10 : 0 })
    }
    const now = this.deps.now?.() ?? new Date()
    const certs: CertExpiry[] = []
    for (const p of kv.get('cert.path') ?? []) {
      const [usedBy, ...rest] = p.split(' ')
      if (usedBy !== 'postfix' && usedBy !== 'dovecot') continue
      const path = rest.join(' ')
      const end = (kv.get('cert.end') ?? []).find((x) => x.startsWith(usedBy + ' '))?.slice(usedBy.length + 1)
      const error = (kv.get('cert.error') ?? []).find((x) => x.startsWith(usedBy + ' '))?.slice(usedBy.length + 1)
      certs.push(certExpiry(usedBy, path, end ?? null, error ?? null, now))
    }
    return { disks, load, uptime: Number.isFinite(uptime) ? Math.floor(uptime) : null, certs }
  }

  /** Reads one certificate's end date on the server (`openssl x509 -enddate`). */
  async certificate(serverId: string, usedBy: CertExpiry['usedBy'], path: string): Promise<CertExpiry> {
    const r = await this.deps.execAsRoot(serverId, ['openssl', 'x509', '-enddate', '-noout', '-in', path], { timeoutMs: 30_000 })
    if (r.code !== 0) return certExpiry(usedBy, path, null, (r.stderr || r.stdout).trim().split('\n')[0] ?? 'openssl failed', this.deps.now?.() ?? new Date())
    return certExpiry(usedBy, path, r.stdout.trim().replace(/^notAfter=/, ''), null, this.deps.now?.() ?? new Date())
  }

  private async today(serverId: string): Promise<Dashboard['today']> {
    const log = await this.deps.mailLog(serverId)
    if (!log) throw new Error('no mail log found on the server')
    const r = await this.deps.execAsRoot(serverId, ['sh', '-c', TODAY_SCRIPT, 'postdesk-today', log], { timeoutMs: 120_000 })
    if (r.code !== 0) throw new Error((r.stderr || r.stdout).trim().split('\n')[0] ?? `exit ${r.code}`)
    const counter = new PflogsummCounter()
    let authFailures = 0
    let lines = 0
    for (const line of r.stdout.split('\n')) {
      if (!line) continue
      lines++
      counter.addLine(line)
      if (AUTH_FAILURE.some((re) => re.test(line))) authFailures++
    }
    const t = counter.totals()
    return { delivered: t.delivered, deferred: t.deferred, bounced: t.bounced, rejected: t.rejected, received: t.received, authFailures, log, lines }
  }
}

/** A certificate's state from its notAfter date (`Feb 26 08:00:00 2027 GMT`). */
export function certExpiry(usedBy: CertExpiry['usedBy'], path: string, notAfter: string | null, error: string | null, now: Date): CertExpiry {
  const t = notAfter ? Date.parse(notAfter.replace(/\s+/g, ' ')) : NaN
  if (error || !Number.isFinite(t)) return { usedBy, path, notAfter: null, daysLeft: null, state: 'error', error: error ?? `unreadable end date "${notAfter ?? ''}"` }
  const daysLeft = Math.floor((t - now.getTime()) / 86_400_000)
  return { usedBy, path, notAfter: new Date(t).toISOString(), daysLeft, state: t <= now.getTime() ? 'expired' : daysLeft < CERT_WARN_DAYS ? 'warning' : 'ok', error: null }
}
