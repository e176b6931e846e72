// `postdesk logs tail|search --source`: an invalid value (or --path with the journal) is refused by
// the real bin with a message listing the choices, before any server is looked up. Without --source
// the source saved in the server's profile applies (the bin against a server: integration/logs-cli-profile-source).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveSource, sourceFlags } from '../../../electron/cli/commands/logs-tail'
import { runPostdesk } from '../support/run-postdesk'

const home = mkdtempSync(join(tmpdir(), 'postdesk-logs-source-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

/** --source and --path without a saved source: the choice given, else auto. */
const sourceOf = (o: { source?: string; path?: string }) => resolveSource(sourceFlags(o), undefined)

describe('logs --source', () => {
  it('reads auto, journal and file (any case), with --path only for a file', () => {
    expect(sourceOf({})).toEqual({ choice: 'auto' })
    expect(sourceOf({ source: 'Journal' })).toEqual({ choice: 'journal' })
    expect(sourceOf({ source: 'file', path: '/var/log/maillog' })).toEqual({ choice: 'file', path: '/var/log/maillog' })
    expect(sourceOf({ path: '/var/log/maillog' })).toEqual({ choice: 'auto', path: '/var/log/maillog' })
    expect(() => sourceOf({ source: 'journal', path: '/var/log/maillog' })).toThrow(/cannot be used with --source journal/)
  })

  it("without --source the profile's saved source applies; --source wins over it", () => {
    expect(sourceFlags({})).toEqual({})
    expect(resolveSource(sourceFlags({}), 'journal')).toEqual({ choice: 'journal' })
    expect(resolveSource(sourceFlags({}), 'file')).toEqual({ choice: 'file' })
    expect(resolveSource(sourceFlags({}), undefined)).toEqual({ choice: 'auto' })
    expect(resolveSource(sourceFlags({ source: 'file' }), 'journal')).toEqual({ choice: 'file' })
    expect(resolveSource(sourceFlags({ source: 'auto' }), 'journal')).toEqual({ choice: 'auto' })
    expect(resolveSource(sourceFlags({ source: 'journal' }), 'file')).toEqual({ choice: 'journal' })
    // --path with a saved file: that file; with a saved journal, --path (a file) wins as it would with nothing saved
    expect(resolveSource(sourceFlags({ path: '/var/log/maillog' }), 'file')).toEqual({ choice: 'file', path: '/var/log/maillog' })
    expect(resolveSource(sourceFlags({ path: '/var/log/maillog' }), 'journal')).toEqual({ choice: 'auto', path: '/var/log/maillog' })
  })

  it.each([['tail'], ['search']])('logs %s refuses an unknown source, listing the choices', async (cmd) => {
    const r = await runPostdesk(home, ['logs', cmd, 'nosuchserver', '--source', 'jornal'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('--source jornal: use one of auto, file, journal')
    expect(r.stderr).not.toMatch(/nosuchserver/)
  })

  it('logs tail refuses --path with --source journal', async () => {
    const r = await runPostdesk(home, ['logs', 'tail', 'nosuchserver', '--source', 'journal', '--path', '/var/log/mail.log'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('--path names a log file')
  })
})
