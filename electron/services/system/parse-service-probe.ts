import { InitSystem, type InitSystem as Init } from '../../../shared/domain/facts'
import { ServiceKey, type ServiceStatus } from '../../../shared/domain/system'
import { AppError } from '../../../shared/errors'
import { parseKeyValueLines } from '../facts/parse-facts'
import { serviceDef } from './service-catalog'

export interface ListeningSocket {
  port: number
  pid: number | null
  process: string | null
}

export interface ServiceProbe {
  init: Init
  /** The server's clock (epoch seconds) when probed. */
  now: number
  sockets: ListeningSocket[]
  services: ServiceStatus[]
}

/** `ps -o etime` ([[dd-]hh:]mm:ss) in seconds. */
export function parseElapsed(s: string | undefined): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec((s ?? '').trim())
  if (!m) return null
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4])
}

/** The service probe script's output (service-probe-script.ts). Pure. */
export function parseServiceProbe(output: string): ServiceProbe {
  const all = parseKeyValueLines(output)
  if (all.get('end')?.[0] !== '1') throw new AppError('remote-failed', 'The service probe stopped before its end.')
  const init = InitSystem.safeParse(all.get('init')?.[0])
  const now = Number(all.get('now')?.[0] ?? 0) || Math.floor(Date.now() / 1000)
  const sockets: ListeningSocket[] = []
  for (const v of all.get('ss') ?? []) {
    const [port, pid, proc] = v.split(' ')
    const p = Number(port)
    if (!Number.isInteger(p)) continue
    if (sockets.some((s) => s.port === p && s.process === (proc === '-' ? null : (proc ?? null)))) continue
    sockets.push({ port: p, pid: pid && pid !== '-' ? Number(pid) : null, process: proc && proc !== '-' ? proc : null })
  }
  // Per-service blocks: svc=KEY … end.svc=KEY
  const services: ServiceStatus[] = []
  let block: string[] | null = null
  for (const line of output.split('\n')) {
    if (line.startsWith('svc=')) block = [line]
    else if (block) {
      block.push(line)
      if (line.startsWith('end.svc=')) {
        const s = serviceOf(parseKeyValueLines(block.join('\n')), sockets, now)
        if (s) services.push(s)
        block = null
      }
    }
  }
  return { init: init.success ? init.data : 'unknown', now, sockets, services }
}

function serviceOf(kv: Map<string, string[]>, sockets: ListeningSocket[], now: number): ServiceStatus | null {
  const get = (k: string) => kv.get(k)?.[0] ?? ''
  const key = ServiceKey.safeParse(get('svc'))
  if (!key.success) return null
  const def = serviceDef(key.data)
  const mine = sockets.filter((s) => s.process !== null && def.processes.some((p) => (p.endsWith('*') ? s.process!.startsWith(p.slice(0, -1)) : s.process === p)))
  const probedPid = Number(get('pid')) || null
  let pid = probedPid
  const mainPid = Number(get('main.pid')) || null
  if (mainPid) pid = mainPid
  // The process that owns its listening sockets in this network namespace is the one that counts
  // (a shared PID namespace may show another sshd, say, as the oldest).
  if (mine.length && !mine.some((s) => s.pid === pid)) pid = mine[0]!.pid
  const statusRc = get('status.rc')
  const running = pid !== null || statusRc === '0'
  const elapsed = parseElapsed(get('etime'))
  const enabled = get('enabled')
  return {
    key: key.data,
    name: get('name'),
    running,
    pid: running ? pid : null,
    since: running && elapsed !== null && pid === probedPid ? new Date((now - elapsed) * 1000).toISOString() : null,
    enabledAtBoot: enabled === '1' ? true : enabled === '0' ? false : null,
    ports: [...new Set(mine.map((s) => s.port))].sort((a, b) => a - b),
    statusText: get('status.text').trim(),
    managed: get('script') === '1',
  }
}
