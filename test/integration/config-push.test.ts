import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigInstaller } from '../../electron/services/config/push/config-installer'
import type { InstallFile } from '../../electron/services/config/push/install-types'
import { BACKUP_BASE, PUSH_BASE, PUSH_ID_RE, STAGE_BASE } from '../../electron/services/config/push/push-paths'
import type { ConfigOwner } from '../../shared/domain/config-workspace'
import { treeDiff, treeHashes } from './support/config-tree-hashes'
import { expectMailFlows, holdMailConfig, pushRunStart, removePushRecordsSince, type MailConfigHold } from './support/mail-config-hold'
import { inServer, lockConfigLocal } from './support/mail-fixture'
import { killPids, sshdPidsOf } from './support/vps-admin'
import { connectedVpsServices, vpsServices, type VpsServices } from './support/vps-services'

// Pushes configs to the shared test server with the real pipeline (stage, server tools, detached
// install, reload, verify, restore). Holds the mail-config lock; afterAll puts every file back byte for
// byte and makes sure Postfix and Dovecot run and answer.
const MAIN = '/etc/postfix/main.cf'
const MASTER = '/etc/postfix/master.cf'
const DOVECOT = '/etc/dovecot/dovecot.conf'
const ROOTS = ['/etc/postfix', '/etc/dovecot', '/etc/aliases']

let vps: VpsServices
let id: string
let installer: ConfigInstaller
let hold: MailConfigHold | undefined
const runStart = pushRunStart()

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const serverFile = (path: string, content: string | Buffer, owner: ConfigOwner, kind: string, extra: Partial<InstallFile> = {}): InstallFile => ({
  path,
  content: Buffer.from(content),
  owner,
  kind,
  expectedSha256: existsSync(path) ? sha(readFileSync(path)) : null,
  ...extra,
})
const originalBytes = (p: string) => (hold as MailConfigHold).original(p)
const original = (p: string) => originalBytes(p).toString('utf8')
const changedSinceStart = () => (hold as MailConfigHold).changes()
const ourStages = () => (existsSync(STAGE_BASE) ? readdirSync(STAGE_BASE) : [])
const greets = async (port: number, start: string) => {
  const r = await inServer(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; IFS= read -r l <&3; echo "$l"`])
  return r.stdout.startsWith(start)
}
const mailFlows = () => expectMailFlows('push')

beforeAll(async () => {
  hold = await holdMailConfig({ files: [MAIN, MASTER, DOVECOT], roots: ROOTS })
  vps = await connectedVpsServices()
  id = vps.profile.id
  installer = new ConfigInstaller({ connections: vps.services.connections, configBackups: vps.services.configBackups, journal: vps.services.journal, actor: 'tester@it' })
}, 900_000)

afterAll(async () => {
  if (!hold) return
  try {
    // Whatever happened: the original bytes back (owner and mode are kept by writing in place), services up.
    if (hold.restoreFiles().length) {
      await inServer(['sh', '-c', 'postfix status >/dev/null 2>&1 && postfix reload || service postfix start; doveadm reload || service dovecot start'])
    }
    await inServer(['sh', '-c', 'postfix status >/dev/null 2>&1 || service postfix start </dev/null >/dev/null 2>&1; doveadm who >/dev/null 2>&1 || service dovecot start </dev/null >/dev/null 2>&1; exit 0'])
    expect(hold.changes()).toEqual([])
  } finally {
    removePushRecordsSince(runStart)
    hold.release()
  }
}, 120_000)

describe('config push: rejected by the server tools, nothing changed', () => {
  it('a main.cf with a syntax error is rejected by postconf with its own words', async () => {
    const before = treeHashes(...ROOTS)
    const o = await installer.install(id, { files: [serverFile(MAIN, original(MAIN) + '\nmessage_size_limit 20480000\n', 'postfix', 'postfix-main')], validateOnly: false })
    expect(o).toMatchObject({ ok: false, step: 'validate', installed: [], restored: false })
    const pc = o.verdicts.find((v) => v.tool === 'postconf' && v.command.includes(' -n'))
    expect(pc?.ok).toBe(false)
    expect(pc?.output).toMatch(/fatal: \/etc\/postfix\/main\.cf, line \d+: missing '=' after attribute name/)
    expect(o.reason).toMatch(/Nothing was installed.*missing '='.*Fix it/s)
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(ourStages()).toEqual([])
  })

  it('an unknown parameter is rejected (postconf: unused parameter); validateOnly says the same', async () => {
    const before = treeHashes(...ROOTS)
    const f = serverFile(MAIN, original(MAIN) + '\nmessage_size_limt = 20480000\n', 'postfix', 'postfix-main')
    for (const validateOnly of [true, false]) {
      const o = await installer.install(id, { files: [f], validateOnly })
      expect(o).toMatchObject({ ok: false, step: 'validate', validateOnly, installed: [] })
      const pc = o.verdicts.find((v) => v.tool === 'postconf' && !v.ok)
      expect(pc?.output).toContain('postconf: warning: /etc/postfix/main.cf: unused parameter: message_size_limt=20480000')
    }
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(ourStages()).toEqual([])
  })

  it('a dovecot.conf with a broken !include is rejected by doveconf', async () => {
    const before = treeHashes(...ROOTS)
    const o = await installer.install(id, { files: [serverFile(DOVECOT, original(DOVECOT) + '\n!include conf.d/no-such-file.conf\n', 'dovecot', 'dovecot')], validateOnly: false })
    expect(o).toMatchObject({ ok: false, step: 'validate', installed: [] })
    const dc = o.verdicts.find((v) => v.tool === 'doveconf')
    expect(dc).toMatchObject({ ok: false })
    expect(dc?.exitCode).not.toBe(0)
    expect(dc?.output).toMatch(/Fatal: Error in configuration file \/etc\/dovecot\/dovecot\.conf line \d+/)
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(ourStages()).toEqual([])
  })

  it('a file changed on the server since the compare is refused before anything is staged or validated', async () => {
    const before = treeHashes(...ROOTS)
    const f = { ...serverFile(MAIN, original(MAIN) + '\nmessage_size_limit = 30000000\n', 'postfix', 'postfix-main'), expectedSha256: sha('what the workspace saw') }
    const o = await installer.install(id, { files: [f], validateOnly: false })
    expect(o).toMatchObject({ ok: false, step: 'compare', verdicts: [], installed: [] })
    expect(o.reason).toMatch(/Nothing was changed: \/etc\/postfix\/main\.cf \(was edited\) changed on the server after the compare/)
    // a file that appeared since (expected absent)
    const o2 = await installer.install(id, { files: [{ ...f, expectedSha256: null }], validateOnly: false })
    expect(o2.reason).toMatch(/now exists/)
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(ourStages()).toEqual([])
  })

  it('mail still flows after the rejected pushes', mailFlows)
})

describe('config push: maps, Apache and PostfixAdmin files are checked by their own tools', () => {
  const MAP = '/etc/postfix/postdesk-it-access'
  const APACHE = '/etc/apache2/conf-available/postfixadmin.conf'
  const PHP = '/etc/postfixadmin/config.local.php'

  it('a hash map with a line missing its value is rejected by postmap; a CIDR map with a bad mask too; good ones pass', async () => {
    const before = treeHashes(...ROOTS)
    const bad = await installer.install(id, { files: [serverFile(MAP, '10.0.0.1 OK\njust-a-key\n', 'postfix', 'postfix-map', { mapType: 'hash' })], validateOnly: true })
    expect(bad.ok).toBe(false)
    expect(bad.verdicts.find((v) => v.tool === 'postmap' && !v.ok)?.output).toContain(`postmap: warning: ${MAP}, line 2: expected format: key whitespace value`)
    const cidr = await installer.install(id, { files: [serverFile(`${MAP}.cidr`, '10.0.0.0/33 REJECT\n', 'postfix', 'postfix-map', { mapType: 'cidr' })], validateOnly: true })
    expect(cidr.verdicts.find((v) => v.tool === 'postmap' && !v.ok)?.output).toMatch(/bad mask length/)
    const good = await installer.install(id, { files: [serverFile(MAP, '10.0.0.1 OK\n', 'postfix', 'postfix-map', { mapType: 'hash' }), serverFile(`${MAP}.cidr`, '10.0.0.0/8 REJECT\n', 'postfix', 'postfix-map', { mapType: 'cidr' })], validateOnly: true })
    expect(good, JSON.stringify(good.verdicts)).toMatchObject({ ok: true, validateOnly: true, step: 'validate', installed: [] })
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(ourStages()).toEqual([])
  })

  it('a new hash map is installed with the given mode and compiled by postmap (no backup: it did not exist)', async () => {
    try {
      const o = await installer.install(id, { files: [serverFile(MAP, '10.0.0.1 OK\n', 'postfix', 'postfix-map', { mapType: 'hash', mode: '0640', group: 'postfix' })], validateOnly: false })
      expect(o, o.reason ?? '').toMatchObject({ ok: true, installed: [{ path: MAP, backup: null }] })
      expect((statSync(MAP).mode & 0o777).toString(8)).toBe('640')
      expect(existsSync(`${MAP}.db`)).toBe(true)
      expect((await inServer(['postmap', '-q', '10.0.0.1', `hash:${MAP}`])).stdout.trim()).toBe('OK')
    } finally {
      for (const p of [MAP, `${MAP}.db`]) if (existsSync(p)) unlinkSync(p)
    }
  })

  it('an Apache file with a bad directive is rejected by apachectl -t on a staged copy of /etc/apache2; a good one passes', async () => {
    const bad = await installer.install(id, { files: [serverFile(APACHE, readFileSync(APACHE, 'utf8') + '\nRequireX all denied\n', 'apache', 'unknown')], validateOnly: true })
    const v = bad.verdicts.find((x) => x.tool === 'apachectl')
    expect(v).toMatchObject({ ok: false })
    expect(v?.output).toMatch(/Invalid command 'RequireX'/)
    expect(v?.output).toContain('/etc/apache2/conf-enabled/postfixadmin.conf')
    const good = await installer.install(id, { files: [serverFile(APACHE, readFileSync(APACHE, 'utf8') + '\n# checked by postdesk\n', 'apache', 'unknown')], validateOnly: true })
    expect(good.verdicts.find((x) => x.tool === 'apachectl')).toMatchObject({ ok: true, exitCode: 0 })
    expect(ourStages()).toEqual([])
  })

  it("PostfixAdmin's config.local.php with a PHP syntax error is rejected by php -l", async () => {
    const releasePhp = await lockConfigLocal()
    try {
      const bad = await installer.install(id, { files: [serverFile(PHP, readFileSync(PHP, 'utf8') + "\n$CONF['x' = 1;\n", 'postfixadmin', 'postfixadmin-php')], validateOnly: true })
      const v = bad.verdicts.find((x) => x.tool === 'php')
      expect(v).toMatchObject({ ok: false })
      expect(v?.output).toMatch(/Parse error/)
      expect(v?.output).toContain(PHP)
      const good = await installer.install(id, { files: [serverFile(PHP, readFileSync(PHP, 'utf8') + '\n// checked\n', 'postfixadmin', 'postfixadmin-php')], validateOnly: true })
      expect(good.verdicts.find((x) => x.tool === 'php')).toMatchObject({ ok: true })
    } finally {
      releasePhp()
    }
    expect(ourStages()).toEqual([])
  })
})

describe('config push: installed, reloaded, verified', () => {
  it('a valid message_size_limit is installed with a backup (old content, same owner and mode), Postfix reloaded, postconf shows it, mail flows; the old file goes back the same way', async () => {
    const stBefore = statSync(MAIN)
    const steps: string[] = []
    const value = String(20_000_000 + Math.floor(Math.random() * 1000))
    const o = await installer.install(id, { files: [serverFile(MAIN, original(MAIN) + `\nmessage_size_limit = ${value}\n`, 'postfix', 'postfix-main')], validateOnly: false, onProgress: (s) => steps.push(s) })
    expect(o, o.reason ?? '').toMatchObject({ ok: true, step: 'done', restored: false, reason: null, reloaded: ['postfix'] })
    expect(o.verdicts.every((v) => v.ok)).toBe(true)
    expect(steps).toEqual(expect.arrayContaining(['stage', 'validate', 'backup']))
    const backup = o.installed[0]?.backup as string
    expect(o.installed).toEqual([{ path: MAIN, backup: expect.stringMatching(/^\/var\/backups\/postdesk\/\d{8}T\d{6}Z-[0-9a-f]{6}\/etc\/postfix\/main\.cf$/) }])
    expect(readFileSync(backup).equals(originalBytes(MAIN))).toBe(true)
    const stBackup = statSync(backup)
    const stAfter = statSync(MAIN)
    for (const st of [stBackup, stAfter]) expect([st.uid, st.gid, st.mode]).toEqual([stBefore.uid, stBefore.gid, stBefore.mode])
    expect((await inServer(['postconf', '-h', 'message_size_limit'])).stdout.trim()).toBe(value)
    expect((await inServer(['postconf', '-n'])).stdout).toContain(`message_size_limit = ${value}`)
    expect(await greets(25, '220')).toBe(true)
    expect((await vps.services.configBackups.offers(id, 'postfix')).some((x) => x.path === MAIN)).toBe(true)
    const last = await installer.lastPush(id)
    expect(last).toMatchObject({ state: 'new', paths: [MAIN], reason: null })
    await mailFlows()

    const back = await installer.install(id, { files: [serverFile(MAIN, originalBytes(MAIN), 'postfix', 'postfix-main')], validateOnly: false })
    expect(back, back.reason ?? '').toMatchObject({ ok: true, step: 'done' })
    expect(readFileSync(MAIN).equals(originalBytes(MAIN))).toBe(true)
    expect(changedSinceStart()).toEqual([])
    expect((await inServer(['postconf', '-h', 'message_size_limit'])).stdout.trim()).not.toBe(value)
  })

  it('old backups are pruned at a push: the newest 30 backup folders are kept, the oldest go, the new one stays', async () => {
    // 35 backup folders older than any real push (ids of 2000-01-01), each with a file in it
    const fakes = Array.from({ length: 35 }, (_, i) => `${BACKUP_BASE}/20000101T0000${String(i).padStart(2, '0')}Z-0000aa`)
    try {
      for (const d of fakes) {
        mkdirSync(`${d}/etc/postfix`, { recursive: true })
        writeFileSync(`${d}/etc/postfix/main.cf`, '# old backup\n')
      }
      const backups = () => readdirSync(BACKUP_BASE).filter((n) => PUSH_ID_RE.test(n)).sort()
      const before = backups()
      const o = await installer.install(id, { files: [serverFile(MAIN, original(MAIN) + '\n# prune test\n', 'postfix', 'postfix-main')], validateOnly: false })
      expect(o, o.reason ?? '').toMatchObject({ ok: true, step: 'done' })
      const made = (o.installed[0]?.backup ?? '').split('/')[4]
      // the newest 29 of those there before (fakes and any real ones), and this push's own
      expect(backups()).toEqual([...before.slice(-29), made])
      expect(existsSync(fakes[0]!)).toBe(false)
      expect(readFileSync(o.installed[0]?.backup as string).equals(originalBytes(MAIN))).toBe(true)
    } finally {
      for (const d of fakes) rmSync(d, { recursive: true, force: true })
      const back = await installer.install(id, { files: [serverFile(MAIN, originalBytes(MAIN), 'postfix', 'postfix-main')], validateOnly: false })
      expect(back, back.reason ?? '').toMatchObject({ ok: true, step: 'done' })
    }
    expect(changedSinceStart()).toEqual([])
  })

  it('two pushes of the same file at once: one installs, the other changes nothing (lock or changed file), never a mix', async () => {
    const a = serverFile(MAIN, original(MAIN) + '\n# push A\nmessage_size_limit = 22000000\n', 'postfix', 'postfix-main')
    const b = serverFile(MAIN, original(MAIN) + '\n# push B\nmessage_size_limit = 23000000\n', 'postfix', 'postfix-main')
    const [oa, ob] = await Promise.all([installer.install(id, { files: [a], validateOnly: false }), installer.install(id, { files: [b], validateOnly: false })])
    expect([oa.ok, ob.ok].filter(Boolean)).toHaveLength(1)
    const [won, lost] = oa.ok ? [a, ob] : [b, oa]
    expect(lost).toMatchObject({ ok: false, step: 'compare', restored: false })
    expect(lost.reason).toMatch(/Nothing was changed: (Another push|\/etc\/postfix\/main\.cf)/)
    expect(readFileSync(MAIN).equals(won.content)).toBe(true)
    const back = await installer.install(id, { files: [serverFile(MAIN, originalBytes(MAIN), 'postfix', 'postfix-main')], validateOnly: false })
    expect(back, back.reason ?? '').toMatchObject({ ok: true })
    expect(changedSinceStart()).toEqual([])
  }, 120_000)

  it('a change that validates but breaks smtpd after the reload is undone: backups restored, Postfix answers again, restored=true', async () => {
    const before = treeHashes(...ROOTS)
    // postconf and the global-parameter check accept it; smtpd dies on its first connection ("bad numerical configuration").
    const f = serverFile(MAIN, original(MAIN) + '\nsmtpd_client_connection_count_limit = lots\n', 'postfix', 'postfix-main')
    const o = await installer.install(id, { files: [f], validateOnly: false })
    expect(o.verdicts.every((v) => v.ok)).toBe(true)
    expect(o).toMatchObject({ ok: false, restored: true, step: 'verify' })
    expect(o.reason).toMatch(/undone.*old files are back.*220 greeting/s)
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(await greets(25, '220')).toBe(true)
    expect(await installer.lastPush(id)).toMatchObject({ state: 'old', paths: [MAIN] })
    await mailFlows()
  }, 180_000)

  it('a Dovecot listener on a port Postfix holds validates, but the reload does not take it: the old files are restored', async () => {
    const before = treeHashes(...ROOTS)
    const f = serverFile(DOVECOT, original(DOVECOT) + '\nservice imap-login {\n  inet_listener postdesk_test {\n    port = 25\n  }\n}\n', 'dovecot', 'dovecot')
    const o = await installer.install(id, { files: [f], validateOnly: false })
    expect(o.verdicts.find((v) => v.tool === 'doveconf')?.ok).toBe(true)
    expect(o).toMatchObject({ ok: false, restored: true, step: 'verify', reloaded: ['dovecot'] })
    expect(o.reason).toMatch(/listen\(\*, 25\) failed|Address already in use/)
    expect(treeDiff(before, treeHashes(...ROOTS))).toEqual([])
    expect(await greets(143, '* OK')).toBe(true)
    await mailFlows()
  }, 180_000)
})

describe('config push: the SSH link dies during the install', () => {
  // launch: the link dies while the install is being started; running: once it runs on the server.
  for (const when of ['launch', 'running'] as const) {
    it(`(${when}) the server ends with all the new files or all the old ones, and a new connection reads which`, async () => {
      const marker = `# postdesk link-cut test ${randomBytes(3).toString('hex')}`
      const files = [
        serverFile(MAIN, original(MAIN) + `\n${marker}\nmessage_size_limit = 21000000\n`, 'postfix', 'postfix-main'),
        serverFile(MASTER, original(MASTER) + `\n${marker}\n`, 'postfix', 'postfix-master'),
        serverFile(DOVECOT, original(DOVECOT) + `\n${marker}\n`, 'dovecot', 'dovecot'),
      ]
      const pids = await sshdPidsOf(vps.services, id)
      // The server's last push before this one: a record with another id is ours (a time window would also
      // take in the previous test's push when it ran within the same second or two).
      const before = (await installer.lastPush(id))?.id
      let cut = false
      let launched = false
      const result = await installer
        .install(id, {
          files,
          validateOnly: false,
          onProgress: (step) => {
            if (cut) return
            if (when === 'launch' && step === 'backup') {
              cut = true
              setTimeout(() => killPids(pids), 20)
            } else if (when === 'running' && launched) {
              cut = true
              killPids(pids)
            }
            if (step === 'backup') launched = true
          },
        })
        .catch((e: unknown) => e)
      expect(cut).toBe(true)

      // A new app session (a fresh connection) asks the server.
      const other = await vpsServices({ name: `Test VPS (after the cut, ${when})` })
      await other.services.connections.connect(other.profile.id, { acceptFingerprint: other.conn.hostKeySha256 })
      const fresh = new ConfigInstaller({ connections: other.services.connections, configBackups: other.services.configBackups })
      let last = await fresh.lastPush(other.profile.id)
      for (let i = 0; i < 120 && last?.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 500))
        last = await fresh.lastPush(other.profile.id)
      }
      const ours = !!last && last.id !== before
      const isNew = files.map((f) => readFileSync(f.path).equals(f.content))
      const isOld = files.map((f) => readFileSync(f.path).equals(originalBytes(f.path)))
      if (ours) {
        expect(last?.state).toMatch(/^(old|new)$/)
        expect(last?.paths).toEqual(files.map((f) => f.path))
      }
      // never a mix: every file new (the push completed) or every file old (it never started, or was undone)
      if (ours && last?.state === 'new') expect(isNew).toEqual([true, true, true])
      else expect(isOld).toEqual([true, true, true])
      // what install() said agrees with the server
      if (!(result instanceof Error)) expect((result as { ok: boolean }).ok).toBe(ours && last?.state === 'new')
      else expect(result.message).toMatch(/finishes it on its own|could not be reached/)
      expect(await greets(25, '220')).toBe(true)
      expect(await greets(143, '* OK')).toBe(true)

      // Back to the original files through the pipeline.
      if (isNew.every(Boolean)) {
        const back = await fresh.install(other.profile.id, { files: files.map((f) => serverFile(f.path, originalBytes(f.path), f.owner, f.kind)), validateOnly: false })
        expect(back, back.reason ?? '').toMatchObject({ ok: true })
      }
      expect(changedSinceStart()).toEqual([])
      expect(ourStages()).toEqual([])
      await mailFlows()
    }, 180_000)
  }
})

/** Watches the next push on the shared file system and kills its install process once a first file is installed. */
/** Steps of the install script after the first file is in place, where the watcher may catch it. */
const KILLED_STEPS = ['install', 'postmap', 'reload']

function killInstallAfterFirstFile(files: InstallFile[]): { stop: () => Promise<{ killedAt: string; mixSeen: boolean }> } {
  const lastBefore = existsSync(`${PUSH_BASE}/last`) ? readFileSync(`${PUSH_BASE}/last`, 'utf8').trim() : ''
  let watching = true
  const seen = { killedAt: '', mixSeen: false }
  const done = (async () => {
    while (watching) {
      const last = existsSync(`${PUSH_BASE}/last`) ? readFileSync(`${PUSH_BASE}/last`, 'utf8').trim() : ''
      const dir = `${PUSH_BASE}/${last}`
      if (last && last !== lastBefore && existsSync(`${dir}/report`) && readFileSync(`${dir}/report`, 'utf8').includes('installed\t')) {
        const pid = Number(/^pid=(\d+)/m.exec(readFileSync(`${dir}/state`, 'utf8'))?.[1])
        process.kill(pid, 'SIGSTOP')
        seen.mixSeen = files.some((f) => readFileSync(f.path).equals(f.content)) && files.some((f) => readFileSync(f.path).equals(originalBytes(f.path)))
        seen.killedAt = /^step=(\w+)/m.exec(readFileSync(`${dir}/state`, 'utf8'))?.[1] ?? ''
        process.kill(pid, 'SIGKILL')
        return
      }
      await new Promise((r) => setImmediate(r))
    }
  })()
  return {
    /** Gives the watcher up to 10 s more to catch the install, then stops it. */
    stop: async () => {
      const t = setTimeout(() => (watching = false), 10_000)
      await done
      clearTimeout(t)
      watching = false
      return seen
    },
  }
}

describe('config push: the install process dies halfway (a server restart)', () => {
  const crashFiles = () => {
    const marker = `# postdesk crash test ${randomBytes(3).toString('hex')}`
    return [serverFile(MAIN, original(MAIN) + `\n${marker}\n`, 'postfix', 'postfix-main'), serverFile(MASTER, original(MASTER) + `\n${marker}\n`, 'postfix', 'postfix-master')]
  }

  it("install() undoes it from the push's own records: every file old again, services running, restored=true", async () => {
    const files = crashFiles()
    const watch = killInstallAfterFirstFile(files)
    const o = await installer.install(id, { files, validateOnly: false })
    const { killedAt, mixSeen } = await watch.stop()
    // The watcher polls: on a fast run the install may already be at a later step when it is caught.
    expect(KILLED_STEPS).toContain(killedAt)
    expect(o).toMatchObject({ ok: false, restored: true, step: killedAt })
    expect(o.reason).toMatch(new RegExp(`undone.*install process stopped at step "${killedAt}"`, 's'))
    for (const f of files) expect(readFileSync(f.path).equals(originalBytes(f.path))).toBe(true)
    expect(changedSinceStart()).toEqual([])
    expect(await installer.lastPush(id)).toMatchObject({ state: 'old', paths: [MAIN, MASTER] })
    expect(await greets(25, '220')).toBe(true)
    // The half-installed moment the kill left, when the watcher caught it between the two files.
    console.info(`crash test: killed at step ${killedAt}, ${mixSeen ? 'between the two files (one new, one old)' : 'after both files'}`)
  }, 120_000)

  it('with nobody following the push, the next lastPush() finds the dead install and undoes it', async () => {
    const files = crashFiles()
    const watch = killInstallAfterFirstFile(files)
    // A client that stops following at once (as if it was closed right after starting the push).
    const leaving = new ConfigInstaller({ connections: vps.services.connections, configBackups: vps.services.configBackups, followMs: 0 })
    await leaving.install(id, { files, validateOnly: false }).catch((e: unknown) => e)
    const { killedAt } = await watch.stop()
    expect(KILLED_STEPS).toContain(killedAt)
    const first = await installer.lastPush(id)
    expect(first?.state).toBe('running') // not stale yet: the launch could still be starting it
    await new Promise((r) => setTimeout(r, 16_000))
    const last = await installer.lastPush(id)
    expect(last).toMatchObject({ state: 'old', paths: [MAIN, MASTER] })
    expect(last?.reason).toMatch(new RegExp(`undone.*install process stopped at step "${killedAt}"`, 's'))
    for (const f of files) expect(readFileSync(f.path).equals(originalBytes(f.path))).toBe(true)
    expect(changedSinceStart()).toEqual([])
    expect(await greets(25, '220')).toBe(true)
  }, 120_000)
})
