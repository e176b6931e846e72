/// <reference types="electron-vite/node" />
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, session, shell, Tray } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { guessLocale, type Locale } from '../../shared/domain/settings'
import { createServices } from '../services/create-services'
import { resolveDataDir } from '../services/data-dir'
import { EventBatcher } from './event-batcher'
import { isAllowedExternalUrl } from './external-links'
import { createHandlers } from './handlers'
import { appMenuTemplate, homeIpTargets, refreshFromMenu, trayMenuTemplate } from './home-ip-menu'
import trayIconPath from '../../resources/icon.png?asset'
import { registerIpc, senderCheck } from './ipc'
import { appSecretStore } from './safe-storage-secrets'
import { guardNavigation } from './navigation-guard'
import { leavesPage, unsavedCloseDialogOptions } from './unsaved-close-dialog'
import { windowOptions } from './window-options'

const here = dirname(fileURLToPath(import.meta.url))
const rendererIndex = join(here, '../renderer/index.html')
const devUrl = process.env['ELECTRON_RENDERER_URL']

async function main(): Promise<void> {
  await app.whenReady()
  const batcher = new EventBatcher(50)
  const dataDir = resolveDataDir(process.env, app.getPath('userData'))
  const services = await createServices({
    dataDir,
    secrets: appSecretStore(dataDir),
    version: app.getVersion(),
    emit: (name, payload) => batcher.emit(name, payload),
    harness: false,
    // the desktop's languages in order of preference, then Chromium's UI locale
    systemLocale: () => guessLocale([...app.getPreferredSystemLanguages(), app.getLocale()]),
  })
  const openExternal = async (url: string) => {
    if (!isAllowedExternalUrl(url)) return false
    await shell.openExternal(url)
    return true
  }
  // The tray/application menu lists the servers with a home entry: rebuilt when an allowlist, the
  // server list or the language changes (set once the window exists).
  let menusChanged: () => void = () => undefined
  const base = createHandlers(services, openExternal)
  const handlers: typeof base = {
    ...base,
    'firewall.save': async (i, c) => after(await base['firewall.save'](i, c)),
    'servers.add': async (i, c) => after(await base['servers.add'](i, c)),
    'servers.update': async (i, c) => after(await base['servers.update'](i, c)),
    'servers.remove': async (i, c) => after(await base['servers.remove'](i, c)),
    'app.setSettings': async (i, c) => after(await base['app.setSettings'](i, c)),
  }
  function after<T>(value: T): T {
    menusChanged()
    return value
  }
  registerIpc(
    ipcMain,
    handlers,
    senderCheck({ fileIndexUrl: pathToFileURL(rendererIndex).href, origins: devUrl ? [new URL(devUrl).origin] : [] }),
    (m) => console.warn(m),
  )
  // No permission (camera, notifications, ...) is ever needed by the renderer.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))

  const win = new BrowserWindow(windowOptions(join(here, '../preload/index.cjs'), { dark: nativeTheme.shouldUseDarkColors }))
  guardNavigation(win.webContents, openExternal)
  const removeSink = batcher.addSink((channel, batch) => {
    if (!win.isDestroyed()) win.webContents.send(channel, batch)
  })
  win.once('ready-to-show', () => win.show())
  // Closing with unsaved config edits: the renderer's beforeunload refuses; ask natively, leave on "Close".
  let locale: Locale = 'en'
  win.webContents.on('will-prevent-unload', (event) => {
    if (leavesPage(dialog.showMessageBoxSync(win, unsavedCloseDialogOptions(locale)))) event.preventDefault()
  })

  // The one-click home-IP refresh from the tray and the application menu: the same handler as the
  // renderer's firewall.refresh; the outcome reaches the window as firewall.refreshed (a toast).
  const busy = new Set<string>()
  let tray: Tray | null = null
  const menuActions = {
    refresh: (id: string) => {
      if (busy.has(id)) return
      busy.add(id)
      void rebuildMenus()
      void homeIpTargets(services)
        .then((ts) => ts.find((x) => x.id === id) ?? { id, name: id })
        .then((target) => refreshFromMenu({ connect: (sid) => services.connections.connect(sid), handlers, emit: (name, payload) => batcher.emit(name, payload) }, target))
        .finally(() => {
          busy.delete(id)
          void rebuildMenus()
        })
    },
    show: () => {
      if (!win.isDestroyed()) win.show()
    },
    quit: () => app.quit(),
  }
  async function rebuildMenus(): Promise<void> {
    const [targets, settings] = await Promise.all([homeIpTargets(services).catch(() => []), services.settings.get()])
    locale = settings.locale
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(targets, menuActions, settings.locale, process.platform, busy)))
    try {
      tray ??= new Tray(nativeImage.createFromPath(trayIconPath).resize({ width: 16, height: 16 }))
      tray.setToolTip('Postdesk')
      tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(targets, menuActions, settings.locale, busy)))
    } catch (e) {
      console.warn('Postdesk: no tray on this desktop:', e)
    }
  }
  menusChanged = () => void rebuildMenus()
  await rebuildMenus()
  win.on('closed', removeSink)
  if (devUrl) await win.loadURL(devUrl)
  else await win.loadFile(rendererIndex)

  app.on('window-all-closed', () => {
    void services.connections.closeAll().finally(() => app.quit())
  })
}

main().catch((e) => {
  console.error('Postdesk failed to start:', e)
  app.exit(1)
})
