import type { PushStep } from '../../../../shared/domain/config-workspace'
import { PushStep as PushStepSchema } from '../../../../shared/domain/config-workspace'
import type { LastPushRecord } from './install-types'
import { SECTION } from './push-paths'

/** A push transaction as read from the server (readPushScript). */
export interface PushRecord {
  id: string
  state: 'running' | 'new' | 'old'
  step: PushStep
  /** The install process still exists. */
  alive: boolean
  /** Seconds since the state file last changed. */
  ageSec: number
  installed: { path: string; backup: string | null }[]
  reloaded: string[]
  restored: boolean
  reason: string
  paths: string[]
  startedAt: string
  actor: string
  log: string
}

export function parsePushRecord(out: string): PushRecord | null {
  const files: Record<string, string[]> = {}
  let id = ''
  let alive = false
  let ageSec = 0
  let current: string[] | null = null
  for (const line of out.split('\n')) {
    if (line.startsWith(SECTION)) {
      const [word = '', arg = ''] = line.slice(SECTION.length).split(' ')
      if (word === 'none') return null
      if (word === 'id') id = arg
      else if (word === 'alive') alive = arg === '1'
      else if (word === 'age') ageSec = Number(arg) || 0
      else if (word === 'file') current = files[arg] = []
      else current = null
      continue
    }
    current?.push(line)
  }
  if (!id || !files['state']) return null
  const kv = Object.fromEntries((files['state'] ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  const state = kv['state'] === 'new' || kv['state'] === 'old' ? kv['state'] : 'running'
  const parsedStep = PushStepSchema.safeParse(kv['step'])
  const step: PushStep = state === 'new' ? 'done' : parsedStep.success ? parsedStep.data : 'stage'
  const report = files['report'] ?? []
  const installed = report
    .filter((l) => l.startsWith('installed\t'))
    .map((l) => {
      const [, path = '', backup = ''] = l.split('\t')
      return { path, backup: backup || null }
    })
  const text = (k: string) => (files[k] ?? []).join('\n').trim()
  return {
    id,
    state,
    step,
    alive,
    ageSec,
    installed,
    reloaded: report.filter((l) => l.startsWith('reloaded ')).map((l) => l.slice('reloaded '.length)),
    restored: report.includes('restored'),
    reason: text('reason'),
    paths: (files['paths'] ?? []).filter(Boolean),
    startedAt: text('started'),
    actor: text('actor'),
    log: text('log'),
  }
}

export function toLastPush(r: PushRecord): LastPushRecord {
  let reason: string | null = r.reason || null
  if (r.state === 'running' && !r.alive)
    reason = `The install process of push ${r.id} is gone without finishing (the server may have restarted during it, at step "${r.step}"). Check the files listed here against their backups under /var/backups/postdesk/${r.id}/ before pushing again.`
  else if (r.state === 'old' && r.restored) reason = `The push was undone: the old files are back. ${r.reason}`.trim()
  return { id: r.id, startedAt: r.startedAt, state: r.state, paths: r.paths, reason }
}
