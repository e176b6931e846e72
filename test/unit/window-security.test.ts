import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from '../../electron/main/external-links'
import { guardNavigation } from '../../electron/main/navigation-guard'
import { windowOptions } from '../../electron/main/window-options'

describe('BrowserWindow options', () => {
  it('follow the Electron security checklist', () => {
    const w = windowOptions('/app/out/preload/index.cjs', { dark: false }).webPreferences!
    expect(w).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })
})

describe('Content-Security-Policy of index.html', () => {
  const html = readFileSync('renderer/index.html', 'utf8')
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
  it('is present and strict', () => {
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['base-uri']).toEqual(["'none'"])
    expect(csp).not.toMatch(/unsafe-eval|\*/)
  })
})

describe('navigation', () => {
  function fakeContents(current: string) {
    const handlers: Record<string, (e: { preventDefault(): void }, url: string) => void> = {}
    let openHandler: ((d: { url: string }) => { action: string }) | undefined
    const wc = {
      on: (ev: string, h: (e: { preventDefault(): void }, url: string) => void) => ((handlers[ev] = h), wc),
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => void (openHandler = h),
      getURL: () => current,
    }
    return { wc, handlers, open: (url: string) => openHandler!({ url }) }
  }

  it('blocks navigation away and every window.open, handing URLs to the allow-listed opener', () => {
    const f = fakeContents('file:///app/index.html')
    const opened: string[] = []
    guardNavigation(f.wc as never, async (u) => (opened.push(u), true))
    let prevented = 0
    f.handlers['will-navigate']!({ preventDefault: () => prevented++ }, 'https://evil.example/')
    f.handlers['will-navigate']!({ preventDefault: () => prevented++ }, 'file:///app/index.html')
    expect(prevented).toBe(1)
    expect(f.open('https://github.com/x')).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://evil.example/', 'https://github.com/x'])
  })

  it('opens only https links to allow-listed hosts', () => {
    expect(isAllowedExternalUrl('https://www.postfix.org/postconf.5.html')).toBe(true)
    expect(isAllowedExternalUrl('http://www.postfix.org/')).toBe(false)
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false)
    expect(isAllowedExternalUrl('https://user:pw@github.com/')).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false)
  })
})
