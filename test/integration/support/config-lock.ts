import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

/** One lock for every test that changes /etc/postfix or /etc/dovecot or reloads Postfix/Dovecot. */
export const MAIL_CONFIG_LOCK = '/tmp/postdesk-mail-config.lock'

/**
 * Serialises, across processes, the tests that change the test server's Postfix/Dovecot configuration
 * (a push test and a workspace test at once would see each other's files): mkdir is atomic; a lock
 * whose process is gone is taken over. Returns the release function (idempotent).
 */
export async function lockMailConfig(timeoutMs = 900_000): Promise<() => void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      mkdirSync(MAIL_CONFIG_LOCK)
      writeFileSync(`${MAIL_CONFIG_LOCK}/pid`, String(process.pid))
      let held = true
      return () => {
        if (held) rmSync(MAIL_CONFIG_LOCK, { recursive: true, force: true })
        held = false
      }
    } catch {
      let pid = 0
      try {
        pid = Number(readFileSync(`${MAIL_CONFIG_LOCK}/pid`, 'utf8'))
      } catch {
        /* being created right now */
      }
      if (pid > 0) {
        try {
          process.kill(pid, 0)
        } catch {
          rmSync(MAIL_CONFIG_LOCK, { recursive: true, force: true })
          continue
        }
      }
      if (Date.now() > until) throw new Error(`The mail configuration is locked by another test run (${MAIL_CONFIG_LOCK}, pid ${pid}).`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}
