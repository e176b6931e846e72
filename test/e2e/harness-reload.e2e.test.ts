// The harness's reload waits for the app to mount: a route a test opens right after a reload is kept.
// Before the mount the router's first navigation is still running and writes back the route it
// started with ("#/"), so a hash set then was lost (a CI failure: the settings page never appeared).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openApp, type App } from './support/app'

let app: App
beforeAll(async () => {
  app = await openApp()
})
afterAll(async () => app?.close())

it('a route opened right after a reload is kept, even when the first view loads slowly', async () => {
  // the first view's chunk held back: the window in which the first navigation is still running
  await app.page.route(/ServersView-[^/]*\.js$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000))
    await route.continue()
  })
  await app.reload()
  await app.page.goto(`${app.harness.url}#/settings`)
  await app.page.getByTestId('settings-locale').waitFor({ timeout: 5000 })
  expect(new URL(app.page.url()).hash).toBe('#/settings')
})
