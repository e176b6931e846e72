import type { NewServer } from '../../../shared/domain/server'
import { loadConnection } from '../../integration/support/vps'
import type { App } from './app'

/**
 * Adds a profile for the test mail server (connection.json, through loadConnection) to the app's real
 * services and, unless `connect: false`, connects it with the server's host key accepted, as a person
 * who had added and trusted the server would have. Returns the profile's id. The page is not reloaded.
 */
export async function addTestServer(app: App, name: string, o: { profile?: Partial<NewServer>; connect?: boolean } = {}): Promise<string> {
  const conn = loadConnection()
  const s = app.harness.services
  const p = await s.profiles.add({ name, host: conn.host, port: conn.port, user: conn.user, keyPath: conn.keyPath, ...o.profile })
  if (o.connect !== false) await s.connections.connect(p.id, { acceptFingerprint: conn.hostKeySha256 })
  return p.id
}
