import { _electron as electron, expect, test } from '@playwright/test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Runs the packaged-layout build (out/) in the real Electron: `npm run build && npm run test:electron`.
test('the window starts sandboxed, exposes only window.api and shows the empty server list', async () => {
  const home = mkdtempSync(join(tmpdir(), 'postdesk-electron-'))
  const app = await electron.launch({ args: ['.'], env: { ...process.env, POSTDESK_HOME: home } })
  const page = await app.firstWindow()
  await expect(page.getByTestId('add-server')).toBeVisible()
  const exposed = await page.evaluate(() => ({
    api: typeof window.api,
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
  }))
  expect(exposed).toEqual({ api: 'object', require: 'undefined', process: 'undefined' })
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    // getLastWebPreferences() is missing from the type declarations but present at runtime.
    const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null }
    const w = wc.getLastWebPreferences()
    return { sandbox: w?.sandbox, contextIsolation: w?.contextIsolation, nodeIntegration: w?.nodeIntegration }
  })
  expect(prefs).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false })
  const info = await page.evaluate(() => window.api.app.info())
  expect(info).toMatchObject({ ok: true, value: { dataDir: home, harness: false } })
  // Navigation away is blocked.
  await page.evaluate(() => (location.href = 'https://example.com/'))
  await page.waitForTimeout(500)
  expect(page.url()).toMatch(/^file:/)
  await app.close()
})
