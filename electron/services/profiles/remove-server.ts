import type { Services } from '../types'

export interface RemovedServer {
  removed: boolean
  /** Secrets deleted (SSH passphrase, sudo/DB passwords, config secrets). */
  secrets: number
  /** The configs workspace (DATA/configs/SERVER/) was there and is gone. */
  configsWorkspace: boolean
  /** The allowlist and its history (DATA/firewall/SERVER.json) were there and are gone. */
  allowlist: boolean
}

/**
 * Removing a server profile, the one way for the app (servers.remove) and the CLI (server remove):
 * disconnect, remove the profile, then everything kept for it on this desktop: its secrets (all kinds,
 * and the config secrets `SERVER/config/…`), its configs workspace and its allowlist.
 */
export async function removeServer(s: Pick<Services, 'connections' | 'profiles' | 'secrets' | 'configs' | 'firewall'>, id: string): Promise<RemovedServer> {
  await s.connections.disconnect(id).catch(() => undefined)
  const removed = await s.profiles.remove(id)
  if (!removed) return { removed, secrets: 0, configsWorkspace: false, allowlist: false }
  const configs = await s.configs.forget(id)
  const secrets = configs.secrets + (await s.secrets.delete(id))
  const allowlist = await s.firewall.forget(id)
  return { removed, secrets, configsWorkspace: configs.workspace, allowlist }
}
