import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConnection } from '../integration/support/vps'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

const conn = loadConnection()
const tag = randomBytes(4).toString('hex')

// The mail area's bulk and account work through the real renderer, preload, IPC and services: a CSV
// import checked first (row verdicts, nothing written while a row is bad), then run with its progress
// bar; rename/move of a mailbox; a delete that offers the Maildir; admins; an alias domain edited.
// English and Japanese, with screenshots.
describe.each(['en', 'ja'] as const)('mail bulk import, rename, admins (%s)', (lang) => {
  let app: App
  let id = ''
  const d1 = `b${lang}${tag}.test`
  const d2 = `c${lang}${tag}.test`
  const admin = `boss@${d1}`

  beforeAll(async () => {
    app = await openApp({ locale: lang === 'ja' ? 'ja-JP' : 'en-US' })
    const s = app.harness.services
    if (lang === 'ja') await s.settings.set({ locale: 'ja' })
    id = await addTestServer(app, `Mail VPS ${lang}`)
    for (const d of [d1, d2]) await s.mail.createDomain(id, { domain: d, defaultAliases: false, mailboxes: 0 })
    await app.reload()
  })
  afterAll(async () => {
    const s = app?.harness.services
    if (s && id) {
      await s.mail.deleteAdmin(id, admin).catch(() => undefined)
      await s.mail.deleteAliasDomain(id, d2).catch(() => undefined)
      for (const d of [d1, d2]) await s.mail.deleteDomain(id, d).catch(() => undefined)
    }
    for (const d of [d1, d2]) rmSync(`/home/mailuser/${d}`, { recursive: true, force: true })
    await app?.close()
  })

  it('imports a CSV after a dry-run preview, with progress; renames a mailbox; offers its Maildir on delete', { timeout: 240_000 }, async () => {
    const { page } = app
    await page.getByTestId(`server-item-${id}`).click()
    await page.getByTestId('nav-area-mail').click()
    await page.getByTestId('domains-table').waitFor({ timeout: 60_000 })
    await page.getByTestId('mail-tab-mailboxes').click()
    await page.getByTestId('mailboxes-table').waitFor()
    await page.getByTestId('mail-domain-filter').selectOption(d1)

    // a file with bad rows: the check lists each verdict, Import stays disabled, nothing is written
    await page.getByTestId('mail-import-csv').click()
    const bad = ['address,name,password,quota_mb', `kenji@${d1},Kenji,Kenji-pass-42,`, `bad addr@${d1},Bad,Kenji-pass-42,`, `weak@${d1},Weak,abc,`, `kenji@${d1},Twice,Kenji-pass-42,`, 'x@missing-postdesk.test,X,Kenji-pass-42,'].join('\n')
    await page.getByTestId('import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
    await page.getByTestId('import-check').click()
    await page.getByTestId('import-summary').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('import-blocked').isVisible()).toBe(true)
    expect(await page.getByTestId('import-run').isDisabled()).toBe(true)
    await page.getByTestId('import-only-problems').uncheck()
    await page.getByTestId('import-reason-3').waitFor()
    await app.shot(`mail-bulk-01-preview-errors-${lang}`)
    expect((await app.harness.services.mail.listMailboxes(id, d1, { limit: 1 })).total).toBe(0)

    // a good file of 1,500 rows: the preview says what each creates; the import shows its progress
    const good = ['address,name,password,quota_mb', ...Array.from({ length: 1500 }, (_, i) => `user${i}@${d1},${lang === 'ja' ? `利用者 ${i}` : `User ${i}`},Pass-${i}-word-42,${i % 2 ? 100 : ''}`)].join('\n')
    await page.getByTestId('import-file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(good) })
    await page.getByTestId('import-check').click()
    await page.getByTestId('import-row-2').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('import-blocked').count()).toBe(0)
    expect(await page.getByTestId('import-summary').textContent()).toMatch(/1500|1,500/)
    await app.shot(`mail-bulk-02-preview-ok-${lang}`)
    // cancelled while hashing: nothing of it is written, the dialog says so and stays open
    await page.getByTestId('import-run').click()
    await page.getByTestId('import-cancel').waitFor({ timeout: 10_000 })
    await expect.poll(async () => (await page.getByTestId('import-progress').textContent()) ?? '', { timeout: 30_000, interval: 50 }).toMatch(lang === 'ja' ? /ハッシュ/ : /Hashing/)
    await page.getByTestId('import-cancel').click()
    await page.getByTestId('import-error').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('import-error').textContent()).toMatch(lang === 'ja' ? /中止/ : /cancelled/)
    await app.shot(`mail-bulk-03a-cancelled-${lang}`)
    expect((await app.harness.services.mail.listMailboxes(id, d1, { limit: 1 })).total).toBe(0)

    await page.getByTestId('import-run').click()
    await page.getByTestId('import-progress').waitFor({ timeout: 10_000 })
    await expect.poll(async () => Number((await page.getByTestId('import-progress-bar').getAttribute('value')) ?? 0), { timeout: 30_000, interval: 50 }).toBeGreaterThan(5)
    await app.shot(`mail-bulk-03-progress-${lang}`)
    await expect.poll(() => page.getByTestId('import-dialog').isVisible(), { timeout: 120_000 }).toBe(false)
    await expect.poll(() => page.getByTestId('mail-page-info').textContent(), { timeout: 30_000 }).toMatch(/1500|1,500/)
    expect((await app.harness.services.mail.listMailboxes(id, d1, { limit: 1 })).total).toBe(1500)

    // rename + move user0 to the other domain
    await page.getByTestId('mail-search').fill('user0@')
    await page.getByTestId(`mailbox-row-user0@${d1}`).waitFor({ timeout: 30_000 })
    await page.getByTestId(`mailbox-rename-user0@${d1}`).click()
    await page.getByTestId('rename-local').fill('moved')
    await page.getByTestId('rename-domain').selectOption(d2)
    await app.shot(`mail-bulk-04-rename-${lang}`)
    await page.getByTestId('rename-save').click()
    await expect.poll(() => page.getByTestId('rename-dialog').isVisible(), { timeout: 30_000 }).toBe(false)
    const moved = await app.harness.services.mail.getMailbox(id, `moved@${d2}`)
    expect(moved.maildir).toBe(`${d2}/moved/`)

    // its Maildir exists once Dovecot has touched it; the delete offers to remove it, unticked
    execFileSync('ip', ['netns', 'exec', conn.namespace, 'doveadm', 'mailbox', 'create', '-u', `moved@${d2}`, 'Archive'])
    await page.getByTestId('mail-domain-filter').selectOption(d2)
    await page.getByTestId('mail-search').fill('')
    await page.getByTestId(`mailbox-delete-moved@${d2}`).click()
    await page.getByTestId('delete-maildir').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('delete-maildir').textContent()).toContain(`/home/mailuser/${d2}/moved`)
    expect(await page.getByTestId('delete-maildir-check').isChecked()).toBe(false)
    await page.getByTestId('delete-maildir-check').check()
    await app.shot(`mail-bulk-05-delete-maildir-${lang}`)
    await page.getByTestId('confirm-accept').click()
    await expect.poll(() => page.getByTestId(`mailbox-row-moved@${d2}`).count(), { timeout: 30_000 }).toBe(0)
    expect(execFileSync('sh', ['-c', `test -e /home/mailuser/${d2}/moved && echo present || echo gone`]).toString().trim()).toBe('gone')
  })

  it('adds a domain admin through the form; edits an alias domain', { timeout: 120_000 }, async () => {
    const { page } = app
    await page.getByTestId('mail-tab-admins').click()
    await page.getByTestId('admins-table').waitFor()
    await page.getByTestId('mail-add-admin').click()
    await page.getByTestId('admin-username').fill('not an address')
    await page.getByTestId('admin-save').click()
    await page.getByTestId('admin-username-error').waitFor()
    await page.getByTestId('admin-username').fill(admin)
    await page.getByTestId('admin-generate').click()
    await page.getByTestId(`admin-domain-${d1}`).check()
    await app.shot(`mail-bulk-06-admin-form-${lang}`)
    await page.getByTestId('admin-save').click()
    await page.getByTestId('mail-search').fill(tag)
    await page.getByTestId(`admin-row-${admin}`).waitFor({ timeout: 30_000 })
    await app.shot(`mail-bulk-07-admins-${lang}`)
    const rows = await app.harness.services.mail.listAdmins(id, { search: admin })
    expect(rows.rows[0]).toMatchObject({ username: admin, superadmin: false, domains: [d1] })

    // alias domain: d2 -> d1, then edited to inactive
    await app.harness.services.mail.createAliasDomain(id, { aliasDomain: d2, targetDomain: d1 })
    await page.getByTestId('mail-tab-aliasDomains').click()
    await page.getByTestId('mail-search').fill(tag)
    await page.getByTestId(`aliasdomain-edit-${d2}`).click()
    await page.getByTestId('aliasdomain-active').uncheck()
    await app.shot(`mail-bulk-08-aliasdomain-edit-${lang}`)
    await page.getByTestId('aliasdomain-save').click()
    await expect.poll(async () => (await app.harness.services.mail.listAliasDomains(id, { search: d2 })).rows[0]?.active, { timeout: 30_000 }).toBe(false)
    expect(app.consoleErrors.filter((e) => !e.includes('ws://__ipc/'))).toEqual([])
  })
})
