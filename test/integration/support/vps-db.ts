// Helpers for the DB tests on the test mail server: root's view of MariaDB from the host (the
// filesystem is shared, so the mysql client reaches the namespace's socket), a scratch database the
// tunnel user may use, the server-side sshd processes of one of our SSH connections, and MariaDB's
// restart/ensure-running.
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { VpsConnection } from './vps'

const execFileP = promisify(execFile)
const SOCKET = '/run/mysqld/mysqld.sock'
const UP_SCRIPT = join(import.meta.dirname, '../../vps/up.sh')
const DAEMONS_LOG = join(import.meta.dirname, '../../vps/.state/daemons.log')
const MAIN_SSHD_PIDFILE = '/run/postdesk-test-vps-sshd.pid'

/** One statement as MariaDB's root (unix_socket auth) from the host; tab-separated rows. */
export function rootSql(sql: string): string[][] {
  const out = execFileSync('mysql', ['--socket', SOCKET, '-N', '-B', '-e', sql], { encoding: 'utf8', timeout: 30_000 })
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'))
}

/** A database of our own (unique name) that the PostfixAdmin user may use; drop() removes it and the grant. */
export function createScratchDatabase(conn: VpsConnection): { name: string; drop(): void } {
  const name = `pd_it_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const user = conn.db.user.replace(/'/g, "''")
  rootSql(`CREATE DATABASE \`${name}\`; GRANT ALL PRIVILEGES ON \`${name}\`.* TO '${user}'@'localhost'; GRANT ALL PRIVILEGES ON \`${name}\`.* TO '${user}'@'127.0.0.1'`)
  return {
    name,
    drop() {
      rootSql(`DROP DATABASE IF EXISTS \`${name}\``)
      for (const host of ['localhost', '127.0.0.1']) {
        try {
          rootSql(`REVOKE ALL PRIVILEGES ON \`${name}\`.* FROM '${user}'@'${host}'`)
        } catch {
          // no such grant (already revoked)
        }
      }
    },
  }
}

/**
 * The sshd processes inside the namespace that serve the SSH connection from `clientIp:clientPort`
 * (what $SSH_CONNECTION says on the server): the per-connection monitor and its session child. The
 * namespace's listening sshd (its pid file) is never among them.
 */
export function sshdPidsOfConnection(conn: VpsConnection, clientIp: string, clientPort: number): number[] {
  const out = execFileSync('ip', ['netns', 'exec', conn.namespace, 'ss', '-tnpH', 'state', 'established', 'src', `${conn.host}:${conn.port}`, 'dst', `${clientIp}:${clientPort}`], { encoding: 'utf8' })
  const main = Number(readFileSync(MAIN_SSHD_PIDFILE, 'utf8').trim())
  const pids = [...out.matchAll(/\("sshd[^"]*",pid=(\d+),/g)].map((m) => Number(m[1]))
  return [...new Set(pids)].filter((p) => p !== main && p > 1)
}

/** SIGKILLs the server side of one SSH connection (what a dropped link or an sshd crash looks like to the client). */
export function killServerSide(conn: VpsConnection, sshConnection: string): number[] {
  const [ip, port] = sshConnection.trim().split(/\s+/)
  const pids = sshdPidsOfConnection(conn, ip ?? '', Number(port))
  if (!pids.length) throw new Error(`no sshd serves ${sshConnection.trim()} in namespace ${conn.namespace}`)
  for (const p of pids) process.kill(p, 'SIGKILL')
  return pids
}

export function mariadbAnswers(): boolean {
  try {
    execFileSync('mysqladmin', ['--socket', SOCKET, '--connect-timeout=3', 'ping'], { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}

/**
 * `ip netns exec pdvps service mariadb restart`, in a session of its own (setsid: a signal to the test
 * runner's process group, e.g. from `timeout`, must not take the restarted daemon down with it) and
 * with its output in the VPS's daemons.log (so no pipe of ours keeps it, or us, waiting).
 */
export async function restartMariadb(conn: VpsConnection): Promise<void> {
  await execFileP('sh', ['-c', `setsid ip netns exec ${conn.namespace} service mariadb restart >>"$1" 2>&1 </dev/null`, 'sh', DAEMONS_LOG], { timeout: 120_000 })
  // Postfix's proxymap keeps its old MySQL connection: its next query fails ("Server has gone away") and
  // the map stays failed for retry_interval (60 s), so the next test's mail would get 451. A reload
  // gives Postfix fresh lookup processes, as the server had before the restart.
  await execFileP('ip', ['netns', 'exec', conn.namespace, 'postfix', 'reload'], { timeout: 60_000 })
}

/** Leaves MariaDB running inside the namespace whatever a test did: test/vps/up.sh (idempotent) if it does not answer. */
export function ensureMariadbRunning(): void {
  if (mariadbAnswers()) return
  execFileSync('setsid', ['bash', UP_SCRIPT], { env: { ...process.env, VPS_SMOKE: '0' }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 })
  if (!mariadbAnswers()) throw new Error('MariaDB does not answer even after test/vps/up.sh')
}
