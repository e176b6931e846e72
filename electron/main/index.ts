import { app, BrowserWindow, ipcMain, nativeTheme, session, shell } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createServices } from '../services/create-services'
import { resolveDataDir } from '../services/data-dir'
import { EventBatcher } from './event-batcher'
import { isAllowedExternalUrl } from './external-links'
import { createHandlers } from './handlers'
import { registerIpc, senderCheck } from './ipc'
import { appSecretStore } from './safe-storage-secrets'
import { guardNavigation } from './navigation-guard'
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
  })
  const openExternal = async (url: string) => {
    if (!isAllowedExternalUrl(url)) return false
    await shell.openExternal(url)
    return true
  }
  registerIpc(
    ipcMain,
    createHandlers(services, openExternal),
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
