import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Fingerprint } from '../../../electron/services/ssh/fingerprint'
import { isReachable, loadConnection } from './vps'

export interface ExtraSshd {
  host: string
  port: number
  /** SHA256:… of its own ed25519 host key. */
  fingerprint: string
  dir: string
  stop(): Promise<void>
}

/**
 * Writes a fresh ed25519 host key and an sshd_config into `dir`: root logs in with the test VPS's key
 * (publickey only), PID file in `dir`. sshd takes the first value of a keyword: `extraConfig` lines go
 * first, so a test can override any of these. Returns the config's path and the host key's fingerprint.
 */
export function writeSshdConfig(dir: string, o: { port: number; listen: string[]; extraConfig?: string[] }): { config: string; fingerprint: string } {
  const conn = loadConnection()
  const hostKey = join(dir, 'ssh_host_ed25519_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey])
  const config = join(dir, 'sshd_config')
  writeFileSync(
    config,
    [
      ...(o.extraConfig ?? []),
      `Port ${o.port}`,
      ...o.listen.map((a) => `ListenAddress ${a}`),
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
      'AllowTcpForwarding yes',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      '',
    ].join('\n'),
  )
  const blob = Buffer.from(readFileSync(`${hostKey}.pub`, 'utf8').split(/\s+/)[1] ?? '', 'base64')
  return { config, fingerprint: sha256Fingerprint(blob) }
}

/** Waits until the sshd `child` (started with -D -e) accepts on host:port; throws with its stderr if it exits or takes over 10 s. */
export async function awaitSshd(child: ChildProcess, host: string, port: number, what: string): Promise<void> {
  let log = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d))
  const started = Date.now()
  while (!(await isReachable(host, port, 500))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) throw new Error(`${what} did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Kills an sshd started with -D and every session it forked (they are its children, not its process group). */
export function killSshd(child: ChildProcess): void {
  if (child.pid !== undefined) {
    try {
      execFileSync('pkill', ['-KILL', '-P', String(child.pid)])
    } catch {
      // no sessions
    }
  }
  child.kill('SIGKILL')
}

/**
 * A second OpenSSH sshd with its own config and host key in a temp dir, stopped by stop() (and never
 * the test server's own sshd). `inNamespace` runs it inside the test server's network namespace (e.g.
 * with password auth for a test user); otherwise it listens on the host side, e.g. as a jump host.
 */
export async function startExtraSshd(o: { listen: string; port: number; inNamespace?: boolean; extraConfig?: string[] }): Promise<ExtraSshd> {
  const conn = loadConnection()
  const dir = mkdtempSync(join(tmpdir(), 'postdesk-sshd-'))
  const { config, fingerprint } = writeSshdConfig(dir, { port: o.port, listen: [o.listen], ...(o.extraConfig ? { extraConfig: o.extraConfig } : {}) })
  const argv = ['/usr/sbin/sshd', '-D', '-e', '-f', config]
  const child: ChildProcess = o.inNamespace ? spawn('ip', ['netns', 'exec', conn.namespace, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
  try {
    await awaitSshd(child, o.inNamespace ? conn.host : o.listen, o.port, `the extra sshd on ${o.listen}:${o.port}`)
  } catch (e) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  return {
    host: o.listen,
    port: o.port,
    fingerprint,
    dir,
    async stop() {
      killSshd(child)
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
