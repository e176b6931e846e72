// The top bar with a long server name, connected (badge, Reconnect and Disconnect take their room), in
// the real renderer: at 1280 and 1024 px wide the whole name is shown; narrower, it may end in an
// ellipsis, but only when the bar has no free room left, and its title tooltip carries the full name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type App } from './support/app'
import { loadConnection } from '../integration/support/vps'
import { addTestServer } from './support/test-server'

const NAME = 'mail.very-long-hostname.example.org'

describe('top bar with a long server name', () => {
  let app: App
  let id = ''
  beforeAll(async () => {
    app = await openApp()
    id = await addTestServer(app, NAME)
    await app.reload()
  }, 90_000)
  afterAll(async () => app?.close())

  /**
   * How far the name's text runs past its box (a range covers the laid-out text, clipped or not), and the
   * room the bar still has: the blank before the palette button plus the button's width beyond its icon.
   */
  async function measure(width: number, height: number) {
    const { page } = app
    await page.setViewportSize({ width, height })
    await page.getByTestId('disconnect').waitFor()
    const title = page.getByTestId('topbar-title')
    const cut = await title.evaluate((e) => {
      const r = e.ownerDocument.createRange()
      r.selectNodeContents(e)
      return r.getBoundingClientRect().right - e.getBoundingClientRect().right
    })
    const badge = (await page.getByTestId('connection-state').boundingBox())!
    const palette = (await page.getByTestId('palette-button').boundingBox())!
    const free = palette.x - (badge.x + badge.width) - 12 + (palette.width - 32)
    const bar = await page.locator('.topbar').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }))
    return { text: await title.textContent(), tooltip: await title.getAttribute('title'), clipped: cut > 0.01, free, barOverflows: bar.scroll > bar.client }
  }

  it('shows the whole name at 1280x800 and 1024x768, with the full name in a title tooltip', async () => {
    await app.page.goto(`${app.harness.url}#/servers/${id}/dashboard`)
    expect(await app.page.getByTestId('connection-state').getAttribute('data-state')).toBe('connected')
    const seen = []
    for (const [w, h] of [
      [1280, 800],
      [1024, 768],
    ] as const) {
      const m = await measure(w, h)
      await app.shot(`topbar-01-long-name-${w}x${h}-en`)
      seen.push({ at: w, text: m.text, tooltip: m.tooltip, clipped: m.clipped, barOverflows: m.barOverflows })
    }
    expect(seen).toEqual([1280, 1024].map((at) => ({ at, text: NAME, tooltip: NAME, clipped: false, barOverflows: false })))
  })

  it('with room to spare the palette button shows its label, at the right end of the bar (with and without a server)', async () => {
    const { page } = app
    await page.setViewportSize({ width: 1280, height: 800 })
    const rightGap = async () => {
      const bar = (await page.locator('.topbar').boundingBox())!
      const last = (await page.locator('.topbar > :last-child').boundingBox())!
      return Math.round(bar.x + bar.width - (last.x + last.width))
    }
    expect(await page.getByTestId('palette-button').locator('.palette-label').isVisible()).toBe(true)
    expect(await rightGap()).toBe(16)
    await page.goto(`${app.harness.url}#/settings`)
    await expect.poll(() => page.getByTestId('topbar-title').getAttribute('title')).toBe(null)
    expect(await page.getByTestId('palette-button').locator('.palette-label').isVisible()).toBe(true)
    expect(await rightGap()).toBe(16)
    await app.shot('topbar-03-no-server-1280-en')
    await page.goto(`${app.harness.url}#/servers/${id}/dashboard`)
  })

  it('narrower: the name ends in an ellipsis only when the bar has no free room, and keeps its tooltip', async () => {
    const seen = []
    for (const w of [900, 820, 760]) {
      const m = await measure(w, 700)
      await app.shot(`topbar-02-long-name-${w}-en`)
      seen.push({ at: w, tooltip: m.tooltip, barOverflows: m.barOverflows, cutWithFreeRoom: m.clipped && m.free >= 1, clipped: m.clipped })
    }
    expect(seen).toEqual([900, 820, 760].map((at) => ({ at, tooltip: NAME, barOverflows: false, cutWithFreeRoom: false, clipped: expect.any(Boolean) })))
    expect(seen.at(-1)?.clipped).toBe(true) // 760 px is too narrow for the whole name: the case above is met
    await app.page.setViewportSize({ width: 1280, height: 800 })
    expect(app.consoleErrors.filter((e) => !e.includes('ws://__ipc/'))).toEqual([])
  })

  it("the sidebar's entry, cut in its narrow column, has the whole name and host in its tooltip", async () => {
    await app.page.setViewportSize({ width: 1280, height: 800 })
    const entry = app.page.getByTestId(`server-item-${id}`)
    const name = entry.locator('.server-name')
    expect(await name.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true) // cut: the tooltip is needed
    expect(await entry.locator('[title]').getAttribute('title')).toBe(`${NAME}\n${loadConnection().host}`)
  })
})
