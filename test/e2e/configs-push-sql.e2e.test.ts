// Dovecot's sql driver file in the configs area (real renderer, preload, IPC and services, test server):
// a password_query naming a column the table lacks is validated on the server; the verdict shows the
// mysql client's own error for the sample user and nothing is installed. English and Japanese. Holds
// the mail-config lock; validation installs nothing, the file is checked byte-identical afterwards.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdMailConfig, type MailConfigHold } from '../integration/support/mail-config-hold'
import { inServer } from '../integration/support/mail-fixture'
import { openApp, type App } from './support/app'
import { configFileEntry, openConfigFile, openConfigs } from './support/configs-page'
import { addTestServer } from './support/test-server'

const SQL = '/etc/dovecot/dovecot-sql.conf.ext'

describe('configs: a broken Dovecot sql query is refused at validate, with MySQL\'s words', () => {
  let app: App
  let id = ''
  let hold: MailConfigHold | undefined

  beforeAll(async () => {
    hold = await holdMailConfig({ files: [SQL] })
    app = await openApp()
    id = await addTestServer(app, 'SQL VPS')
    await app.reload()
  }, 900_000)
  afterAll(async () => {
    try {
      await app?.close()
      if (hold?.restoreFiles().length) await inServer(['doveadm', 'reload'])
    } finally {
      hold?.release()
    }
  }, 120_000)

  const validate = async () => {
    const { page } = app
    await page.getByTestId('config-validate').click()
    await page.getByTestId('config-push-dialog').waitFor()
    await page.getByTestId('push-confirm').click()
    const verdict = page.getByTestId('config-verdict')
    await verdict.waitFor({ timeout: 120_000 })
    return verdict
  }

  it('pull, break password_query, validate: rejected, the mysql error for alice@example.test shown (en, ja)', async () => {
    const { page } = app
    await openConfigs(page, id)
    await page.getByTestId('config-pull').click()
    await configFileEntry(page, SQL).waitFor({ timeout: 60_000 })
    const text = (await app.harness.services.configs.read(id, SQL)).text
    expect(text).toContain('password FROM mailbox')
    await app.harness.services.configs.save(id, SQL, text.replace('password FROM mailbox', 'passwordx FROM mailbox'))
    await app.reload()
    await openConfigs(page, id)
    await openConfigFile(page, SQL)

    const verdict = await validate()
    expect(await verdict.getAttribute('data-outcome'), (await verdict.textContent()) ?? '').toBe('invalid')
    // the workspace's own lint knows the PostfixAdmin schema too; the server's mysql client says it in its words
    const bad = verdict.locator('[data-testid="verdict-tool"][data-ok="false"]').filter({ hasText: 'mysql --defaults-file' })
    expect(await bad.count()).toBe(1)
    expect(await bad.textContent()).toMatch(/password_query \(line \d+\) for alice@example\.test/)
    expect(await bad.getByTestId('verdict-output').textContent()).toMatch(/ERROR 1054 \(42S22\).*Unknown column 'passwordx'/)
    expect(await verdict.getByTestId('verdict-reason').textContent()).toMatch(/Unknown column 'passwordx'/)
    // in English the server's words are the explanation: no second sentence
    expect(await verdict.getByTestId('verdict-guidance').count()).toBe(0)
    await bad.scrollIntoViewIfNeeded()
    await app.shot('configs-push-sql-01-rejected-en')

    await app.harness.services.settings.set({ locale: 'ja' })
    await app.reload()
    await openConfigs(page, id)
    await openConfigFile(page, SQL)
    const ja = await validate()
    expect(await ja.getAttribute('data-outcome')).toBe('invalid')
    // in Japanese: what happened and what to do in Japanese, then the server's (English) words marked as such
    expect(await ja.getByTestId('verdict-guidance').textContent()).toContain('サーバーのツールがファイルを拒否したため、何もインストールしていません')
    expect(await ja.getByTestId('verdict-reason').textContent()).toMatch(/^サーバーからの原文（英語）:\s*The server would reject this.*Unknown column 'passwordx'/s)
    await ja.locator('[data-testid="verdict-tool"][data-ok="false"]').filter({ hasText: 'mysql --defaults-file' }).scrollIntoViewIfNeeded()
    await app.shot('configs-push-sql-02-rejected-ja')

    expect(readFileSync(SQL).equals((hold as MailConfigHold).original(SQL))).toBe(true)
    await app.harness.services.settings.set({ locale: 'en' })
  }, 300_000)
})
