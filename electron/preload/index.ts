import { contextBridge, ipcRenderer } from 'electron'
import { buildApi } from './build-api'

// Sandboxed preload: bundled into one CommonJS file; the page sees only window.api.
contextBridge.exposeInMainWorld('api', buildApi(ipcRenderer))
