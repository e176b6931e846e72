import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

/** One lock for every test that changes /etc/postfix or /etc/dovecot or reloads Postfix/Dovecot. */
export const MAIL_CONFIG_LOCK = '/tmp/postdesk-mail-config.lock'

/**
 * Serialises, across processes, the tests that change the test server's Postfix/Dovecot configuration
 * (a push test and a workspace test at once would see each other's files). Returns the release function.
 */
export function lockMailConfig(timeoutMs = 900_000): Promise<() => void> {
  return lockAcrossProcesses(MAIL_CONFIG_LOCK, 'The mail configuration', timeoutMs)
}

/**
 * Takes the lock directory `dir` (mkdir is atomic; a lock whose process is gone is taken over), waiting
 * up to `timeoutMs` for another process to release it. Returns the release function (idempotent: it
 * never removes a lock taken over by someone else after it). `what` names the locked thing in the error.
 */
export async function lockAcrossProcesses(dir: string, what: string, timeoutMs: number): Promise<() => void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      mkdirSync(dir)
      writeFileSync(`${dir}/pid`, String(process.pid))
      let held = true
      return () => {
        if (held) rmSync(dir, { recursive: true, force: true })
        held = false
      }
    } catch {
      let pid = 0
      try {
        pid = Number(readFileSync(`${dir}/pid`, 'utf8'))
      } catch {
        /* being created right now */
      }
      if (pid > 0) {
        try {
          process.kill(pid, 0)
        } catch {
          rmSync(dir, { recursive: true, force: true })
          continue
        }
      }
      if (Date.now() > until) throw new Error(`${what} is locked by another test run (${dir}, pid ${pid}).`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}
