// The mail area's lists with 100,000 mailboxes (issue 4: "100k mailboxes stay instant", first page
// under 100 ms through the tunnel). A scratch set of 10 domains x 10,000 mailboxes (plus their alias
// rows) is inserted on the test server's PostfixAdmin database, Postdesk's list calls are timed through
// the SSH tunnel (MailService: one transaction per call, the same SQL the app sends), and each figure
// is set against an anchor measured in the same run on the same connection: the floor of one round
// trip (SELECT 1) and a bare page of the mailbox table (SELECT * … ORDER BY username LIMIT 50). The
// scratch rows are removed afterwards (also when the run fails).
//
//   npx tsx bench/mail-list-bench.ts [mailboxes=100000] [repeats=15]   (as root beside the test mail server)
//   writes bench/results/mail-list.json
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { MailService } from '../electron/services/mail/mail-service'
import { serverSettings, TunnelDatabase } from '../test/integration/support/mail-fixture'
import { loadConnection } from '../test/integration/support/vps'

const N = Number(process.argv[2] ?? 100_000)
const REPEATS = Number(process.argv[3] ?? 15)
const DOMAINS = 10
const tag = randomBytes(4).toString('hex')
const domains = Array.from({ length: DOMAINS }, (_, i) => `bench${i}-${tag}.test`)
// one IDN domain among them, for the Unicode search
domains[DOMAINS - 1] = `xn--zckzah.b${tag}.test`

const now = () => process.hrtime.bigint()
const ms = (t0: bigint) => Number(now() - t0) / 1e6
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const xs: number[] = []
  await fn() // warm (statement caches, buffer pool)
  for (let i = 0; i < REPEATS; i++) {
    const t0 = now()
    await fn()
    xs.push(ms(t0))
  }
  return Math.round(median(xs) * 10) / 10
}

async function main(): Promise<void> {
  const db = await TunnelDatabase.open(loadConnection())
  const settings = await serverSettings()
  const mail = new MailService({ databaseOf: () => db, settingsOf: async () => settings, actor: 'Postdesk (bench)' })
  const cleanup = async () => {
    for (const d of domains) {
      for (;;) {
        const r = await db.query<{ affectedRows: number }>('DELETE FROM mailbox WHERE domain = ? LIMIT 5000', [d])
        if (r.affectedRows < 5000) break
      }
      for (;;) {
        const r = await db.query<{ affectedRows: number }>('DELETE FROM alias WHERE domain = ? LIMIT 5000', [d])
        if (r.affectedRows < 5000) break
      }
      await db.query('DELETE FROM domain WHERE domain = ?', [d])
      await db.query('DELETE FROM log WHERE domain = ?', [d])
    }
  }
  try {
    const t0 = now()
    for (const d of domains) await db.query("INSERT INTO domain (domain, description, aliases, mailboxes, maxquota, quota, transport, backupmx, created, modified, active) VALUES (?, 'bench', 0, 0, 0, 0, 'virtual', 0, NOW(), NOW(), 1)", [d])
    const hash = '{SHA512-CRYPT}$6$benchbenchbench$' + 'x'.repeat(86)
    const per = N / DOMAINS
    for (const [di, d] of domains.entries()) {
      for (let start = 0; start < per; start += 2500) {
        const ids = Array.from({ length: Math.min(2500, per - start) }, (_, k) => start + k)
        await db.query(`INSERT INTO alias (address, goto, domain, created, modified, active) VALUES ${ids.map(() => '(?, ?, ?, NOW(), NOW(), 1)').join(', ')}`, ids.flatMap((i) => [`u${di}x${i}@${d}`, `u${di}x${i}@${d}`, d]))
        await db.query(
          `INSERT INTO mailbox (username, password, name, maildir, quota, local_part, domain, created, modified, active) VALUES ${ids.map(() => '(?, ?, ?, ?, 0, ?, ?, NOW(), NOW(), 1)').join(', ')}`,
          ids.flatMap((i) => [`u${di}x${i}@${d}`, hash, `Bench User ${di}-${i}`, `${d}/u${di}x${i}/`, `u${di}x${i}`, d]),
        )
      }
    }
    const insertMs = ms(t0)
    const [{ total }] = (await db.query<{ total: number }[]>('SELECT COUNT(*) AS total FROM mailbox')) as [{ total: number }]

    // anchors on the same tunnel connection
    const roundTrip = await timeIt(() => db.query('SELECT 1'))
    const barePage = await timeIt(() => db.query('SELECT * FROM mailbox ORDER BY username LIMIT 50'))

    const q = { search: '', offset: 0, limit: 50, desc: false }
    const figures: Record<string, number> = {
      firstPageAllDomains: await timeIt(() => mail.listMailboxes('bench', undefined, { ...q, sort: 'username' })),
      firstPageOneDomain: await timeIt(() => mail.listMailboxes('bench', domains[3], { ...q, sort: 'username' })),
      page1000OfOneDomain: await timeIt(() => mail.listMailboxes('bench', domains[3], { ...q, sort: 'username', offset: 9950 })),
      deepPageAllDomains: await timeIt(() => mail.listMailboxes('bench', undefined, { ...q, sort: 'username', offset: Math.floor(total / 2) })),
      sortByNameDesc: await timeIt(() => mail.listMailboxes('bench', undefined, { ...q, sort: 'name', desc: true })),
      searchUsernamePart: await timeIt(() => mail.listMailboxes('bench', undefined, { ...q, sort: 'username', search: 'u4x777' })),
      searchNameInDomain: await timeIt(() => mail.listMailboxes('bench', domains[5], { ...q, sort: 'username', search: 'User 5-12' })),
      searchUnicodeDomainPart: await timeIt(() => mail.listMailboxes('bench', undefined, { ...q, sort: 'username', search: 'テスト' })),
      domainsPage: await timeIt(() => mail.listDomains('bench', { ...q, sort: 'domain' })),
      aliasesFirstPage: await timeIt(() => mail.listAliases('bench', undefined, { ...q, sort: 'address' })),
    }
    const result = {
      when: new Date().toISOString(),
      mailboxesInScratchSet: N,
      mailboxesInTable: total,
      repeats: REPEATS,
      statistic: 'median ms per call, after one warm-up call',
      loadavg: loadavg(),
      setupInsertMs: Math.round(insertMs),
      anchors: { roundTripSelect1Ms: roundTrip, barePageMs: barePage },
      postdeskMs: figures,
      ratios: {
        vsRoundTrip: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round((v / roundTrip) * 10) / 10])),
        vsBarePage: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round((v / barePage) * 10) / 10])),
      },
      goal: 'first page under 100 ms through the tunnel (firstPageAllDomains, firstPageOneDomain)',
    }
    mkdirSync('bench/results', { recursive: true })
    writeFileSync('bench/results/mail-list.json', JSON.stringify(result, null, 2) + '\n')
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await cleanup()
    await db.close()
  }
}

void main()
