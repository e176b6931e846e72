// A real systemd-journald for tests on a machine whose PID 1 is not systemd: run standalone in a
// private mount namespace (its sockets on a private tmpfs at /run/systemd/journal, its config bound
// over /etc/systemd/journald.conf: volatile storage, no kmsg, no forwarding, no rate limit), writing
// its journal to /run/log/journal, where journalctl (also over SSH on the test server, which shares
// this filesystem) reads it. Entries are sent by systemd-cat from inside that namespace, from a
// process placed in the unit's cgroup, so journald records _SYSTEMD_UNIT as on a systemd host.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const JOURNALD = '/lib/systemd/systemd-journald'
const CGROUP_ROOT = '/sys/fs/cgroup/unified'

export interface StandaloneJournald {
  pid: number
  /** Journal entries from `unit` (its cgroup), tagged `identifier`, as a service's stdout lines. */
  send(unit: string, identifier: string, ...messages: string[]): void
  stop(): void
}

/** What is missing for a standalone journald here, or null when it can run. */
export function journaldMissing(): string | null {
  if (!existsSync(JOURNALD)) return `${JOURNALD} is not installed (apt-get install systemd)`
  for (const bin of ['unshare', 'nsenter', 'systemd-cat', 'journalctl']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' })
    } catch {
      return `${bin} is missing`
    }
  }
  if (!existsSync(`${CGROUP_ROOT}/cgroup.procs`)) return `no writable cgroup2 hierarchy at ${CGROUP_ROOT} (journald could not tell the unit of a sender)`
  return null
}

export async function startJournald(units: string[]): Promise<StandaloneJournald> {
  const missing = journaldMissing()
  if (missing) throw new Error(`cannot run systemd-journald standalone: ${missing}`)
  if (existsSync('/run/systemd/journal/socket')) throw new Error('a journald already listens at /run/systemd/journal/socket')
  const dir = mkdtempSync(join(tmpdir(), 'pd-journald-'))
  // what exists before, so that stop() removes only what was made here
  const made = ['/run/log', '/run/log/journal', '/run/systemd/journal'].filter((p) => !existsSync(p))
  writeFileSync(join(dir, 'journald.conf'), '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToWall=no\nRateLimitBurst=0\nRuntimeMaxUse=16M\n')
  writeFileSync(
    join(dir, 'run.sh'),
    [
      'set -e',
      'mount --make-rprivate /',
      'mkdir -p /run/systemd/journal',
      'mount -t tmpfs tmpfs /run/systemd/journal',
      `mount --bind ${dir}/journald.conf /etc/systemd/journald.conf`,
      `exec ${JOURNALD}`,
    ].join('\n') + '\n',
  )
  const cgroups = units.map((u) => `${CGROUP_ROOT}/system.slice/${u}`)
  const madeCgroups = [`${CGROUP_ROOT}/system.slice`, ...cgroups].filter((p) => !existsSync(p))
  for (const c of cgroups) mkdirSync(c, { recursive: true })
  const child: ChildProcess = spawn('unshare', ['-m', 'sh', join(dir, 'run.sh')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const pid = child.pid
  if (pid === undefined) throw new Error('unshare did not start')
  // journald is ready once its journal file is there
  const deadline = Date.now() + 10_000
  for (;;) {
    const ids = existsSync('/run/log/journal') ? readdirSync('/run/log/journal') : []
    if (ids.some((id) => existsSync(`/run/log/journal/${id}/system.journal`))) break
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`systemd-journald did not start: ${stderr.trim() || `exit ${child.exitCode}`}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    pid,
    send(unit, identifier, ...messages) {
      const cg = `${CGROUP_ROOT}/system.slice/${unit}`
      // journald reads a sender's unit from /proc/PID/cgroup when it takes its first line: the sender
      // (systemd-cat) stays a moment after its last line, as a long-running daemon would
      const program = 'echo $$ > "$0/cgroup.procs" && id=$1 && shift && { for m; do printf "%s\\n" "$m"; done; sleep 0.3; } | systemd-cat -t "$id"'
      execFileSync('nsenter', ['-t', String(pid), '-m', 'sh', '-c', program, cg, identifier, ...messages])
    },
    stop() {
      try {
        process.kill(pid, 'SIGTERM')
      } catch {
        // gone already
      }
      const end = Date.now() + 5000
      while (child.exitCode === null && child.signalCode === null && Date.now() < end) execFileSync('sleep', ['0.05'])
      // the journal files, then the directories this made (the cgroups are empty once their senders exited)
      if (made.includes('/run/log/journal')) rmSync('/run/log/journal', { recursive: true, force: true })
      for (const p of ['/run/systemd/journal', '/run/log']) if (made.includes(p) && existsSync(p)) rmdirSync(p)
      for (const c of [...madeCgroups].reverse()) if (existsSync(c)) rmdirSync(c)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
