import { describe, expect, it } from 'vitest'
import { kindFromName } from '../../../../shared/config/config-set'
import { lintConfigSet } from '../../../../shared/config/lint-config-set'
import type { WorkspaceCatalogues } from '../../../../shared/domain/config-workspace'
import { inProcessTransport, WorkspaceLinter } from '../../../../renderer/src/lib/configs/workspace-linter'
import { countFindings, findingsByFile, lintCataloguesOf, workspaceLintSet, type LintFile } from '../../../../renderer/src/lib/configs/workspace-lint-set'
import { fixtureFiles } from '../../config/fixture-set'

/** The seed's files as a pulled workspace would list them (server paths, kinds). */
function seedWorkspace(): LintFile[] {
  const where: Record<string, string> = { 'main.cf': '/etc/postfix/main.cf', 'master.cf': '/etc/postfix/master.cf', 'dovecot.conf': '/etc/dovecot/dovecot.conf', 'config.local.php': '/var/www/postfixadmin/config.local.php' }
  return fixtureFiles('seed-centos6').map((f) => {
    const path = where[f.path.slice(1)] as string
    const k = kindFromName(path)
    return { path, kind: k.kind, ...(k.mapType ? { mapType: k.mapType } : {}), text: f.text }
  })
}

describe('the workspace as one lint set', () => {
  it('finds the seed’s cross-file typo (mail_location outside virtual_mailbox_base)', () => {
    const { findings } = lintConfigSet(workspaceLintSet(seedWorkspace(), {}))
    const typo = findings.find((f) => f.code === 'cross.mail-location-outside-base')
    expect(typo, JSON.stringify(findings.map((f) => f.code))).toBeDefined()
    expect(findingsByFile(findings)[typo?.file ?? '']?.length).toBeGreaterThan(0)
  })

  it('the editor’s buffer replaces the saved text: a typed unknown parameter is found at its offsets', () => {
    const files = seedWorkspace()
    const main = files.find((f) => f.path === '/etc/postfix/main.cf') as LintFile
    const line = 'smtpd_helo_restrictons = permit_mynetworks\n'
    const edited = files.map((f) => (f === main ? { ...f, text: main.text + line } : f))
    const { findings } = lintConfigSet(workspaceLintSet(edited, {}))
    const unknown = findings.find((f) => f.file === main.path && f.code === 'postfix.unknown-parameter' && f.message.includes('smtpd_helo_restrictons'))
    expect(unknown).toBeDefined()
    expect(unknown?.from).toBe(main.text.length)
    expect(unknown?.to).toBe(main.text.length + 'smtpd_helo_restrictons'.length)
    expect(unknown?.hint ?? unknown?.message).toMatch(/smtpd_helo_restrictions/)
  })

  it('uses the server’s catalogues when the pull captured them (an unknown name on that server is reported)', () => {
    const base = lintConfigSet(workspaceLintSet(seedWorkspace(), {})).findings.filter((f) => f.code === 'postfix.unknown-parameter')
    const cat: WorkspaceCatalogues = {
      source: 'server',
      postfixVersion: '3.7.11',
      dovecotVersion: '2.3.19.1',
      // A server whose postconf -d lacks message_size_limit (which the seed sets).
      postfixDefaults: { mail_version: '3.7.11', myhostname: 'localhost', mydomain: 'localdomain', virtual_mailbox_base: '' },
      postfixValues: {},
      dovecotDefaults: {},
      dovecotValues: {},
    }
    const lc = lintCataloguesOf(cat)
    expect(lc.postfixCatalog?.version).toBe('3.7.11')
    expect(lc.dovecotCatalog).toBeUndefined() // none captured: the bundled one stays
    const withServer = lintConfigSet(workspaceLintSet(seedWorkspace(), lc)).findings.filter((f) => f.code === 'postfix.unknown-parameter')
    expect(withServer.length).toBeGreaterThan(base.length)
    expect(lintCataloguesOf({ ...cat, source: 'bundled' }).postfixCatalog).toBeUndefined()
    expect(lintCataloguesOf(null)).toEqual({})
  })

  it('counts findings by severity', () => {
    expect(countFindings([{ severity: 'error' }, { severity: 'warning' }, { severity: 'warning' }] as never)).toEqual({ error: 1, warning: 2, info: 0 })
  })
})

describe('WorkspaceLinter', () => {
  it('answers the newest lint only; an older one still running is answered null', async () => {
    const linter = new WorkspaceLinter(inProcessTransport())
    linter.setCatalogues({})
    const files = seedWorkspace()
    const first = linter.lint(files)
    const main = files.find((f) => f.path === '/etc/postfix/main.cf') as LintFile
    const second = linter.lint(files.map((f) => (f === main ? { ...f, text: `${f.text}bogus_parameter_x = 1\n` } : f)))
    expect(await first).toBeNull()
    const reply = await second
    expect(reply?.findings.some((f) => f.message.includes('bogus_parameter_x'))).toBe(true)
    expect(reply?.ms).toBeGreaterThanOrEqual(0)
    linter.close()
  })

  it('measures a keystroke lint of the seed-sized set (reported; the app runs it in a Web Worker)', async () => {
    const linter = new WorkspaceLinter(inProcessTransport())
    const files = seedWorkspace()
    const times: number[] = []
    for (let i = 0; i < 15; i++) {
      const main = files[0] as LintFile
      const reply = await linter.lint(files.map((f) => (f === main ? { ...f, text: `${f.text}# ${i}\n` } : f)))
      times.push(reply?.ms ?? NaN)
    }
    const sorted = times.slice(5).sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)] as number
    console.log(`config lint, seed set (${files.length} files): first ${times[0]?.toFixed(1)} ms, median after warm-up ${median.toFixed(1)} ms`)
    expect(Number.isFinite(median)).toBe(true)
    linter.close()
  })
})
