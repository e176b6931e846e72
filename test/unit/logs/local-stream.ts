// A FollowTransport that runs the remote programs on this machine (they are POSIX sh over coreutils),
// so the follow loop, its framing and the resume logic are tested for real without a server.
import { spawn } from 'node:child_process'
import type { FollowTransport } from '../../../electron/services/logs/log-follower'
import type { StreamingExec } from '../../../electron/services/ssh/stream-command'
import { AppError } from '../../../shared/errors'

export class LocalTransport implements FollowTransport {
  state = 'connected'
  /** running commands, so a test can "lose the connection" by killing them */
  readonly running = new Set<{ kill(): void }>()
  argvs: string[][] = []

  status(): { state: string } {
    return { state: this.state }
  }

  async execStream(_id: string, argv: string[], h: { onStdout(d: Buffer): void }): Promise<StreamingExec> {
    if (this.state !== 'connected') throw new AppError('disconnected', 'not connected')
    this.argvs.push(argv)
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let lost = false
    const handle = {
      kill: () => {
        lost = true
        try {
          process.kill(-(child.pid as number), 'SIGKILL')
        } catch {
          /* gone */
        }
      },
    }
    this.running.add(handle)
    child.stdout.on('data', (d: Buffer) => h.onStdout(d))
    const done = new Promise<{ code: number | null }>((resolve, reject) => {
      child.on('close', (code) => {
        this.running.delete(handle)
        if (lost) reject(new AppError('disconnected', 'link killed'))
        else resolve({ code })
      })
    })
    done.catch(() => undefined)
    return {
      pid: child.pid,
      done,
      stop: async () => {
        try {
          process.kill(-(child.pid as number), 'SIGTERM')
        } catch {
          /* gone */
        }
        await done.catch(() => undefined)
      },
    }
  }

  /** Drops every running stream as a broken connection would. */
  dropAll(): void {
    for (const r of [...this.running]) r.kill()
  }
}
