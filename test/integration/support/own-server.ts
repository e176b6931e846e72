import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isIPv6 } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { awaitSshd, killSshd, writeSshdConfig } from './extra-sshd'
import { isReachable } from './vps'
import { waitFor } from './vps-firewall'
import { vpsServices, type VpsServices } from './vps-services'

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
  /** Whether a TCP connection from the client address `from` to the server (host or host6, by from's family) is accepted within `ms`. */
  reachable(from: string, port: number, ms?: number): Promise<boolean>
  /**
   * Starts a TCP listener on `port` in the server that accepts and closes (the port a firewall test
   * protects), IPv4 only or dual-stack; resolves once clients[0] (and clients6[0] if dual-stack) reach it.
   */
  listen(port: number, o?: { dualStack?: boolean }): Promise<void>
  /** Stops sshd and its sessions, removes the namespace, the veth pair and the private copies. */
  stop(): Promise<void>
}

let seq = 0

export async function startOwnServer(o: { name: string; octet: number; privateDirs?: string[]; extraMounts?: string[] }): Promise<OwnServer> {
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
  let fingerprint: string | undefined
  const daemons: ChildProcess[] = []
  const teardown = () => {
    for (const d of daemons) d.kill('SIGKILL')
    if (child) killSshd(child)
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
    const sshd = writeSshdConfig(dir, { port: 22, listen: ['0.0.0.0', '::'] })
    fingerprint = sshd.fingerprint
    // ip netns exec -> unshare -> sh -> sshd all exec in place: the child's pid is sshd's.
    const script = ['set -e', ...mounts, ...(o.extraMounts ?? []), `exec /usr/sbin/sshd -D -e -f '${sshd.config}'`].join('\n')
    child = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] })
    await awaitSshd(child, server.host, 22, `the sshd of ${ns}`)
  } catch (e) {
    teardown()
    throw e
  }
  const pid = String(child.pid)
  const run = (argv: string[], input?: string) => execFileSync('nsenter', ['-t', pid, '-m', '-n', '--', ...argv], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) })
  const spawnIn = (argv: string[]) => {
    const d = spawn('nsenter', ['-t', pid, '-m', '-n', '--', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] })
    daemons.push(d)
    return d
  }
  const reachable = (from: string, port: number, ms = 1500) => isReachable(isIPv6(from) ? server.host6 : server.host, port, ms, from)
  return {
    ns,
    ...server,
    port: 22,
    fingerprint,
    run,
    spawn: spawnIn,
    reachable,
    async listen(port, lo = {}) {
      const socket = lo.dualStack ? 's=socket.socket(socket.AF_INET6)\ns.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)' : 's=socket.socket()'
      spawnIn(['python3', '-c', `import socket\n${socket}\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('${lo.dualStack ? '::' : '0.0.0.0'}', ${port}))\ns.listen(64)\nwhile True:\n    c, _ = s.accept()\n    c.close()\n`])
      for (const from of lo.dualStack ? [server.clients[0], server.clients6[0]] : [server.clients[0]])
        if (!(await waitFor(() => reachable(from, port, 300), 5000))) throw new Error(`the listener on port ${port} of ${ns} is not reachable from ${from}`)
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

/**
 * Real services with a profile for `srv` (its host or host6, by the family of `from`), bound to the
 * client address `from`, connected with the server's host key accepted. With `dataDir` (an earlier
 * client's), its stored profile is reused with its local address switched to `from`.
 */
export async function connectOwnServer(srv: OwnServer, o: { name: string; from: string; dataDir?: string }): Promise<VpsServices> {
  if (o.dataDir) {
    const file = join(o.dataDir, 'profiles.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"localAddress": "[^"]*"/, `"localAddress": "${o.from}"`))
  }
  const v = await vpsServices({ name: o.name, localAddress: o.from, profile: { host: isIPv6(o.from) ? srv.host6 : srv.host }, ...(o.dataDir ? { dataDir: o.dataDir } : {}) })
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: srv.fingerprint })
  return v
}
