// `postdesk logs tail|search|summary --server` against the test mail server, through the real bin.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { loadConnection } from './support/vps'

const conn = loadConnection()
const home = mkdtempSync(join(tmpdir(), 'postdesk-logs-cli-'))
const run = `pdcli${Date.now().toString(36)}`
afterAll(() => rmSync(home, { recursive: true, force: true }))

beforeAll(async () => {
  expect((await runPostdesk(home, ['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath])).code).toBe(0)
  expect((await runPostdesk(home, ['facts', 'vps', '--accept-host-key', conn.hostKeySha256, '--json'])).code).toBe(0)
})

describe('postdesk logs on the test server', () => {
  it('tail: follows with filters and prints --json lines; stops after --max-lines', async () => {
    const pending = runPostdesk(home, ['logs', 'tail', 'vps', '-n', '0', '--grep', run, '--status', 'other', '--json', '--max-lines', '2'], { timeoutMs: 30_000 })
    let done = false
    void pending.then(() => (done = true))
    // written until the follower (started in a child process) has printed two of them
    for (let i = 0; !done && i < 100; i++) {
      execFileSync('logger', ['-p', 'mail.info', '-t', 'postdesk-test', `${run} tail ${i}`])
      await new Promise((r) => setTimeout(r, 200))
    }
    const r = await pending
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { program: string; message: string })
    expect(lines).toHaveLength(2)
    const [a, b] = lines.map((l) => Number(/tail (\d+)$/.exec(l.message)?.[1]))
    expect(b).toBe((a ?? -2) + 1)
    expect(lines[0]?.program).toBe('postdesk-test')
  })

  it('search: finds lines in the current log by text and time range', async () => {
    execFileSync('logger', ['-p', 'mail.info', '-t', 'postdesk-test', `${run} search-me`])
    await new Promise((r) => setTimeout(r, 300))
    const r = await runPostdesk(home, ['logs', 'search', 'vps', `${run} search-me`, '--since', '10m', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { message: string })
    expect(lines.map((l) => l.message)).toEqual([`${run} search-me`])
    expect(r.stderr).toMatch(/1 matching lines in \d+ files/)
    const none = await runPostdesk(home, ['logs', 'search', 'vps', `${run} search-me`, '--until', '2000-01-01T00:00:00Z', '--json'])
    expect(none.stdout).toBe('')
  })

  it('summary --server: pflogsumm totals of the server log, equal to reading the same file locally', async () => {
    const r = await runPostdesk(home, ['logs', 'summary', '--server', 'vps', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const remote = JSON.parse(r.stdout) as { totals: Record<string, number>; lines: number }
    expect(remote.totals).toHaveProperty('received')
    expect(remote.lines).toBeGreaterThan(0)
    // the host shares the server's filesystem: the same totals from the local read (the log may have grown in between)
    const local = JSON.parse((await runPostdesk(home, ['logs', 'summary', '/var/log/mail.log', '--json'])).stdout) as { totals: Record<string, number>; lines: number }
    expect(local.lines).toBeGreaterThanOrEqual(remote.lines)
    expect(local.totals['received']).toBeGreaterThanOrEqual(remote.totals['received'] ?? 0)
  })
})
