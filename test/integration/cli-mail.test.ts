// `postdesk domain|mailbox|alias|aliasdomain …` through the real bin: the real SSH layer, the DB tunnel,
// the server's own php for PostfixAdmin's settings; judged by postfixadmin-cli and doveadm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPostdesk } from '../unit/support/run-postdesk'
import { doveadmAuth, dumpTables, pfaView, TunnelDatabase, uniqueDomain } from './support/mail-fixture'
import { loadConnection } from './support/vps'
import { tempDataDir } from './support/vps-services'

const conn = loadConnection()
let home: string
let db: TunnelDatabase
const d = uniqueDomain()
const run = (args: string[], input?: string) => runPostdesk(home, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) })

beforeAll(async () => {
  home = tempDataDir()
  const added = await run(['server', 'add', 'vps', '--host', conn.host, '--port', String(conn.port), '--user', conn.user, '--key', conn.keyPath, '--accept-host-key', conn.hostKeySha256])
  expect(added.code, added.stderr).toBe(0)
  db = await TunnelDatabase.open(conn)
})

afterAll(async () => {
  await run(['domain', 'delete', 'vps', d, '--yes'])
  await db.query('DELETE FROM log WHERE domain = ?', [d])
  await db.close()
})

describe('postdesk mail commands', () => {
  it('domain add/list/edit, mailbox add (password on stdin), alias add, --json; postfixadmin-cli and doveadm agree', async () => {
    const add = await run(['domain', 'add', 'vps', d, '--description', 'from the CLI', '--mailboxes', '5', '--json'])
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    expect(JSON.parse(add.stdout)).toMatchObject({ domain: d, description: 'from the CLI', mailboxes: 5 })
    expect((await pfaView('domain', d))?.Mailboxes).toBe('0 / 5')

    const list = await run(['domain', 'list', 'vps', '--search', d])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^${d.replace(/\./g, '\\.')}\\s+0 / 5`, 'm'))

    const mb = await run(['mailbox', 'add', 'vps', `cli@${d}`, '--name', 'CLI user', '--json'], 'CliStdin123\n')
    expect(mb.stderr).toBe('')
    expect(JSON.parse(mb.stdout)).toMatchObject({ username: `cli@${d}`, name: 'CLI user', maildir: `${d}/cli/` })
    expect(await doveadmAuth(`cli@${d}`, 'CliStdin123')).toBe(true)
    expect((await pfaView('mailbox', `cli@${d}`))?.Name).toBe('CLI user')

    const pw = await run(['mailbox', 'passwd', 'vps', `cli@${d}`], 'Changed4567\n')
    expect(pw.code, pw.stderr).toBe(0)
    expect(await doveadmAuth(`cli@${d}`, 'Changed4567')).toBe(true)

    const al = await run(['alias', 'add', 'vps', `team@${d}`, '--goto', `cli@${d},boss@example.net`])
    expect(al.code, al.stderr).toBe(0)
    expect((await pfaView('alias', `team@${d}`))?.To).toBe(`cli@${d}, boss@example.net`)

    const mbs = JSON.parse((await run(['mailbox', 'list', 'vps', '--domain', d, '--json'])).stdout)
    expect(mbs).toMatchObject({ total: 1, rows: [{ username: `cli@${d}` }] })
  })

  it('errors are one line on stderr, exit 1, and change nothing; a delete without --yes on a pipe is refused', async () => {
    const before = await dumpTables(db)
    const bad = await run(['mailbox', 'add', 'vps', `bad addr@${d}`], 'Whatever123\n')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1)
    const empty = await run(['mailbox', 'add', 'vps', `nopw@${d}`], '')
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/No password given/)
    const del = await run(['domain', 'delete', 'vps', d])
    expect(del.code).toBe(1)
    expect(del.stderr).toMatch(/--yes/)
    expect(await dumpTables(db)).toBe(before)
  })

  it('import mailboxes FILE|- [--dry-run] and export mailboxes', { timeout: 180_000 }, async () => {
    const csv = `address,name,password\nimp1@${d},Imported One,Import123pw\nimp2@${d},"Two, Imported",Import456pw\n`
    const dry = await run(['import', 'mailboxes', 'vps', '-', '--dry-run'], csv)
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/All 2 rows are good/)
    expect(await pfaView('mailbox', `imp1@${d}`)).toBeUndefined()
    const bad = await run(['import', 'mailboxes', 'vps', '-', '--json'], `${csv}bad@@${d},X,Import789pw\n`)
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout)).toMatchObject({ created: 0, verdicts: [{ ok: true }, { ok: true }, { ok: false, line: 4 }] })
    const real = await run(['import', 'mailboxes', 'vps', '-'], csv)
    expect(real.code, real.stderr).toBe(0)
    expect(real.stdout).toMatch(/Imported 2 mailboxes/)
    expect(await doveadmAuth(`imp2@${d}`, 'Import456pw')).toBe(true)
    const exp = await run(['export', 'mailboxes', 'vps', '--domain', d])
    expect(exp.code, exp.stderr).toBe(0)
    expect(exp.stdout).toContain(`imp2@${d},"Two, Imported",`)
  })
})
