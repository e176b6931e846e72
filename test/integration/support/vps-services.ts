import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { createServices, type CreateServicesOptions } from '../../../electron/services/create-services'
import type { Services } from '../../../electron/services/types'
import type { EventName, Payload } from '../../../shared/contract/index'
import type { NewServer, ServerProfile } from '../../../shared/domain/server'
import { loadConnection, type VpsConnection } from './vps'

export interface VpsServices {
  conn: VpsConnection
  services: Services
  profile: ServerProfile
  dataDir: string
  events: { name: EventName; payload: Payload<EventName> }[]
  /** The connectionState values published so far for this profile. */
  states(): string[]
}

const dirs: string[] = []
const open: Services[] = []
afterAll(async () => {
  await Promise.all(open.splice(0).map((s) => s.connections.closeAll()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

export function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'postdesk-it-'))
  dirs.push(d)
  return d
}

/** Real services in a fresh data dir (nothing known yet) with one profile for the test mail server. */
export async function vpsServices(
  opts: { localAddress?: string; keyPath?: string; dataDir?: string; name?: string; env?: NodeJS.ProcessEnv; userKnownHostsPath?: string; ssh?: CreateServicesOptions['ssh']; profile?: Partial<NewServer> } = {},
): Promise<VpsServices> {
  const conn = loadConnection()
  const dataDir = opts.dataDir ?? tempDataDir()
  const events: VpsServices['events'] = []
  // Deterministic: no agent and no ~/.ssh/known_hosts of whoever runs the tests, unless a test asks.
  const services = await createServices({
    dataDir,
    version: 'test',
    harness: false,
    emit: (name, payload) => events.push({ name, payload }),
    env: opts.env ?? { HOME: dataDir, USER: 'tester' },
    userKnownHostsPath: opts.userKnownHostsPath ?? null,
    ...(opts.ssh ? { ssh: opts.ssh } : {}),
  })
  open.push(services)
  const name = opts.name ?? 'Test VPS'
  const existing = await services.profiles.get(name).catch(() => undefined)
  const profile =
    existing ??
    (await services.profiles.add({
      name,
      host: conn.host,
      port: conn.port,
      user: conn.user,
      keyPath: opts.keyPath ?? conn.keyPath,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...opts.profile,
    }))
  const states = () => events.filter((e) => e.name === 'servers.connectionState' && (e.payload as { serverId: string }).serverId === profile.id).map((e) => (e.payload as { state: string }).state)
  return { conn, services, profile, dataDir, events, states }
}

/** vpsServices with its profile connected to the test mail server (the server's host key accepted). */
export async function connectedVpsServices(opts: Parameters<typeof vpsServices>[0] = {}): Promise<VpsServices> {
  const v = await vpsServices(opts)
  await v.services.connections.connect(v.profile.id, { acceptFingerprint: v.conn.hostKeySha256 })
  return v
}
