import { homedir, hostname, userInfo } from 'node:os'
import { join } from 'node:path'
import { CallRegistry } from './calls/call-registry'
import { DbService, profileDbOverride } from './db/db-service'
import { ScriptFactsService } from './facts/facts-service'
import { FirewallService } from './firewall/firewall-service'
import { ConfigInstaller } from './config/push/config-installer'
import { ConfigWorkspace } from './config/workspace/config-workspace-service'
import { freshRunner, remoteRunner } from './firewall/fresh-runner'
import { JsonlActivityJournal } from './journal/activity-journal'
import { LogsService } from './logs/logs-service'
import { JournaledProfileStore } from './profiles/journaled-profile-store'
import { JsonProfileStore } from './profiles/profile-store'
import { aesFileCipher, FILE_SECRETS } from './secrets/aes-file-cipher'
import { CipherSecretStore } from './secrets/cipher-secret-store'
import type { SecretStore } from './secrets/secret-store'
import { JsonSettingsStore } from './settings/settings-store'
import { guessLocale, type Locale } from '../../shared/domain/settings'
import { SshConfigImporter } from './ssh-config/ssh-config-importer'
import { DashboardService } from './system/dashboard-service'
import { QueueService } from './system/queue-service'
import { ServiceManager } from './system/service-manager'
import { ConfigBackupRegistry } from './system/undo-registry'
import { MailService } from './mail/mail-service'
import { PostfixAdminSettingsSource } from './mail/postfixadmin-settings-source'
import { SshConnectionManager } from './ssh/connection-manager'
import { KnownHostsStore } from './ssh/host-key-store'
import type { EmitEvent, ExecOptions, Services } from './types'

export interface CreateServicesOptions {
  dataDir: string
  version: string
  emit: EmitEvent
  harness: boolean
  /** Connection tuning; tests shorten the handshake timeout and the reconnect backoff. */
  ssh?: { readyTimeoutMs?: number; keepaliveIntervalMs?: number; keepaliveCountMax?: number; reconnectInitialMs?: number; reconnectMaxMs?: number; waitForReconnectMs?: number }
  /** Where secrets live: Electron's safeStorage in the app (electron/main); by default the AES file store. */
  secrets?: SecretStore
  /** The environment to take HOME, SSH_AUTH_SOCK and POSTDESK_SECRET_PASSPHRASE from (default process.env). */
  env?: NodeJS.ProcessEnv
  /** The user's OpenSSH known_hosts to trust too (read only); null: none. Default ~/.ssh/known_hosts. */
  userKnownHostsPath?: string | null
  /** Log following tuning; tests shorten the retry delay. */
  logs?: { retryMs?: number; pollSeconds?: number; switchAfter?: number; giveUpMs?: number }
  /** The desktop's language, the UI's until one is chosen (the app: Electron's preferred system languages; default: from LC_ALL/LC_MESSAGES/LANG). */
  systemLocale?: () => Locale
}

/**
 * Wires the services the app window, the e2e harness and the `postdesk` CLI share. Nothing here
 * touches the network or the disk until a service is used.
 */
export async function createServices(o: CreateServicesOptions): Promise<Services> {
  const env = o.env ?? process.env
  const home = env['HOME'] || env['USERPROFILE'] || homedir()
  const localUser = env['USER'] || env['USERNAME'] || safeUserName()
  /** Who acts from this desktop, for the server's logs and the audit trail. */
  const desktopActor = `${localUser}@${hostname()}`
  const journal = new JsonlActivityJournal(o.dataDir, o.emit)
  const profiles = new JournaledProfileStore(new JsonProfileStore(o.dataDir), journal)
  const secrets = o.secrets ?? new CipherSecretStore(o.dataDir, aesFileCipher(o.dataDir, env['POSTDESK_SECRET_PASSPHRASE'] || undefined), FILE_SECRETS)
  const userKnownHostsPath = o.userKnownHostsPath === undefined ? join(home, '.ssh', 'known_hosts') : (o.userKnownHostsPath ?? undefined)
  // ssh2 speaks to Pageant on Windows when given 'pageant'; OpenSSH for Windows' agent sets SSH_AUTH_SOCK to its pipe.
  const agentPath = env['SSH_AUTH_SOCK'] || (process.platform === 'win32' ? 'pageant' : undefined)
  const knownHosts = new KnownHostsStore(o.dataDir, userKnownHostsPath)
  let firewall: FirewallService | undefined
  let configs: ConfigWorkspace | undefined
  const connections = new SshConnectionManager({
    profiles,
    knownHosts,
    journal,
    // On every connect the firewall compares the address the server sees with the home entry.
    emit: (name, payload) => {
      o.emit(name, payload)
      if (name === 'servers.connectionState' && (payload as { state: string }).state === 'connected') {
        void firewall?.checkHome((payload as { serverId: string }).serverId)
        // A config push cut off by a dropped link: ask the server how it ended (only when one was running).
        void configs?.checkLastPush((payload as { serverId: string }).serverId).catch(() => undefined)
      }
    },
    secrets,
    ...(agentPath ? { agentPath } : {}),
    ...o.ssh,
  })
  const facts = new ScriptFactsService({
    exec: (id, argv, opts) => connections.exec(id, argv, opts),
    generationOf: (id) => connections.generationOf(id),
  })
  // mysql2 over forwarded channels of the same SSH connection; credentials discovered on the server.
  const db = new DbService({ transport: connections, secrets, overrideOf: async (id) => profileDbOverride(await profiles.get(id)) })
  const execAsRoot = (id: string, argv: string[], opts?: ExecOptions) => connections.execAsRoot(id, argv, opts)
  const configBackups = new ConfigBackupRegistry(execAsRoot)
  const systemServices = new ServiceManager({ execAsRoot, journal, undo: configBackups })
  const queue = new QueueService({ execAsRoot, journal, postfixVersion: async (id) => (await facts.get(id)).postfix?.version ?? null })
  const dashboard = new DashboardService({
    execAsRoot,
    services: systemServices,
    queue,
    mailLog: async (id) => (await facts.get(id)).mailLog,
    homeIp: async (id) => {
      if (!firewall) throw new Error('the firewall service is not ready')
      return firewall.homeTile(id)
    },
  })
  // PostfixAdmin's data: one DB transaction per operation, settings from the server's own php, the log table naming us.
  const mailSettings = new PostfixAdminSettingsSource({ execAsRoot, installDirOf: async (id) => (await facts.get(id)).postfixadmin?.path ?? null })
  const mail = new MailService({
    databaseOf: (id) => ({ transaction: (fn) => db.transaction(id, fn) }),
    settingsOf: (id, opts) => mailSettings.get(id, opts),
    actor: `Postdesk (${desktopActor})`,
    emit: o.emit,
    execAsRoot,
  })
  return {
    info: { version: o.version, dataDir: o.dataDir, platform: process.platform, harness: o.harness },
    profiles,
    secrets,
    sshConfig: new SshConfigImporter(profiles, { home, localUser }),
    calls: new CallRegistry(),
    connections,
    facts,
    db,
    mail,
    journal,
    settings: new JsonSettingsStore(o.dataDir, o.systemLocale ?? (() => localeFromEnv(env))),
    firewall: (firewall = new FirewallService({
      dataDir: o.dataDir,
      remote: remoteRunner(connections),
      // The proof after a firewall change: a new connection of its own (short handshake timeout, no reconnects).
      fresh: freshRunner(() => new SshConnectionManager({ profiles, knownHosts, journal, emit: () => undefined, secrets, ...(agentPath ? { agentPath } : {}), ...o.ssh, readyTimeoutMs: Math.min(o.ssh?.readyTimeoutMs ?? 6000, 6000) })),
      profiles,
      journal,
      emit: o.emit,
    })),
    logs: new LogsService({
      transport: connections,
      resolveId: async (id) => (await profiles.get(id)).id,
      emit: o.emit,
      harness: o.harness,
      ...(o.logs ? { follow: o.logs } : {}),
    }),
    systemServices,
    configBackups,
    queue,
    dashboard,
    configs: (configs = new ConfigWorkspace({
      dataDir: o.dataDir,
      connections,
      secrets,
      journal,
      emit: o.emit,
      actor: desktopActor,
      facts,
      // The workspace journals each push with its author and snapshot; the installer only does the server side.
      installer: new ConfigInstaller({ connections, configBackups, actor: desktopActor }),
      // The Apache file of PostfixAdmin's allowlist block, as the firewall area knows it.
      apacheConfOf: async (id) => {
        const a = (await firewall?.get(id))?.apache
        return a?.enabled ? a.confPath : null
      },
      loginOf: async (id) => {
        const p = await profiles.get(id)
        return `${p.user}@${p.host}`
      },
    })),
  }
}

function safeUserName(): string {
  try {
    return userInfo().username
  } catch {
    return 'root'
  }
}

/** ja_JP.UTF-8 -> ja; C, POSIX or nothing -> en. */
function localeFromEnv(env: NodeJS.ProcessEnv): Locale {
  // the first one set decides, as for any POSIX program (LC_ALL=C means C, whatever LANG says)
  const v = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || ''
  return guessLocale([v.split('.')[0]!.replace('_', '-')])
}
