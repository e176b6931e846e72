import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseMainCf } from '../../shared/config/postfix/main-cf-parser'
import { findMapReferences } from '../../shared/config/postfix/map-references'
import { SnapshotStore } from '../../electron/services/config/workspace/snapshot-store'
import { CONFLICT_MARKERS } from '../../shared/domain/config-workspace'
import { runPostdesk } from '../unit/support/run-postdesk'
import { expectMailFlows, holdMailConfig, type MailConfigHold } from './support/mail-config-hold'
import { inServer } from './support/mail-fixture'
import { killPids, sshdPidsOf } from './support/vps-admin'
import { connectedVpsServices, type VpsServices } from './support/vps-services'

// The configs workspace against the shared test server: pull (discovery, modes, catalogues, masked
// secrets), offline edits, three-way compare with a change made on the server, a push and a rollback
// through the CLI. Holds the mail-config lock; afterAll puts every file back byte for byte.
const MAIN = '/etc/postfix/main.cf'
const DOVECOT_SQL = '/etc/dovecot/dovecot-sql.conf.ext'
const MASTER = '/etc/postfix/master.cf'
const ROOTS = ['/etc/postfix', '/etc/dovecot', '/etc/aliases', '/etc/postfixadmin']

let vps: VpsServices
let id: string
let hold: MailConfigHold | undefined
const originalBytes = (p: string) => (hold as MailConfigHold).original(p)
const original = (p: string) => originalBytes(p).toString('utf8')
const dbPassword = () => vps.conn.db.password

/** Every file under the data dir whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = []
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const q = join(p, e.name)
      if (e.isDirectory()) walk(q)
      else if (e.isFile() && readFileSync(q).includes(needle)) out.push(q)
    }
  }
  walk(dir)
  return out
}

const mailFlows = () => expectMailFlows('ws')

beforeAll(async () => {
  hold = await holdMailConfig({ files: [MAIN, MASTER], roots: ROOTS })
  vps = await connectedVpsServices()
  id = vps.profile.id
}, 900_000)

afterAll(async () => {
  if (!hold) return
  try {
    if (hold.restoreFiles().length) await inServer(['sh', '-c', 'postfix reload || service postfix start </dev/null >/dev/null 2>&1'])
    await inServer(['sh', '-c', 'postfix status >/dev/null 2>&1 || service postfix start </dev/null >/dev/null 2>&1; doveadm who >/dev/null 2>&1 || service dovecot start </dev/null >/dev/null 2>&1; exit 0'])
    expect(hold.changes()).toEqual([])
  } finally {
    hold.release()
  }
}, 300_000)

describe('configs workspace against the test server', () => {
  it('pulls main.cf, master.cf, the mysql maps, dovecot.conf with its includes and sql file, config.local.php, with owner and mode; server catalogues; no secret in plain text', async () => {
    const t0 = Date.now()
    const st = await vps.services.configs.pull(id)
    console.info(`config pull: ${st.files.length} files in ${Date.now() - t0} ms`)
    const paths = st.files.map((f) => f.path)
    const mapsOfMain = parseMainCf(original(MAIN)).entries.flatMap((e) => findMapReferences(e.value)).filter((r) => r.type === 'mysql').map((r) => r.name)
    expect(mapsOfMain.length).toBeGreaterThanOrEqual(5)
    for (const p of [MAIN, '/etc/postfix/master.cf', ...mapsOfMain, '/etc/aliases', '/etc/dovecot/dovecot.conf', '/etc/dovecot/conf.d/10-auth.conf', '/etc/dovecot/conf.d/10-master.conf', '/etc/dovecot/conf.d/auth-sql.conf.ext', DOVECOT_SQL, '/etc/postfixadmin/config.local.php'])
      expect(paths, p).toContain(p)
    // A file nothing refers to is not pulled (the server has more mysql_*.cf than main.cf uses).
    expect(paths).not.toContain('/etc/postfix/main.cf.proto')
    for (const f of st.files) {
      const s = statSync(f.path)
      expect(f.mode, f.path).toBe((s.mode & 0o7777).toString(8).padStart(4, '0'))
      expect(f.state).toBe('unchanged')
    }
    const byPath = new Map(st.files.map((f) => [f.path, f]))
    expect(byPath.get(DOVECOT_SQL)).toMatchObject({ kind: 'dovecot-sql', owner: 'dovecot', mode: '0640', user: 'root', group: 'dovecot', hasSecrets: true })
    expect(byPath.get(mapsOfMain[0] as string)).toMatchObject({ kind: 'postfix-db-map', mapType: 'mysql', owner: 'postfix', group: 'postfix', hasSecrets: true })
    expect(byPath.get('/etc/postfixadmin/config.local.php')).toMatchObject({ kind: 'postfixadmin-php', owner: 'postfixadmin', group: 'www-data', hasSecrets: true })
    expect(byPath.get('/etc/aliases')).toMatchObject({ kind: 'aliases', mapType: 'hash', owner: 'aliases' })
    expect(byPath.get(MAIN)).toMatchObject({ kind: 'postfix-main', hasSecrets: false })

    expect(st.catalogues).toBe('server')
    expect(st.postfixVersion).toBe((await inServer(['postconf', '-h', 'mail_version'])).stdout.trim())
    expect(st.dovecotVersion).toBe((await inServer(['dovecot', '--version'])).stdout.trim().split(' ')[0])
    const cat = await vps.services.configs.catalogues(id)
    expect(cat.source).toBe('server')
    expect(cat.postfixValues['virtual_transport']).toBe('lmtp:unix:private/dovecot-lmtp')
    expect(cat.postfixDefaults['message_size_limit']).toBe('10240000')
    expect(cat.dovecotDefaults).toHaveProperty('mail_location')

    // Secrets: placeholders in the files, values in the encrypted store, nowhere else under the data dir.
    const sql = await vps.services.configs.read(id, DOVECOT_SQL)
    expect(sql.text).toContain('password={{postdesk-secret:etc/dovecot/dovecot-sql.conf.ext:connect-password}}')
    expect(await vps.services.secrets.get(`${id}/config/etc/dovecot/dovecot-sql.conf.ext:connect-password`, 'password')).toBe(dbPassword())
    expect(filesContaining(vps.dataDir, dbPassword())).toEqual([])

    const lint = await vps.services.configs.lint(id)
    expect(lint.findings.filter((f) => f.severity === 'error')).toEqual([])
    const history = await vps.services.configs.history(id)
    expect(history[0]).toMatchObject({ kind: 'pull', fileCount: st.files.length, author: expect.stringContaining('root@') })
  })

  it('works offline: status counts local changes, a secret typed in place of its placeholder goes to the secret store, revert restores both', async () => {
    await vps.services.connections.disconnect(id)
    const map = (await vps.services.configs.status(id)).files.find((f) => f.kind === 'postfix-db-map')?.path as string
    await vps.services.configs.save(id, MAIN, original(MAIN) + '# edited offline\n')
    const c = await vps.services.configs.read(id, map)
    const typed = `Typed-${randomBytes(6).toString('hex')}`
    const name = `${map.slice(1)}:password`
    const saved = await vps.services.configs.save(id, map, c.text.replace(`{{postdesk-secret:${name}}}`, typed))
    expect(saved).toMatchObject({ hasSecrets: true })
    expect((await vps.services.configs.read(id, map)).text).toBe(c.text)
    expect(await vps.services.secrets.get(`${id}/config/${name}`, 'password')).toBe(typed)
    expect(filesContaining(vps.dataDir, typed)).toEqual([])
    expect(filesContaining(vps.dataDir, dbPassword())).toEqual([])
    const st = await vps.services.configs.status(id)
    expect(st.changed).toBe(1)
    expect(st.files.find((f) => f.path === MAIN)?.state).toBe('modified')
    expect(vps.services.connections.status(id).state).not.toBe('connected')

    await vps.services.configs.revert(id, map)
    await vps.services.configs.revert(id, MAIN)
    expect(await vps.services.secrets.get(`${id}/config/${name}`, 'password')).toBe(dbPassword())
    expect((await vps.services.configs.status(id)).changed).toBe(0)
    await vps.services.connections.connect(id)
  })

  it('compare merges a server change and a local edit to other lines (clean); the merged file is based on the server version', async () => {
    await vps.services.configs.pull(id)
    const local = original(MAIN).replace('append_dot_mydomain = no\n', 'append_dot_mydomain = no\n# local edit\n')
    const server = original(MAIN).replace('readme_directory = no\n', 'readme_directory = no\n# server edit\n')
    expect(local).not.toBe(original(MAIN))
    expect(server).not.toBe(original(MAIN))
    await vps.services.configs.save(id, MAIN, local)
    writeFileSync(MAIN, server)
    try {
      const cmp = await vps.services.configs.compare(id)
      expect(cmp.files.find((f) => f.path === MAIN)).toEqual({ path: MAIN, remoteChange: 'clean', localChanged: true, conflicts: 0 })
      expect(cmp.files.filter((f) => f.remoteChange !== 'none')).toHaveLength(1)
      const c = await vps.services.configs.read(id, MAIN)
      expect(c.text).toBe(server.replace('append_dot_mydomain = no\n', 'append_dot_mydomain = no\n# local edit\n'))
      expect(c.base).toBe(server)
      expect(c.remote).toBe(server)
      expect(c.file.state).toBe('modified')
    } finally {
      writeFileSync(MAIN, originalBytes(MAIN))
      await vps.services.configs.revert(id, MAIN)
    }
  })

  it('marks a conflicting server change in the file, refuses to push while it is there, and sends nothing', async () => {
    await vps.services.configs.pull(id)
    const local = original(MAIN).replace(/^smtpd_banner = .*$/m, 'smtpd_banner = $myhostname ESMTP local')
    const server = original(MAIN).replace(/^smtpd_banner = .*$/m, 'smtpd_banner = $myhostname ESMTP server')
    await vps.services.configs.save(id, MAIN, local)
    writeFileSync(MAIN, server)
    try {
      const cmp = await vps.services.configs.compare(id)
      expect(cmp.files.find((f) => f.path === MAIN)).toMatchObject({ remoteChange: 'conflict', conflicts: 1 })
      const st = await vps.services.configs.status(id)
      expect(st.conflicts).toBe(1)
      const c = await vps.services.configs.read(id, MAIN)
      expect(c.file.state).toBe('conflict')
      expect(c.text).toContain(`${CONFLICT_MARKERS.local}\nsmtpd_banner = $myhostname ESMTP local\n${CONFLICT_MARKERS.separator}\nsmtpd_banner = $myhostname ESMTP server\n${CONFLICT_MARKERS.remote}\n`)

      const r = await vps.services.configs.push(id)
      expect(r).toMatchObject({ ok: false, step: 'compare', installed: [], snapshot: null })
      expect(r.reason).toMatch(/conflict/)
      expect(readFileSync(MAIN, 'utf8')).toBe(server)

      // Resolved by keeping the server's line: nothing left to push.
      const resolved = await vps.services.configs.save(id, MAIN, server)
      expect(resolved.state).toBe('unchanged')
    } finally {
      writeFileSync(MAIN, originalBytes(MAIN))
      await vps.services.configs.revert(id, MAIN).catch(() => undefined)
    }
  })

  it('pushes message_size_limit (installed, postconf -n shows it, mail flows), then `postdesk config rollback` puts main.cf back byte for byte', async () => {
    await vps.services.configs.pull(id)
    await vps.services.configs.save(id, MAIN, original(MAIN) + 'message_size_limit = 20480000\n')
    const r = await vps.services.configs.push(id, { message: 'bigger messages' })
    expect(r, r.reason ?? '').toMatchObject({ ok: true, step: 'done', validateOnly: false })
    expect(r.installed.map((i) => i.path)).toEqual([MAIN])
    expect(r.snapshot).toMatch(/-push-/)
    expect((await inServer(['postconf', '-n'])).stdout).toContain('message_size_limit = 20480000\n')
    expect(readFileSync(MAIN, 'utf8')).toBe(original(MAIN) + 'message_size_limit = 20480000\n')
    expect(statSync(MAIN).mode & 0o7777).toBe(0o644)
    await mailFlows()
    const st = await vps.services.configs.status(id)
    expect(st).toMatchObject({ changed: 0, baseSnapshot: r.snapshot })
    const journal = await vps.services.journal.list({ server: id })
    expect(journal.find((e) => e.area === 'configs' && e.action === 'push')).toMatchObject({ result: 'ok', target: expect.stringContaining(MAIN) })

    // The CLI over the same data dir: rollback = restore the previous snapshot + push it.
    const rb = await runPostdesk(vps.dataDir, ['config', 'rollback', vps.profile.name, '--json'], { timeoutMs: 240_000 })
    expect(rb.code, rb.stderr + rb.stdout).toBe(0)
    expect(JSON.parse(rb.stdout)).toMatchObject({ ok: true, step: 'done', installed: [{ path: MAIN }] })
    expect(readFileSync(MAIN).equals(originalBytes(MAIN))).toBe(true)
    expect((await inServer(['postconf', '-n'])).stdout).not.toContain('message_size_limit')
    const history = await vps.services.configs.history(id)
    expect(history.slice(0, 2).map((h) => h.kind)).toEqual(['rollback', 'push'])
    expect(history[0]?.changed).toEqual([MAIN])
    await mailFlows()

    const status = await runPostdesk(vps.dataDir, ['config', 'status', vps.profile.name])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toMatch(/^0 files changed since pull/)
  })

  it('a push cut off by a dropped link: the next connection asks the server how it ended; status and journal say old or new, and a completed push becomes the base', async () => {
    await vps.services.configs.pull(id)
    const marker = `# postdesk workspace link-cut ${randomBytes(3).toString('hex')}`
    const next = original(MAIN) + `${marker}\nmessage_size_limit = 21000000\n`
    await vps.services.configs.save(id, MAIN, next)
    const pids = await sshdPidsOf(vps.services, id)
    // Cut the link as soon as the installer starts backing up (the install then runs detached on the server).
    let cut = false
    const events = vps.events
    const push = events.push.bind(events)
    events.push = (...items) => {
      for (const e of items) {
        if (!cut && e.name === 'config.progress' && (e.payload as { step: string }).step === 'backup') {
          cut = true
          setTimeout(() => killPids(pids), 20)
        }
      }
      return push(...items)
    }
    try {
      const result = await vps.services.configs.push(id, { message: 'cut' }).catch((e: unknown) => e)
      expect(cut).toBe(true)
      if (result instanceof Error) expect((await vps.services.configs.status(id)).pushInterrupted).toBe(true)
      let state: 'old' | 'new'
      let st = await vps.services.configs.status(id)
      if (result instanceof Error) {
        // The installer could not follow the push: the connection comes back by itself and its 'connected'
        // event makes the workspace ask the server. Wait for a final answer.
        expect(result.message).toMatch(/finishes it on its own|could not be reached|reconnect/)
        for (let i = 0; i < 240 && (st.pushInterrupted || !st.lastPush || st.lastPush.state === 'running'); i++) {
          await new Promise((r) => setTimeout(r, 500))
          if (i % 10 === 9 && vps.services.connections.status(id).state === 'connected') await vps.services.configs.checkLastPush(id).catch(() => null)
          st = await vps.services.configs.status(id)
        }
        expect(st.lastPush?.state).toMatch(/^(old|new)$/)
        state = st.lastPush?.state as 'old' | 'new'
        const j = await vps.services.journal.list({ server: id })
        expect(j.find((e) => e.area === 'configs' && /link dropped/.test(e.target))).toMatchObject({ result: state === 'new' ? 'ok' : 'failed' })
      } else {
        // The installer followed the push to its end over a new connection: its result is the outcome.
        const r = result as { ok: boolean; reason: string | null }
        console.info(`push after the cut: ok=${r.ok} ${r.reason ?? ''}`)
        state = r.ok ? 'new' : 'old'
      }
      expect(st.pushInterrupted).toBeUndefined()
      const onServer = readFileSync(MAIN, 'utf8')
      if (state === 'new') {
        expect(onServer).toBe(next)
        expect(st.files.find((f) => f.path === MAIN)?.state).toBe('unchanged')
      } else {
        expect(onServer).toBe(original(MAIN))
        expect(st.files.find((f) => f.path === MAIN)?.state).toBe('modified')
      }
    } finally {
      events.push = push
      if (!readFileSync(MAIN).equals(originalBytes(MAIN))) {
        writeFileSync(MAIN, originalBytes(MAIN))
        await inServer(['postfix', 'reload'])
      }
      await vps.services.configs.revert(id, MAIN).catch(() => undefined)
    }
    await mailFlows()
  }, 240_000)

  it('a push left in flight (the app stopped mid-push) is settled by the next connection: the server record goes to status.lastPush and the journal', async () => {
    await vps.services.configs.pull(id)
    const store = new SnapshotStore(vps.dataDir, id)
    const st0 = (await store.readState()) as NonNullable<Awaited<ReturnType<SnapshotStore['readState']>>>
    await store.writeState({ ...st0, pushInFlight: { startedAt: new Date(Date.now() - 60_000).toISOString(), kind: 'push', paths: [MAIN], message: 'interrupted' } })
    expect((await vps.services.configs.status(id)).pushInterrupted).toBe(true)
    await vps.services.connections.reconnect(id)
    let st = await vps.services.configs.status(id)
    for (let i = 0; i < 60 && st.pushInterrupted; i++) {
      await new Promise((r) => setTimeout(r, 500))
      st = await vps.services.configs.status(id)
    }
    expect(st.pushInterrupted).toBeUndefined()
    expect(st.lastPush).toMatchObject({ state: expect.stringMatching(/^(old|new)$/), id: expect.any(String) })
    const j = await vps.services.journal.list({ server: id })
    expect(j.find((e) => e.area === 'configs' && /link dropped/.test(e.target))).toMatchObject({ result: st.lastPush?.state === 'new' ? 'ok' : 'failed' })
  })

  it('a local lint error blocks the push (nothing sent, journal unchanged); validate-only still asks the server, which rejects it too', async () => {
    await vps.services.configs.pull(id)
    const broken = original(MASTER) + 'postdesk-bad unix  -       -       y       -       pipe\n'
    await vps.services.configs.save(id, MASTER, broken)
    const journalBefore = (await vps.services.journal.list({ server: id })).length
    try {
      const r = await vps.services.configs.push(id)
      expect(r).toMatchObject({ ok: false, step: 'validate', installed: [], snapshot: null, verdicts: [{ tool: 'postdesk lint', ok: false }] })
      expect(r.verdicts[0]?.output).toMatch(/master\.cf:\d+:1: error: .*8 fields/)
      expect(readFileSync(MASTER).equals(originalBytes(MASTER))).toBe(true)
      expect((await vps.services.journal.list({ server: id })).length).toBe(journalBefore)

      const v = await vps.services.configs.push(id, { validateOnly: true })
      expect(v).toMatchObject({ ok: false, validateOnly: true, installed: [], snapshot: null })
      expect(v.verdicts.map((x) => x.tool)).toContain('postdesk lint')
      expect(v.verdicts.filter((x) => x.tool !== 'postdesk lint').some((x) => !x.ok)).toBe(true)
      expect(readFileSync(MASTER).equals(originalBytes(MASTER))).toBe(true)
      expect((await vps.services.configs.status(id)).files.find((f) => f.path === MASTER)?.state).toBe('modified')
    } finally {
      await vps.services.configs.revert(id, MASTER)
    }
  })
})
