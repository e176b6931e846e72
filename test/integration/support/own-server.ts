import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Fingerprint } from '../../../electron/services/ssh/fingerprint'
import { isReachable, loadConnection } from './vps'

/**
 * A throw-away "server" for firewall tests that must not touch the test VPS's namespace: a network
 * namespace of its own (a veth pair to this machine with two client addresses, IPv4 and IPv6), and an
 * sshd in it that runs in a private mount namespace where the given directories (e.g. /etc/ufw,
 * /var/lib/postdesk) are private copies. So ufw's or firewalld's state, Postdesk's transactions and
 * `at` jobs of this server are invisible to the test VPS, and everything goes when stop() runs.
 * Root logs in with the test VPS's key. SAFETY: nothing here touches the namespace `pdvps`.
 */
export interface OwnServer {
  ns: string
  host: string
  host6: string
  /** Two client addresses on this machine's side: [A, B] (IPv4) and [A6, B6] (IPv6). */
  clients: [string, string]
  clients6: [string, string]
  port: number
  fingerprint: string
  /** Runs argv as root inside the server (its network and mount namespace). */
  run(argv: string[], input?: string): string
  tryRun(argv: string[], input?: string): string | undefined
  /** Starts a long-running process inside the server (killed by stop() at the latest). */
  spawn(argv: string[]): ChildProcess
  /** Stops sshd and its sessions, removes the namespace, the veth pair and the private copies. */
  stop(): Promise<void>
}

let seq = 0

export async function startOwnServer(o: { name: string; octet: number; privateDirs?: string[]; extraMounts?: string[] }): Promise<OwnServer> {
  const conn = loadConnection()
  const ns = `pd${o.name}${process.pid % 10000}${seq++}`.slice(0, 15)
  const hostIf = `vh${ns}`.slice(0, 15)
  const nsIf = `vn${ns}`.slice(0, 15)
  const net = `10.213.${o.octet}`
  const net6 = `fd00:213:${o.octet}`
  const server = { host: `${net}.2`, host6: `${net6}::2`, clients: [`${net}.1`, `${net}.3`] as [string, string], clients6: [`${net6}::1`, `${net6}::3`] as [string, string] }
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' })
  const inNs = (...a: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...a], { stdio: 'pipe' })
  const dir = mkdtempSync(join(tmpdir(), `postdesk-${o.name}-`))
  let child: ChildProcess | undefined
  const daemons: ChildProcess[] = []
  const teardown = () => {
    for (const d of daemons) d.kill('SIGKILL')
    if (child?.pid !== undefined) {
      try {
        execFileSync('pkill', ['-KILL', '-P', String(child.pid)])
      } catch {
        /* no sessions */
      }
      child.kill('SIGKILL')
    }
    try {
      ip('netns', 'del', ns)
    } catch {
      /* gone */
    }
    try {
      ip('link', 'del', hostIf)
    } catch {
      /* went with the namespace */
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    ip('netns', 'add', ns)
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf)
    ip('link', 'set', nsIf, 'netns', ns)
    for (const a of server.clients) ip('addr', 'add', `${a}/24`, 'dev', hostIf)
    for (const a of server.clients6) ip('-6', 'addr', 'add', `${a}/64`, 'dev', hostIf, 'nodad')
    ip('link', 'set', hostIf, 'up')
    inNs('ip', 'link', 'set', 'lo', 'up')
    inNs('ip', 'addr', 'add', `${server.host}/24`, 'dev', nsIf)
    inNs('ip', '-6', 'addr', 'add', `${server.host6}/64`, 'dev', nsIf, 'nodad')
    inNs('ip', 'link', 'set', nsIf, 'up')

    // Private copies of the directories the server may change.
    const mounts: string[] = []
    for (const [i, d] of (o.privateDirs ?? []).entries()) {
      const copy = join(dir, `private-${i}`)
      // cp -a keeps owners and modes (e.g. at's spool belongs to daemon).
      if (existsSync(d)) execFileSync('cp', ['-a', d, copy])
      else {
        mkdirSync(d, { recursive: true })
        mkdirSync(copy, { recursive: true })
      }
      mounts.push(`mount --bind '${copy}' '${d}'`)
    }
    const hostKey = join(dir, 'ssh_host_ed25519_key')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey])
    const config = join(dir, 'sshd_config')
    writeFileSync(
      config,
      [
        'Port 22',
        'ListenAddress 0.0.0.0',
        'ListenAddress ::',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        `AuthorizedKeysFile .ssh/authorized_keys ${join(conn.keyPath, '../authorized_keys')}`,
        'StrictModes no',
        'UsePAM yes',
        'PrintMotd no',
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        '',
      ].join('\n'),
    )
    // ip netns exec -> unshare -> sh -> sshd all exec in place: the child's pid is sshd's.
    const script = ['set -e', ...mounts, ...(o.extraMounts ?? []), `exec /usr/sbin/sshd -D -e -f '${config}'`].join('\n')
    child = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] })
    let log = ''
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d))
    const started = Date.now()
    while (!(await isReachable(server.host, 22, 500))) {
      if (child.exitCode !== null || Date.now() - started > 10_000) throw new Error(`the sshd of ${ns} did not start: ${log}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  } catch (e) {
    teardown()
    throw e
  }
  const pid = String(child.pid)
  const blob = Buffer.from(readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8').split(/\s+/)[1] ?? '', 'base64')
  const run = (argv: string[], input?: string) => execFileSync('nsenter', ['-t', pid, '-m', '-n', '--', ...argv], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) })
  return {
    ns,
    ...server,
    port: 22,
    fingerprint: sha256Fingerprint(blob),
    run,
    spawn(argv) {
      const d = spawn('nsenter', ['-t', pid, '-m', '-n', '--', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] })
      daemons.push(d)
      return d
    },
    tryRun(argv, input) {
      try {
        return run(argv, input)
      } catch {
        return undefined
      }
    },
    async stop() {
      const c = child
      teardown()
      if (c && c.exitCode === null) await new Promise((r) => c.once('exit', r))
    },
  }
}
