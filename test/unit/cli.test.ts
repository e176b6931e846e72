import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { POSTDESK_BIN, runPostdesk, type CliRun } from './support/run-postdesk'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
const addArgs = (name: string, host = 'mail.example.com') => ['server', 'add', name, '--host', host, '--user', 'admin', '--key', '/home/me/.ssh/id_ed25519']

/** Failure contract: non-zero exit and exactly one stderr line starting with "postdesk: ". */
function expectOneLineFailure(r: CliRun, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code)
  expect(r.stderr.endsWith('\n')).toBe(true)
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(/^postdesk: /)
  expect(r.stderr).toMatch(pattern)
}

// Each test has its own data dir, so they run concurrently (every spawn costs about a second).
describe.concurrent('postdesk CLI (no server needed)', { timeout: 60_000 }, () => {
  it('adds, lists and removes profiles, with --json machine output', async () => {
    const home = tempDir()
    const empty = await runPostdesk(home, ['server', 'list', '--json'])
    expect(empty.code).toBe(0)
    expect(JSON.parse(empty.stdout)).toEqual([])

    const added = await runPostdesk(home, addArgs('Main VPS'))
    expect(added.code).toBe(0)
    expect(added.stdout).toContain('Added server "Main VPS" (id main-vps): admin@mail.example.com:22')
    expect(added.stdout).toContain('postdesk facts main-vps') // the hint: how to see and accept the host key
    expect(added.stderr).toBe('')

    const json = await runPostdesk(home, [...addArgs('Backup'), '--port', '2222', '--local-address', '10.0.0.3', '--json'])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'backup', name: 'Backup', port: 2222, localAddress: '10.0.0.3', keyPath: '/home/me/.ssh/id_ed25519' })

    const list = await runPostdesk(home, ['server', 'list'])
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ADDRESS\s+FROM$/)
    expect(list.stdout).toMatch(/main-vps\s+Main VPS\s+admin@mail\.example\.com:22\s+-/)
    expect(list.stdout).toMatch(/backup\s+Backup\s+admin@mail\.example\.com:2222\s+10\.0\.0\.3/)

    const removed = await runPostdesk(home, ['server', 'remove', 'MAIN VPS', '--yes', '--json'])
    expect(removed.code).toBe(0)
    expect(JSON.parse(removed.stdout)).toEqual({ removed: true, id: 'main-vps', name: 'Main VPS', secrets: 0, configsWorkspace: false, allowlist: false })
    expect(JSON.parse((await runPostdesk(home, ['server', 'list', '--json'])).stdout).map((p: { id: string }) => p.id)).toEqual(['backup'])

    // The same data dir the app uses, with the journal of what was done.
    const journal = readFileSync(join(home, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; server: string })
    expect(journal.map((e) => [e.action, e.server])).toEqual([['add', 'main-vps'], ['add', 'backup'], ['remove', 'main-vps']])
  })

  it('resolves a relative --key against the current directory', async () => {
    const home = tempDir()
    const r = await runPostdesk(home, ['server', 'add', 'x', '--host', 'h.example', '--user', 'u', '--key', 'keys/id', '--json'])
    expect(JSON.parse(r.stdout).keyPath).toBe(join(process.cwd(), 'keys/id'))
  })

  it('refuses to remove without --yes when stdin is not a terminal, and keeps the profile', async () => {
    const home = tempDir()
    await runPostdesk(home, addArgs('Main'))
    expectOneLineFailure(await runPostdesk(home, ['server', 'remove', 'Main'], { input: 'y\n' }), 1, /refusing to remove "Main" without --yes: stdin is not a terminal/)
    expect(JSON.parse((await runPostdesk(home, ['server', 'list', '--json'])).stdout)).toHaveLength(1)
  })

  it('asks y/N on a terminal and removes only on yes', async () => {
    const home = tempDir()
    await runPostdesk(home, addArgs('Main'))
    // util-linux `script` gives the command a pseudo-terminal; the answer is typed once the prompt shows.
    const answer = (text: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('script', ['-qec', `"${process.execPath}" "${POSTDESK_BIN}" server remove Main`, '/dev/null'], { env: { ...process.env, POSTDESK_HOME: home } })
        let out = ''
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d
          if (out.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end(text)
        })
        child.on('close', (code) => resolve({ code, out }))
      })
    const no = await answer('n\n')
    expect(no.code).toBe(1)
    expect(no.out).toContain('Remove server "Main" (admin@mail.example.com:22)? [y/N]')
    expect(no.out).toContain('postdesk: cancelled; "Main" was not removed')
    const yes = await answer('y\n')
    expect(yes.code).toBe(0)
    expect(yes.out).toContain('Removed server "Main" (id main).')
    expect(JSON.parse((await runPostdesk(home, ['server', 'list', '--json'])).stdout)).toEqual([])
  }, 30_000)

  it('fails with one line for a duplicate name, and with --json also an error object on stdout', async () => {
    const home = tempDir()
    await runPostdesk(home, addArgs('Main'))
    expectOneLineFailure(await runPostdesk(home, addArgs('MAIN')), 1, /already exists/)
    const r = await runPostdesk(home, [...addArgs('main'), '--json'])
    expectOneLineFailure(r, 1, /already exists/)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'conflict' } })
  })

  it('fails with exit 2 and one line on usage errors', async () => {
    const home = tempDir()
    expectOneLineFailure(await runPostdesk(home, ['server', 'add', 'x', '--user', 'u', '--key', 'k']), 2, /required option '--host <host>'/)
    expectOneLineFailure(await runPostdesk(home, [...addArgs('x'), '--port', '70000']), 2, /port is a number from 1 to 65535/)
    expectOneLineFailure(await runPostdesk(home, ['bogus']), 2, /unknown command 'bogus'/)
    expectOneLineFailure(await runPostdesk(home, []), 2, /missing command/)
    expectOneLineFailure(await runPostdesk(home, ['server', 'list', 'extra']), 2, /too many arguments/)
    expect(existsSync(join(home, 'profiles.json'))).toBe(false)
  })

  it('rejects invalid values with the reason (bad host, bad fingerprint) and adds nothing', async () => {
    const home = tempDir()
    expectOneLineFailure(await runPostdesk(home, addArgs('x', 'bad host;rm')), 1, /host: not a host name or IP address/)
    expectOneLineFailure(await runPostdesk(home, [...addArgs('x'), '--accept-host-key', 'MD5:aa:bb']), 1, /--accept-host-key wants an OpenSSH SHA256 fingerprint/)
    expect(JSON.parse((await runPostdesk(home, ['server', 'list', '--json'])).stdout)).toEqual([])
  })

  it('does not keep a profile whose host key could not be verified (add --accept-host-key, nothing listening)', async () => {
    const home = tempDir()
    const r = await runPostdesk(home, ['server', 'add', 'local', '--host', '127.0.0.1', '--port', '1', '--user', 'u', '--key', '/k', '--accept-host-key', `SHA256:${'A'.repeat(43)}`])
    expectOneLineFailure(r, 1, /\/k.*\(server "local" was not added\)/)
    expect(JSON.parse((await runPostdesk(home, ['server', 'list', '--json'])).stdout)).toEqual([])
  })

  it('fails with not-found for unknown servers', async () => {
    const home = tempDir()
    expectOneLineFailure(await runPostdesk(home, ['facts', 'nope']), 1, /No server profile with the id or name "nope"/)
    expectOneLineFailure(await runPostdesk(home, ['server', 'remove', 'nope', '--yes']), 1, /"nope"/)
    const r = await runPostdesk(home, ['server', 'forget-key', 'nope', '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'not-found' } })
  })

  it('prints help and version with exit 0', async () => {
    const home = tempDir()
    const help = await runPostdesk(home, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: postdesk')
    expect(help.stdout).toContain('facts')
    const v = await runPostdesk(home, ['--version'])
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})
