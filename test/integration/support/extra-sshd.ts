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
 * A second OpenSSH sshd with its own config and host key in a temp dir, stopped by stop() (and never
 * the test server's own sshd). `inNamespace` runs it inside the test server's network namespace (e.g.
 * with password auth for a test user); otherwise it listens on the host side, e.g. as a jump host.
 */
export async function startExtraSshd(o: { listen: string; port: number; inNamespace?: boolean; extraConfig?: string[] }): Promise<ExtraSshd> {
  const conn = loadConnection()
  const dir = mkdtempSync(join(tmpdir(), 'postdesk-sshd-'))
  const hostKey = join(dir, 'ssh_host_ed25519_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey])
  const config = join(dir, 'sshd_config')
  writeFileSync(
    config,
    [
      // sshd takes the first value of a keyword: the test's own lines go first.
      ...(o.extraConfig ?? []),
      `Port ${o.port}`,
      `ListenAddress ${o.listen}`,
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
  const argv = ['/usr/sbin/sshd', '-D', '-e', '-f', config]
  const child: ChildProcess = o.inNamespace ? spawn('ip', ['netns', 'exec', conn.namespace, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d))
  const started = Date.now()
  const probe = o.inNamespace ? conn.host : o.listen
  while (!(await isReachable(probe, o.port, 500))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`the extra sshd on ${o.listen}:${o.port} did not start: ${log}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const blob = Buffer.from(readFileSync(`${hostKey}.pub`, 'utf8').split(/\s+/)[1] ?? '', 'base64')
  return {
    host: o.listen,
    port: o.port,
    fingerprint: sha256Fingerprint(blob),
    dir,
    async stop() {
      // The listener and every session it forked (they share its process group only inside -D: kill by pid file and parent).
      const pid = child.pid
      if (pid !== undefined) {
        try {
          execFileSync('pkill', ['-KILL', '-P', String(pid)])
        } catch {
          // no children
        }
      }
      child.kill('SIGKILL')
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
