import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { expect } from 'vitest'
import { BACKUP_BASE, newPushId, PUSH_BASE, PUSH_ID_RE } from '../../../electron/services/config/push/push-paths'
import { lockMailConfig } from './config-lock'
import { treeDiff, treeHashes } from './config-tree-hashes'
import { sendMail, waitForMail } from './mail-fixture'
import { loadConnection } from './vps'

/**
 * What a test that changes the test server's Postfix/Dovecot configuration holds while it runs: the
 * mail-config lock, the original bytes of the files it edits and a hash tree of the folders it must
 * leave byte-identical (owners and modes included).
 */
export interface MailConfigHold {
  /** A watched file's bytes when the lock was taken. */
  original(path: string): Buffer
  /** What differs in the roots since the lock was taken ([] when byte-identical). */
  changes(): string[]
  /** Writes back every watched file whose bytes differ (in place: owner and mode kept); returns the paths written. */
  restoreFiles(): string[]
  /** Releases the lock (idempotent). */
  release(): void
}

/** Takes the mail-config lock, then reads the watched files and hashes the roots. */
export async function holdMailConfig(o: { files: string[]; roots?: string[] }): Promise<MailConfigHold> {
  const release = await lockMailConfig()
  try {
    const originals = new Map(o.files.map((p) => [p, readFileSync(p)]))
    const roots = o.roots ?? []
    const initial = treeHashes(...roots)
    return {
      original(path) {
        const b = originals.get(path)
        if (!b) throw new Error(`${path} is not one of the files this test watches`)
        return b
      },
      changes: () => treeDiff(initial, treeHashes(...roots)),
      restoreFiles() {
        const written: string[] = []
        for (const [p, b] of originals) {
          if (existsSync(p) && readFileSync(p).equals(b)) continue
          writeFileSync(p, b)
          written.push(p)
        }
        return written
      },
      release,
    }
  } catch (e) {
    release()
    throw e
  }
}

/** The id prefix (UTC time to the second) of the pushes a run makes from now on: see removePushRecordsSince. */
export const pushRunStart = (): string => newPushId(new Date(Date.now() - 1000)).slice(0, 16)

/**
 * Removes the server's push records and backups made since `runStart` (push ids start with their UTC
 * time), and the `last` pointer if it now points nowhere. Call it while holding the mail-config lock,
 * so no other run's pushes fall in the window.
 */
export function removePushRecordsSince(runStart: string): void {
  for (const base of [PUSH_BASE, BACKUP_BASE])
    for (const name of existsSync(base) ? readdirSync(base) : []) if (PUSH_ID_RE.test(name) && name >= runStart) rmSync(`${base}/${name}`, { recursive: true, force: true })
  const last = `${PUSH_BASE}/last`
  if (existsSync(last) && !existsSync(`${PUSH_BASE}/${readFileSync(last, 'utf8').trim()}`)) rmSync(last, { force: true })
}

/** Mail still flows end to end: a message to alice over SMTP arrives in her mailbox (read over IMAP). */
export async function expectMailFlows(tag: string): Promise<void> {
  const { host } = loadConnection()
  const needle = `${tag}-${randomBytes(4).toString('hex')}`
  const sent = await sendMail(host, 'alice@example.test', needle)
  expect(sent.code, sent.stdout + sent.stderr).toBe(0)
  expect(await waitForMail(host, 'alice@example.test', 'Secret123!', needle)).toBe(true)
}
