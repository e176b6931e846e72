// `postdesk logs tail|search|summary` with the log source saved in the server's profile (chosen in the
// app's log view), through the real bin against the test mail server. That server writes
// /var/log/mail.log and has journalctl but no journal (no journald running), so a saved journal shows
// itself by the clear refusal, and a flag that overrides it by reading the file.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JsonProfileStore } from '../../electron/services/profiles/profile-store'
import type { LogSourceChoice } from '../../shared/domain/log-source'
import { runPostdesk } from '../unit/support/run-postdesk'
import { loadConnection } from './support/vps'

const conn = loadConnection()
const home = mkdtempSync(join(tmpdir(), 'postdesk-logs-profile-source-'))
const marker = `pdprof${Date.now().toString(36)}`
const JOURNAL_REFUSED = 'The journal was chosen as the log source'
afterAll(() => rmSync(home, { recursive: true, force: true }))

/** Saves the source in the profile as the app does (the same store, the whole profile updated). */
async function saveSource(choice: LogSourceChoice): Promise<void> {
  const store = new JsonProfileStore(home)
  const { id, createdAt: _c, logSource: _old, ...fields } = await store.get('vps')
  await store.update(id, choice === 'auto' ? fields : { ...fields, logSource: choice })
}

beforeAll(async () => {
  expect((await runPostdesk(home, ['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath])).code).toBe(0)
  expect((await runPostdesk(home, ['facts', 'vps', '--accept-host-key', conn.hostKeySha256, '--json'])).code).toBe(0)
  execFileSync('logger', ['-p', 'mail.info', '-t', 'postdesk-test', `${marker} saved-source`])
  await new Promise((r) => setTimeout(r, 300))
})

describe("the profile's saved log source in the CLI", () => {
  it('a saved journal is used by tail, search and summary when --source is not given', async () => {
    // precondition: no journald of another test is writing a journal right now
    expect(existsSync('/run/systemd/journal/socket'), 'a journald is running (another journald test?)').toBe(false)
    await saveSource('journal')
    const tail = await runPostdesk(home, ['logs', 'tail', 'vps', '-n', '1', '--max-lines', '1'])
    expect(tail.code).not.toBe(0)
    expect(tail.stderr).toContain(JOURNAL_REFUSED)
    const search = await runPostdesk(home, ['logs', 'search', 'vps', marker, '--since', '10m'])
    expect(search.code).not.toBe(0)
    expect(search.stderr).toContain(JOURNAL_REFUSED)
    const summary = await runPostdesk(home, ['logs', 'summary', '--server', 'vps', '--json'])
    expect(summary.code).not.toBe(0)
    expect(summary.stderr).toContain(JOURNAL_REFUSED)
  })

  it('--source (or --path, which names a file) wins over the saved journal', async () => {
    await saveSource('journal')
    const search = await runPostdesk(home, ['logs', 'search', 'vps', marker, '--since', '10m', '--source', 'file', '--json'])
    expect(search.code, search.stderr).toBe(0)
    expect(search.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([`${marker} saved-source`])
    const summary = await runPostdesk(home, ['logs', 'summary', '--server', 'vps', '--source', 'auto', '--json'])
    expect(summary.code, summary.stderr).toBe(0)
    expect((JSON.parse(summary.stdout) as { lines: number }).lines).toBeGreaterThan(0)
    const tail = await runPostdesk(home, ['logs', 'tail', 'vps', '-n', '1', '--max-lines', '1', '--path', '/var/log/mail.log'])
    expect(tail.code, tail.stderr).toBe(0)
    expect(tail.stderr).toContain('postdesk: following /var/log/mail.log')
    expect(tail.stdout.split('\n').filter(Boolean)).toHaveLength(1)
  })

  it('a saved file is followed; --source journal overrides it; back to auto reads the file again', async () => {
    await saveSource('file')
    const tail = await runPostdesk(home, ['logs', 'tail', 'vps', '-n', '1', '--max-lines', '1'])
    expect(tail.code, tail.stderr).toBe(0)
    expect(tail.stderr).toContain('postdesk: following /var/log/mail.log')
    const journal = await runPostdesk(home, ['logs', 'tail', 'vps', '-n', '1', '--max-lines', '1', '--source', 'journal'])
    expect(journal.code).not.toBe(0)
    expect(journal.stderr).toContain(JOURNAL_REFUSED)
    await saveSource('auto')
    const search = await runPostdesk(home, ['logs', 'search', 'vps', marker, '--since', '10m', '--json'])
    expect(search.code, search.stderr).toBe(0)
    expect(search.stdout).toContain(`${marker} saved-source`)
  })
})
