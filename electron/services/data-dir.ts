import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'Postdesk'

/**
 * The one data directory the app and the CLI share (profiles, host keys, journal, workspaces).
 * POSTDESK_HOME overrides; otherwise the same place Electron's app.getPath('userData') gives for "Postdesk".
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, electronUserData?: string): string {
  if (env['POSTDESK_HOME']) return env['POSTDESK_HOME']
  if (electronUserData) return electronUserData
  return defaultUserDataDir(process.platform, env)
}

export function defaultUserDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  const home = env['HOME'] ?? homedir()
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME)
  return join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), APP_DIR_NAME)
}
