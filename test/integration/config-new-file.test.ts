import { readFileSync, statSync, unlinkSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdMailConfig, pushRunStart, removePushRecordsSince, type MailConfigHold } from './support/mail-config-hold'
import { doveadmAuth, inServer } from './support/mail-fixture'
import { connectedVpsServices, type VpsServices } from './support/vps-services'

// A push that creates a file the server no longer has: the workspace passes the owner, group and mode
// it knew from the pull, and the installer creates the file with them (not 0644 root:root). The file is
// Dovecot's SQL config (0640 root:dovecot, with the DB password masked in the workspace): the created
// file must carry the real password again and Dovecot must authenticate with it. Holds the mail-config
// lock; afterAll puts the file back byte for byte with its permissions.
const SQL = '/etc/dovecot/dovecot-sql.conf.ext'
const ROOTS = ['/etc/postfix', '/etc/dovecot']

let vps: VpsServices
let id: string
let hold: MailConfigHold | undefined
const runStart = pushRunStart()

beforeAll(async () => {
  hold = await holdMailConfig({ files: [SQL], roots: ROOTS })
  vps = await connectedVpsServices({ name: 'new-file' })
  id = vps.profile.id
}, 900_000)

afterAll(async () => {
  if (!hold) return
  try {
    if (hold.restoreFiles().length || (statSync(SQL).mode & 0o7777) !== 0o640) await inServer(['sh', '-c', `chown root:dovecot ${SQL} && chmod 0640 ${SQL} && doveadm reload`])
    expect(hold.changes()).toEqual([])
  } finally {
    removePushRecordsSince(runStart)
    hold.release()
  }
}, 120_000)

describe('a push that creates a file the server lost', () => {
  it('creates it with the owner, group and mode of the pull (0640 root:dovecot), the real password in it, and Dovecot authenticates', async () => {
    const st = await vps.services.configs.pull(id)
    expect(st.files.find((f) => f.path === SQL)).toMatchObject({ mode: '0640', user: 'root', group: 'dovecot', hasSecrets: true })
    const local = (await vps.services.configs.read(id, SQL)).text + '# recreated by postdesk (integration test)\n'
    await vps.services.configs.save(id, SQL, local)
    // Someone removes the file on the server after the pull (the running Dovecot keeps its config).
    unlinkSync(SQL)
    const cmp = await vps.services.configs.compare(id)
    expect(cmp.files.find((f) => f.path === SQL)).toMatchObject({ remoteChange: 'deleted', localChanged: true })

    const r = await vps.services.configs.push(id, { message: 'recreate the sql config' })
    expect(r, r.reason ?? '').toMatchObject({ ok: true, step: 'done', installed: [{ path: SQL, backup: null }] })
    expect(r.reloaded).toContain('dovecot')
    const s = statSync(SQL)
    expect((s.mode & 0o7777).toString(8)).toBe('640')
    expect(s.uid).toBe(0)
    expect((await inServer(['stat', '-c', '%U:%G', SQL])).stdout.trim()).toBe('root:dovecot')
    // The placeholder became the real password again: the file is the original plus the comment.
    expect(readFileSync(SQL, 'utf8')).toBe((hold as MailConfigHold).original(SQL).toString('utf8') + '# recreated by postdesk (integration test)\n')
    expect(await doveadmAuth('alice@example.test', 'Secret123!')).toBe(true)
    expect((await vps.services.configs.status(id)).files.find((f) => f.path === SQL)?.state).toBe('unchanged')
  }, 180_000)
})
