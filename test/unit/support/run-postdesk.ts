import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const POSTDESK_BIN = join(import.meta.dirname, '../../../electron/cli/postdesk.js')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real `postdesk` (electron/cli/postdesk.js) with its own data dir; stdin is a pipe, never a terminal. */
export function runPostdesk(home: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [POSTDESK_BIN, ...args], {
      env: { ...process.env, POSTDESK_HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(opts.input ?? '')
  })
}
