import { DbService, profileDbOverride } from './db/db-service'
import { ScriptFactsService } from './facts/facts-service'
import { JsonlActivityJournal } from './journal/activity-journal'
import { JournaledProfileStore } from './profiles/journaled-profile-store'
import { JsonProfileStore } from './profiles/profile-store'
import { JsonSettingsStore } from './settings/settings-store'
import { SshConnectionManager } from './ssh/connection-manager'
import { KnownHostsStore } from './ssh/host-key-store'
import { DashboardService } from './system/dashboard-service'
import { QueueService } from './system/queue-service'
import { ServiceManager } from './system/service-manager'
import { ConfigBackupRegistry } from './system/undo-registry'
import type { EmitEvent, ExecOptions, Services } from './types'

export interface CreateServicesOptions {
  dataDir: string
  version: string
  emit: EmitEvent
  harness: boolean
  /** Connection tuning; tests shorten the handshake timeout. */
  ssh?: { readyTimeoutMs?: number; keepaliveIntervalMs?: number }
}

/**
 * Wires the services the app window, the e2e harness and the `postdesk` CLI share. Nothing here
 * touches the network or the disk until a service is used.
 */
export async function createServices(o: CreateServicesOptions): Promise<Services> {
  const journal = new JsonlActivityJournal(o.dataDir, o.emit)
  const profiles = new JournaledProfileStore(new JsonProfileStore(o.dataDir), journal)
  const connections = new SshConnectionManager({
    profiles,
    knownHosts: new KnownHostsStore(o.dataDir),
    journal,
    emit: o.emit,
    ...o.ssh,
  })
  const facts = new ScriptFactsService({
    exec: (id, argv, opts) => connections.exec(id, argv, opts),
    generationOf: (id) => connections.generationOf(id),
  })
  // mysql2 over forwarded channels of the same SSH connection; credentials discovered on the server.
  const db = new DbService({ transport: connections, overrideOf: async (id) => profileDbOverride(await profiles.get(id)) })
  // As the login user until ConnectionManager.execAsRoot (the profile's sudo) lands; the working tree uses it.
  const execAsRoot = (id: string, argv: string[], opts?: ExecOptions) => connections.exec(id, argv, opts)
  const configBackups = new ConfigBackupRegistry(execAsRoot)
  const systemServices = new ServiceManager({ execAsRoot, journal, undo: configBackups })
  const queue = new QueueService({ execAsRoot, journal, postfixVersion: async (id) => (await facts.get(id)).postfix?.version ?? null })
  const dashboard = new DashboardService({ execAsRoot, services: systemServices, queue, mailLog: async (id) => (await facts.get(id)).mailLog })
  return {
    info: { version: o.version, dataDir: o.dataDir, platform: process.platform, harness: o.harness },
    profiles,
    connections,
    facts,
    db,
    journal,
    settings: new JsonSettingsStore(o.dataDir),
    systemServices,
    configBackups,
    queue,
    dashboard,
  }
}
