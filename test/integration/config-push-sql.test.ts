import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigInstaller } from '../../electron/services/config/push/config-installer'
import type { InstallFile, InstallOutcome } from '../../electron/services/config/push/install-types'
import { STAGE_BASE } from '../../electron/services/config/push/push-paths'
import { treeDiff, treeHashes } from './support/config-tree-hashes'
import { expectMailFlows, holdMailConfig, pushRunStart, removePushRecordsSince, type MailConfigHold } from './support/mail-config-hold'
import { doveadmAuth, imapLogin, inServer } from './support/mail-fixture'
import { loadConnection } from './support/vps'
import { connectedVpsServices, type VpsServices } from './support/vps-services'

// Pushes of Dovecot's sql driver file (passdb/userdb args) through the real pipeline: doveconf never
// reads it, so the push reads it as Dovecot's auth does, connects and runs its queries with the
// server's mysql client before installing, and asks the running auth (doveadm user / auth lookup)
// after. Holds the mail-config lock; the file is put back byte-identical.
const SQL = '/etc/dovecot/dovecot-sql.conf.ext'
const DOVECOT = '/etc/dovecot/dovecot.conf'
const ROOTS = ['/etc/postfix', '/etc/dovecot']
const execFileP = promisify(execFile)

let vps: VpsServices
let id: string
let installer: ConfigInstaller
let hold: MailConfigHold | undefined
const runStart = pushRunStart()

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const original = () => (hold as MailConfigHold).original(SQL).toString('utf8')
const sqlFile = (content: string): InstallFile => ({ path: SQL, content: Buffer.from(content), owner: 'dovecot', kind: 'dovecot-sql', expectedSha256: sha(readFileSync(SQL)) })
/** The original file with one setting's line replaced (or a line added). */
const withLine = (key: string, line: string) => {
  const lines = original().split('\n')
  const i = lines.findIndex((l) => l.startsWith(`${key} =`))
  if (i < 0) return original() + line + '\n'
  lines[i] = line
  return lines.join('\n')
}
const lineOf = (key: string) => original().split('\n').find((l) => l.startsWith(`${key} =`)) ?? ''
const leftovers = () => (existsSync(STAGE_BASE) ? readdirSync(STAGE_BASE) : [])
const aliceLogsIn = async () => (await imapLogin(loadConnection().host, 'alice@example.test', 'Secret123!')).ok

beforeAll(async () => {
  hold = await holdMailConfig({ files: [SQL, DOVECOT], roots: ROOTS })
  vps = await connectedVpsServices()
  id = vps.profile.id
  installer = new ConfigInstaller({ connections: vps.services.connections, configBackups: vps.services.configBackups, journal: vps.services.journal, actor: 'tester@it' })
}, 900_000)

afterAll(async () => {
  if (!hold) return
  try {
    if (hold.restoreFiles().length) await inServer(['sh', '-c', 'doveadm reload || service dovecot start'])
    await inServer(['sh', '-c', 'doveadm who >/dev/null 2>&1 || service dovecot start </dev/null >/dev/null 2>&1; exit 0'])
    expect(hold.changes()).toEqual([])
  } finally {
    removePushRecordsSince(runStart)
    hold.release()
  }
}, 120_000)

describe('a sql driver file the auth process would fail on is refused at validate, nothing installed', () => {
  const refused = async (content: string): Promise<InstallOutcome> => {
    const before = treeHashes(...ROOTS)
    const o = await installer.install(id, { files: [sqlFile(content)], validateOnly: false })
    expect(o).toMatchObject({ ok: false, step: 'validate', installed: [], restored: false })
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(readFileSync(SQL).equals((hold as MailConfigHold).original(SQL))).toBe(true)
    expect(leftovers()).toEqual([])
    return o
  }

  it("a password_query naming a column the table lacks: MySQL's own error, for a real user", async () => {
    const o = await refused(withLine('password_query', lineOf('password_query').replace('password FROM', 'passwordx FROM')))
    const v = o.verdicts.find((x) => x.tool === 'mysql' && !x.ok)
    expect(v?.command).toMatch(/password_query \(line \d+\) for alice@example\.test$/)
    expect(v?.output).toMatch(/ERROR 1054 \(42S22\).*Unknown column 'passwordx'/)
    expect(o.reason).toMatch(/Nothing was installed.*Unknown column 'passwordx'/s)
    // the connection itself was fine
    expect(o.verdicts.find((x) => x.command.includes('< SELECT 1'))).toMatchObject({ ok: true })
  })

  it('a wrong password in connect: Access denied; the password is in no verdict, journal entry or server argv', async () => {
    const wrong = `Wrong-${randomBytes(6).toString('hex')}`
    const real = /password=(\S+)/.exec(lineOf('connect'))?.[1] ?? ''
    expect(real.length).toBeGreaterThan(8)
    // watch every process's argv on the server while the push runs (the test server shares this machine's processes)
    let watching = true
    const seen: string[] = []
    const watcher = (async () => {
      while (watching) {
        const { stdout } = await execFileP('ps', ['-eo', 'args'])
        seen.push(...stdout.split('\n').filter((l) => l.includes(wrong) || l.includes(real)))
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    let o: InstallOutcome
    try {
      o = await refused(withLine('connect', lineOf('connect').replace(`password=${real}`, `password=${wrong}`)))
    } finally {
      watching = false
      await watcher
    }
    const v = o.verdicts.find((x) => x.tool === 'mysql' && !x.ok)
    expect(v?.output).toMatch(/ERROR 1045 \(28000\): Access denied for user 'postfix'@'localhost' \(using password: YES\)/)
    expect(o.reason).toMatch(/Access denied/)
    const text = JSON.stringify(o)
    expect(text).not.toContain(wrong)
    expect(text).not.toContain(real)
    const journal = JSON.stringify(await vps.services.journal.list({ server: id, limit: 20 }))
    expect(journal).toContain('dovecot-sql.conf.ext')
    expect(journal).not.toContain(wrong)
    expect(seen).toEqual([])
  })

  it('an unknown key: refused in the words Dovecot would log', async () => {
    const o = await refused(original() + 'pasword_query = SELECT 1\n')
    const v = o.verdicts.find((x) => x.tool === 'dovecot-sql')
    expect(v).toMatchObject({ ok: false })
    expect(v?.output).toMatch(/Error in configuration file \/etc\/dovecot\/dovecot-sql\.conf\.ext line \d+: Unknown setting: pasword_query/)
    // nothing was run against the database for a file Dovecot would not even load
    expect(o.verdicts.some((x) => x.tool === 'mysql')).toBe(false)
  })

  it('a user_query with an unknown %-variable, and a non-SELECT, are refused', async () => {
    const o = await refused(withLine('user_query', lineOf('user_query').replace("'%u'", "'%q'")))
    expect(o.verdicts.find((x) => x.tool === 'mysql' && !x.ok)?.output).toMatch(/Failed to expand user_query=.*Unknown variable '%q'/)
    const o2 = await refused(withLine('iterate_query', 'iterate_query = DELETE FROM mailbox WHERE 0'))
    expect(o2.verdicts.find((x) => x.tool === 'mysql' && !x.ok)?.output).toMatch(/iterate_query does not start with SELECT \(DELETE\)/)
  })

  it('a user_query that no longer returns a uid, with mail_uid unset on the server: refused as Dovecot would fail the login', async () => {
    expect((await inServer(['doveconf', '-h', 'mail_uid'])).stdout.trim()).toBe('')
    const o = await refused(withLine('user_query', lineOf('user_query').replace(' 10000 AS uid,', '')))
    expect(o.verdicts.find((x) => x.tool === 'mysql' && !x.ok)?.output).toMatch(/^Error: User is missing UID \(see mail_uid setting\).*alice@example\.test/)
  })

  it('logins and mail still work after the refused pushes', async () => {
    expect(await aliceLogsIn()).toBe(true)
    await expectMailFlows('push-sql')
  })
})

describe('a good sql driver file is installed and verified through the running auth', () => {
  it('an equivalent password_query (reformatted over continued lines, with a comment) is installed; logins still work', async () => {
    const pq = lineOf('password_query').replace(/^password_query = /, '')
    const next = withLine('password_query', `# reformatted by the push test\npassword_query = ${pq.replace(' FROM ', ' \\\n    FROM ').replace(' WHERE ', ' \\\n    WHERE ')}`)
    const o = await installer.install(id, { files: [sqlFile(next)], validateOnly: false })
    expect(o, JSON.stringify(o)).toMatchObject({ ok: true, step: 'done', installed: [expect.objectContaining({ path: SQL })], reloaded: ['dovecot'], restored: false })
    expect(o.verdicts.filter((v) => v.tool === 'mysql').map((v) => [v.ok, v.output])).toEqual([
      [true, 'connected to postfix as postfix'],
      [true, 'columns: user, password; 1 row for alice@example.test'],
      [true, expect.stringMatching(/^columns: home, uid, gid, quota_rule; 1 row for alice@example\.test$/)],
      [true, expect.stringMatching(/^columns: user; \d+ rows? for alice@example\.test$/)],
    ])
    try {
      expect(readFileSync(SQL, 'utf8')).toBe(next)
      expect(await aliceLogsIn()).toBe(true)
      expect(await doveadmAuth('alice@example.test', 'Secret123!')).toBe(true)
      await expectMailFlows('push-sql-good')
    } finally {
      // back to the original through the same pipeline
      const back = await installer.install(id, { files: [sqlFile(original())], validateOnly: false })
      expect(back, JSON.stringify(back)).toMatchObject({ ok: true, step: 'done' })
    }
    expect(readFileSync(SQL).equals((hold as MailConfigHold).original(SQL))).toBe(true)
  })

  it('a user_query that runs but gives a uid Dovecot cannot use passes the pre-check, fails doveadm user after the reload, and is undone', async () => {
    const bad = withLine('user_query', lineOf('user_query').replace('10000 AS uid', "'postdesk-no-such-user' AS uid"))
    expect(bad).not.toBe(original())
    const o = await installer.install(id, { files: [sqlFile(bad)], validateOnly: false })
    expect(o.verdicts.every((v) => v.ok), JSON.stringify(o.verdicts)).toBe(true)
    expect(o, JSON.stringify(o)).toMatchObject({ ok: false, step: 'verify', restored: true })
    expect(o.reason).toMatch(/Dovecot cannot look up alice@example\.test with the new files \(doveadm user \/ doveadm auth lookup\)/)
    expect(readFileSync(SQL).equals((hold as MailConfigHold).original(SQL))).toBe(true)
    expect(await aliceLogsIn()).toBe(true)
    await expectMailFlows('push-sql-undone')
  })

  it('a dovecot.conf change doveconf accepts but that makes the lookups miss (auth_username_format = %Ln drops the domain) is undone after the reload', async () => {
    const conf = (hold as MailConfigHold).original(DOVECOT).toString('utf8') + '\nauth_username_format = %Ln\n'
    const f: InstallFile = { path: DOVECOT, content: Buffer.from(conf), owner: 'dovecot', kind: 'dovecot', expectedSha256: sha(readFileSync(DOVECOT)) }
    const o = await installer.install(id, { files: [f], validateOnly: false })
    expect(o.verdicts.find((v) => v.tool === 'doveconf')).toMatchObject({ ok: true })
    expect(o, JSON.stringify(o)).toMatchObject({ ok: false, step: 'verify', restored: true })
    // no sql file in the push: the user is the first one Dovecot's own iterate lists
    expect(o.reason).toMatch(/Dovecot cannot look up \S+@\S+ with the new files/)
    expect(readFileSync(DOVECOT).equals((hold as MailConfigHold).original(DOVECOT))).toBe(true)
    expect(await aliceLogsIn()).toBe(true)
  })
})
