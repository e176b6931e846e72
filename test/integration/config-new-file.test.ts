import { existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKUP_BASE, newPushId, PUSH_BASE, PUSH_ID_RE } from '../../electron/services/config/push/push-paths'
import { lockMailConfig } from './support/config-lock'
import { treeDiff, treeHashes } from './support/config-tree-hashes'
import { doveadmAuth, inServer } from './support/mail-fixture'
import type { VpsServices } from './support/vps-services'
import { vpsServices } from './support/vps-services'

// A push that creates a file the server no longer has: the workspace passes the owner, group and mode
// it knew from the pull, and the installer creates the file with them (not 0644 root:root). The file is
// Dovecot's SQL config (0640 root:dovecot, with the DB password masked in the workspace): the created
// file must carry the real password again and Dovecot must authenticate with it. Holds the mail-config
// lock; afterAll puts the file back byte for byte with its permissions.
const SQL = '/etc/dovecot/dovecot-sql.conf.ext'
const ROOTS = ['/etc/postfix', '/etc/dovecot']

let vps: VpsServices
let id: string
let release: () => void = () => undefined
let original: Buffer | undefined
let initialTree: Map<string, string> | undefined
const runStart = newPushId(new Date(Date.now() - 1000)).slice(0, 16)

beforeAll(async () => {
  release = await lockMailConfig()
  original = readFileSync(SQL)
  initialTree = treeHashes(...ROOTS)
  vps = await vpsServices({ name: 'new-file' })
  id = vps.profile.id
  await vps.services.connections.connect(id, { acceptFingerprint: vps.conn.hostKeySha256 })
}, 900_000)

afterAll(async () => {
  try {
    if (!original || !initialTree) return
    if (!existsSync(SQL) || !readFileSync(SQL).equals(original) || (statSync(SQL).mode & 0o7777) !== 0o640) {
      writeFileSync(SQL, original)
      await inServer(['sh', '-c', `chown root:dovecot ${SQL} && chmod 0640 ${SQL} && doveadm reload`])
    }
    expect(treeDiff(initialTree, treeHashes(...ROOTS))).toEqual([])
  } finally {
    for (const base of [PUSH_BASE, BACKUP_BASE])
      for (const name of existsSync(base) ? readdirSync(base) : []) if (PUSH_ID_RE.test(name) && name >= runStart) rmSync(`${base}/${name}`, { recursive: true, force: true })
    const last = `${PUSH_BASE}/last`
    if (existsSync(last) && !existsSync(`${PUSH_BASE}/${readFileSync(last, 'utf8').trim()}`)) rmSync(last, { force: true })
    release()
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
    expect(readFileSync(SQL, 'utf8')).toBe((original as Buffer).toString('utf8') + '# recreated by postdesk (integration test)\n')
    expect(await doveadmAuth('alice@example.test', 'Secret123!')).toBe(true)
    expect((await vps.services.configs.status(id)).files.find((f) => f.path === SQL)?.state).toBe('unchanged')
  }, 180_000)
})
