import { describe, expect, it } from 'vitest'
import { runPostdesk } from './support/run-postdesk'
import { useTempDirs } from './support/temp-dir'

const tempDir = useTempDirs()
const addArgs = ['server', 'add', 'vps', '--host', 'mail.example.com', '--user', 'admin', '--key', '/home/me/.ssh/id_ed25519']

// The offline half of `postdesk config` on a workspace never pulled: clear words, --json, exit codes.
describe.concurrent('postdesk config (no server needed)', { timeout: 60_000 }, () => {
  it('status and history say nothing was pulled yet (text and JSON)', async () => {
    const home = tempDir()
    expect((await runPostdesk(home, addArgs)).code).toBe(0)
    const st = await runPostdesk(home, ['config', 'status', 'vps'])
    expect(st).toMatchObject({ code: 0, stderr: '' })
    expect(st.stdout).toBe('Nothing pulled for vps yet: postdesk config pull vps\n')
    const json = await runPostdesk(home, ['config', 'status', 'vps', '--json'])
    expect(JSON.parse(json.stdout)).toEqual({ server: 'vps', pulledAt: null, baseSnapshot: null, files: [], changed: 0, conflicts: 0, catalogues: 'bundled' })
    const h = await runPostdesk(home, ['config', 'history', 'vps', '--json'])
    expect(JSON.parse(h.stdout)).toEqual([])
  })

  it('diff, lint and cat fail with one line telling to pull first (exit 1, JSON error with --json)', async () => {
    const home = tempDir()
    expect((await runPostdesk(home, addArgs)).code).toBe(0)
    for (const args of [['config', 'diff', 'vps'], ['config', 'lint', 'vps'], ['config', 'cat', 'vps', '/etc/postfix/main.cf']]) {
      const r = await runPostdesk(home, args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^postdesk: .*pull first/)
    }
    const j = await runPostdesk(home, ['config', 'lint', 'vps', '--json'])
    expect(JSON.parse(j.stdout)).toMatchObject({ error: { code: 'not-found' } })
  })

  it('lists the config commands in help', async () => {
    const r = await runPostdesk(tempDir(), ['config', '--help'])
    expect(r.code).toBe(0)
    for (const c of ['pull', 'status', 'diff', 'lint', 'push', 'history', 'rollback']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
  })
})
