import type { BrowserWindowConstructorOptions } from 'electron'

/** The security baseline of every window (Electron's checklist); unit-tested in test/unit/window-options.test.ts. */
export function windowOptions(preloadPath: string, opts: { dark: boolean; iconPath?: string }): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Postdesk',
    backgroundColor: opts.dark ? '#16181d' : '#f7f8fa',
    autoHideMenuBar: true,
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  }
}
