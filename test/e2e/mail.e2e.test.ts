import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type App } from './support/app'
import { addTestServer } from './support/test-server'

const DOMAIN = `t${randomBytes(5).toString('hex')}.test`

// The mail area through the real renderer, preload, IPC and services: create a domain, a mailbox and
// an alias through the forms (bad input first: the validation errors show and nothing is sent), in
// English and Japanese, with screenshots of each step.
describe.each(['en', 'ja'] as const)('mail accounts (%s)', (lang) => {
  let app: App
  let id = ''
  const domain = lang === 'en' ? DOMAIN : `ja-${DOMAIN}`

  beforeAll(async () => {
    app = await openApp({ locale: lang === 'ja' ? 'ja-JP' : 'en-US' })
    const s = app.harness.services
    if (lang === 'ja') await s.settings.set({ locale: 'ja' })
    id = await addTestServer(app, `Mail VPS ${lang}`)
    await app.reload()
  })
  afterAll(async () => {
    if (id) await app.harness.services.mail.deleteDomain(id, domain).catch(() => undefined)
    await app?.close()
  })

  it('creates a domain, a mailbox and an alias through the forms; shows validation errors', async () => {
    const { page } = app
    await page.getByTestId(`server-item-${id}`).click()
    await page.getByTestId('nav-area-mail').click()
    await page.getByTestId('domains-table').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.getByTestId('mail-page-info').textContent(), { timeout: 30_000 }).toMatch(/[1-9]/)

    // domain: an invalid name is refused in the form
    await page.getByTestId('mail-add-domain').click()
    await page.getByTestId('domain-name').fill('not a domain')
    await page.getByTestId('domain-save').click()
    await page.getByTestId('domain-name-error').waitFor()
    await app.shot(`mail-01-domain-invalid-${lang}`)
    await page.getByTestId('domain-name').fill(domain)
    await page.getByTestId('domain-description').fill(lang === 'ja' ? 'テスト用ドメイン' : 'Test domain')
    await page.getByTestId('domain-form-mailboxes').fill('5')
    await page.getByTestId('domain-save').click()
    await page.getByTestId(`domain-row-${domain}`).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId(`domain-row-${domain}`).getByTestId('domain-mailboxes').textContent()).toBe('0 / 5')
    await app.shot(`mail-02-domains-${lang}`)

    // mailbox: bad local part and a weak password, then a good one
    await page.getByTestId(`domain-row-${domain}`).getByRole('button', { name: domain }).click()
    await page.getByTestId('mailboxes-table').waitFor()
    await page.getByTestId('mail-add-mailbox').click()
    await page.getByTestId('mailbox-domain').selectOption(domain)
    await page.getByTestId('mailbox-local').fill('bad name')
    await page.getByTestId('mailbox-password').fill('abc')
    await page.getByTestId('mailbox-save').click()
    await page.getByTestId('mailbox-local-error').waitFor()
    await page.getByTestId('mailbox-password-error').waitFor()
    expect(await page.getByTestId('mailbox-violations').textContent()).toBeTruthy()
    await app.shot(`mail-03-mailbox-invalid-${lang}`)
    await page.getByTestId('mailbox-local').fill('kenji')
    await page.getByTestId('mailbox-name').fill(lang === 'ja' ? '佐藤 健二' : 'Kenji Sato')
    await page.getByTestId('mailbox-generate').click()
    expect(await page.getByTestId('mailbox-strength').getAttribute('data-hint')).toMatch(/strong/)
    await page.getByTestId('mailbox-save').click()
    await page.getByTestId(`mailbox-row-kenji@${domain}`).waitFor({ timeout: 30_000 })
    await app.shot(`mail-04-mailboxes-${lang}`)

    // alias: a target that is not an address, then a good one
    await page.getByTestId('mail-tab-aliases').click()
    await page.getByTestId('aliases-table').waitFor()
    await page.getByTestId('mail-add-alias').click()
    await page.getByTestId('alias-address').fill(`sales@${domain}`)
    await page.getByTestId('alias-goto').fill('boss@@example.net')
    await page.getByTestId('alias-save').click()
    await page.getByTestId('alias-goto-error').waitFor()
    await app.shot(`mail-05-alias-invalid-${lang}`)
    await page.getByTestId('alias-goto').fill(`kenji@${domain}\nboss@example.net`)
    await page.getByTestId('alias-save').click()
    await page.getByTestId(`alias-row-sales@${domain}`).waitFor({ timeout: 30_000 })
    await app.shot(`mail-06-aliases-${lang}`)

    const a = await app.harness.services.mail.getAlias(id, `sales@${domain}`)
    expect(a.goto).toEqual([`kenji@${domain}`, 'boss@example.net'])
    const m = await app.harness.services.mail.getMailbox(id, `kenji@${domain}`)
    expect(m.name).toBe(lang === 'ja' ? '佐藤 健二' : 'Kenji Sato')

    // the delete confirmation lists what goes
    await page.getByTestId('mail-tab-domains').click()
    await page.getByTestId(`domain-delete-${domain}`).click()
    await page.getByTestId('delete-preview-mailbox').waitFor({ timeout: 30_000 })
    await app.shot(`mail-07-delete-domain-${lang}`)
    await page.getByTestId('confirm-accept').click()
    await expect.poll(() => page.getByTestId(`domain-row-${domain}`).count(), { timeout: 30_000 }).toBe(0)
    // (the harness's WebSocket transport may log one failed attempt around the reload; not the app's)
    expect(app.consoleErrors.filter((e) => !e.includes('ws://__ipc/'))).toEqual([])
  })
})
