import type { Services } from '../types'

export interface RemovedServer {
  removed: boolean
  /** Secrets deleted (SSH passphrase, sudo/DB passwords, config secrets). */
  secrets: number
  /** The configs workspace (DATA/configs/SERVER/) was there and is gone. */
  configsWorkspace: boolean
}

/**
 * Removing a server profile, the one way for the app (servers.remove) and the CLI (server remove):
 * disconnect, remove the profile, then everything kept for it on this desktop: its secrets (all kinds,
 * and the config secrets `SERVER/config/…`) and its configs workspace.
 */
export async function removeServer(s: Pick<Services, 'connections' | 'profiles' | 'secrets' | 'configs'>, id: string): Promise<RemovedServer> {
  await s.connections.disconnect(id).catch(() => undefined)
  const removed = await s.profiles.remove(id)
  if (!removed) return { removed, secrets: 0, configsWorkspace: false }
  const configs = await s.configs.forget(id)
  const secrets = configs.secrets + (await s.secrets.delete(id))
  return { removed, secrets, configsWorkspace: configs.workspace }
}
