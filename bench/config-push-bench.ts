// Config push against the test mail server, through the real services: the server-side validation
// round trip (stage in a private folder + postconf -n/-M + global parameter check + doveconf -n, stage
// removed) and the full push (validate, detached install with backups, postfix reload, verify with the
// SMTP greeting, read the outcome), then the same push of the old file back.
// Anchor in the same run: one `true` run as root over the same SSH connection (an exec round trip).
//
//   npx tsx bench/config-push-bench.ts [rounds]      (as root on the machine running the test mail server)
//   writes bench/results/config-push.json; holds the mail-config lock while it pushes.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigInstaller } from '../electron/services/config/push/config-installer'
import type { InstallFile } from '../electron/services/config/push/install-types'
import { BACKUP_BASE, newPushId, PUSH_BASE, PUSH_ID_RE } from '../electron/services/config/push/push-paths'
import { createServices } from '../electron/services/create-services'
import { lockMailConfig } from '../test/integration/support/config-lock'
import { loadConnection } from '../test/integration/support/vps'

const rounds = Number(process.argv[2] ?? 5)
const conn = loadConnection()
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const ms = (x: number) => Math.round(x * 10) / 10
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

const MAIN = '/etc/postfix/main.cf'
const file = (path: string, owner: InstallFile['owner'], kind: string, content?: Buffer): InstallFile => {
  const now = readFileSync(path)
  return { path, owner, kind, content: content ?? now, expectedSha256: sha(now) }
}

async function main(): Promise<void> {
  const release = await lockMailConfig()
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-config-push-bench-'))
  const original = readFileSync(MAIN)
  const runStart = newPushId(new Date(Date.now() - 1000)).slice(0, 16)
  try {
    const s = await createServices({ dataDir, version: 'bench', harness: false, emit: () => undefined, env: { HOME: dataDir, USER: 'bench' }, userKnownHostsPath: null })
    const p = await s.profiles.add({ name: 'bench', host: conn.host, port: conn.port, user: conn.user, keyPath: conn.keyPath })
    await s.connections.connect(p.id, { acceptFingerprint: conn.hostKeySha256 })
    const installer = new ConfigInstaller({ connections: s.connections, configBackups: s.configBackups })
    const loadAtStart = loadavg()[0] ?? 0

    const time = async (f: () => Promise<unknown>): Promise<number> => {
      const t = performance.now()
      await f()
      return performance.now() - t
    }
    // warm up the connection and the server's caches
    await s.connections.execAsRoot(p.id, ['true'])
    await installer.install(p.id, { files: [file(MAIN, 'postfix', 'postfix-main')], validateOnly: true })

    const anchor: number[] = []
    const validatePostfix: number[] = []
    const validateSet: number[] = []
    const conf = readdirSync('/etc/dovecot/conf.d').filter((n) => n.endsWith('.conf')).map((n) => file(`/etc/dovecot/conf.d/${n}`, 'dovecot', 'dovecot'))
    const set = [file(MAIN, 'postfix', 'postfix-main'), file('/etc/postfix/master.cf', 'postfix', 'postfix-master'), file('/etc/dovecot/dovecot.conf', 'dovecot', 'dovecot'), ...conf]
    for (let i = 0; i < rounds; i++) {
      anchor.push(await time(() => s.connections.execAsRoot(p.id, ['true'])))
      validatePostfix.push(
        await time(async () => {
          const o = await installer.install(p.id, { files: [file(MAIN, 'postfix', 'postfix-main')], validateOnly: true })
          if (!o.ok) throw new Error(o.reason ?? 'rejected')
        }),
      )
      validateSet.push(
        await time(async () => {
          const o = await installer.install(p.id, { files: set, validateOnly: true })
          if (!o.ok) throw new Error(o.reason ?? 'rejected')
        }),
      )
    }

    // Full pushes: a new message_size_limit, then the old file back (each reloads Postfix and verifies it).
    const push: number[] = []
    const pushBack: number[] = []
    const pushRounds = Math.min(rounds, 3)
    for (let i = 0; i < pushRounds; i++) {
      const changed = Buffer.concat([original, Buffer.from(`\nmessage_size_limit = ${20_480_000 + i}\n`)])
      push.push(
        await time(async () => {
          const o = await installer.install(p.id, { files: [file(MAIN, 'postfix', 'postfix-main', changed)], validateOnly: false })
          if (!o.ok) throw new Error(o.reason ?? 'failed')
        }),
      )
      pushBack.push(
        await time(async () => {
          const o = await installer.install(p.id, { files: [file(MAIN, 'postfix', 'postfix-main', original)], validateOnly: false })
          if (!o.ok) throw new Error(o.reason ?? 'failed')
        }),
      )
    }
    if (!readFileSync(MAIN).equals(original)) throw new Error('main.cf is not back to its original bytes')
    await s.connections.closeAll()

    const a = median(anchor)
    const result = {
      when: new Date().toISOString(),
      rounds,
      pushRounds,
      loadAtStart: ms(loadAtStart),
      anchor: { what: 'execAsRoot(true): one exec round trip on the open SSH connection', medianMs: ms(a) },
      validatePostfix: { what: 'validateOnly, main.cf: stage (copy /etc/postfix) + postconf -n, -M, the global parameter check; stage removed', medianMs: ms(median(validatePostfix)), ratioToAnchor: ms(median(validatePostfix) / a) },
      validateSet: { what: `validateOnly, ${set.length} files (main.cf, master.cf, dovecot.conf, conf.d/*.conf): postconf + doveconf on one stage`, medianMs: ms(median(validateSet)), ratioToAnchor: ms(median(validateSet) / a) },
      push: { what: 'full push of main.cf (validate, detached install with backup, postfix reload, verify incl. SMTP greeting, outcome read)', medianMs: ms(median(push)), ratioToAnchor: ms(median(push) / a), samplesMs: push.map(ms) },
      pushBack: { what: 'the old main.cf pushed back the same way', medianMs: ms(median(pushBack)), ratioToAnchor: ms(median(pushBack) / a), samplesMs: pushBack.map(ms) },
      samplesMs: { anchor: anchor.map(ms), validatePostfix: validatePostfix.map(ms), validateSet: validateSet.map(ms) },
    }
    const outDir = join(import.meta.dirname, 'results')
    mkdirSync(outDir, { recursive: true })
    writeFileSync(join(outDir, 'config-push.json'), JSON.stringify(result, null, 2) + '\n')
    console.log(JSON.stringify(result, null, 2))
  } finally {
    if (!readFileSync(MAIN).equals(original)) writeFileSync(MAIN, original)
    // the push records and backups of this run (ids start with their UTC time)
    for (const base of [PUSH_BASE, BACKUP_BASE]) for (const name of existsSync(base) ? readdirSync(base) : []) if (PUSH_ID_RE.test(name) && name >= runStart) rmSync(join(base, name), { recursive: true, force: true })
    if (existsSync(join(PUSH_BASE, 'last')) && !existsSync(join(PUSH_BASE, readFileSync(join(PUSH_BASE, 'last'), 'utf8').trim()))) rmSync(join(PUSH_BASE, 'last'), { force: true })
    rmSync(dataDir, { recursive: true, force: true })
    release()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
