import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { Services } from '../../../electron/services/types'
import { loadConnection } from './vps'

// The test server shares the file system and the PID namespace with this machine: users, sudoers
// rules and processes are made and removed from here, and everything is undone by the returned cleanup.

export interface TestUser {
  name: string
  home: string
  remove(): void
}

/** A throwaway login user (POSIX shell) with a password and, if asked, a sudo rule; remove() undoes all. */
export function createTestUser(o: { password: string; sudo?: 'nopasswd' | 'password'; authorizedKeys?: string[] }): TestUser {
  const name = `pdt${randomBytes(3).toString('hex')}`
  const home = `/home/${name}`
  execFileSync('useradd', ['-m', '-d', home, '-s', '/bin/sh', name])
  const sudoers = `/etc/sudoers.d/${name}`
  const remove = () => {
    rmSync(sudoers, { force: true })
    try {
      execFileSync('pkill', ['-KILL', '-u', name])
    } catch {
      // none running
    }
    try {
      execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' })
    } catch {
      rmSync(home, { recursive: true, force: true })
    }
  }
  try {
    execFileSync('chpasswd', [], { input: `${name}:${o.password}\n` })
    // sshd reads authorized_keys as the user: the test key must be in the user's own file.
    const keys = [readFileSync(`${loadConnection().keyPath}.pub`, 'utf8').trim(), ...(o.authorizedKeys ?? [])]
    mkdirSync(`${home}/.ssh`, { mode: 0o700, recursive: true })
    writeFileSync(`${home}/.ssh/authorized_keys`, keys.join('\n') + '\n', { mode: 0o600 })
    execFileSync('chown', ['-R', `${name}:${name}`, `${home}/.ssh`])
    if (o.sudo) {
      writeFileSync(sudoers, `${name} ALL=(ALL:ALL) ${o.sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`, { mode: 0o440 })
      chmodSync(sudoers, 0o440)
      execFileSync('visudo', ['-c', '-q', '-f', sudoers])
    }
  } catch (e) {
    remove()
    throw e
  }
  return { name, home, remove }
}

/** The server-side sshd processes that hold this connection's TCP socket (found by the client's source port). */
export async function sshdPidsOf(services: Services, serverId: string): Promise<number[]> {
  const conn = loadConnection()
  const r = await services.connections.exec(serverId, ['sh', '-c', 'echo $SSH_CONNECTION'])
  const [, clientPort, , serverPort] = r.stdout.trim().split(' ')
  if (!clientPort || !serverPort) throw new Error(`no SSH_CONNECTION: ${r.stdout}`)
  const out = execFileSync('ip', ['netns', 'exec', conn.namespace, 'ss', '-tnpH', 'state', 'established', `( sport = :${serverPort} and dport = :${clientPort} )`], { encoding: 'utf8' })
  const pids = [...new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))]
  if (!pids.length) throw new Error(`no sshd holds the connection from port ${clientPort}: ${out}`)
  return pids
}

/** Kills (or, with STOP, freezes) the server side of the connection: what a dead link looks like to the app. */
export async function signalSshd(services: Services, serverId: string, signal: 'KILL' | 'STOP'): Promise<number[]> {
  const pids = await sshdPidsOf(services, serverId)
  for (const pid of pids) {
    try {
      process.kill(pid, `SIG${signal}`)
    } catch {
      // already gone
    }
  }
  return pids
}

/** Kills frozen sshd processes a test left (they hold no link any more once the app has given up on them). */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
}
