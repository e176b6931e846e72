import { z } from 'zod'
import { ConnectionEvent, ConnectionStatus, FilePath, HostKeyFingerprint, NewServer, SecretKind, ServerId, ServerProfile } from '../domain/server'
import { ServerFacts } from '../domain/facts'
import type { ContractSection, EventSection } from './define'

/** Names a long call so that servers.cancel can abort it. */
export const CallId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

export const SshConfigHost = z.object({ alias: z.string(), profile: NewServer.optional(), problems: z.array(z.string()) })

export const serversChannels = {
  'servers.list': { input: z.object({}), output: z.array(ServerProfile) },
  'servers.add': { input: NewServer, output: ServerProfile },
  /** Replaces the settings of a profile (its id stays); secrets are set through servers.setSecret. */
  'servers.update': { input: z.object({ id: ServerId, profile: NewServer }), output: ServerProfile },
  'servers.remove': { input: z.object({ id: ServerId }), output: z.object({ removed: z.boolean() }) },
  /** Fails with `host-key-unknown` (detail: algorithm, fingerprint) until the user accepts that fingerprint. */
  'servers.connect': {
    input: z.object({ id: ServerId, acceptFingerprint: HostKeyFingerprint.optional(), callId: CallId.optional() }),
    output: ConnectionStatus,
  },
  /** Drops the connection (if any) and opens a new one now, e.g. while a reconnect is waiting. */
  'servers.reconnect': { input: z.object({ id: ServerId }), output: ConnectionStatus },
  /** The server's connection events (in memory in the main process), oldest first. */
  'servers.connectionEvents': { input: z.object({ id: ServerId }), output: z.array(ConnectionEvent) },
  /** Aborts a call started with this callId (servers.connect, servers.facts). */
  'servers.cancel': { input: z.object({ callId: CallId }), output: z.object({ cancelled: z.boolean() }) },
  /** Stores a secret (encrypted by the SecretStore). The value never comes back: only which kinds are stored. */
  'servers.setSecret': {
    input: z.object({ id: ServerId, kind: SecretKind, value: z.string().min(1).max(4096) }),
    output: z.object({ kinds: z.array(SecretKind) }),
  },
  'servers.clearSecret': { input: z.object({ id: ServerId, kind: SecretKind }), output: z.object({ kinds: z.array(SecretKind) }) },
  'servers.secrets': { input: z.object({ id: ServerId }), output: z.object({ kinds: z.array(SecretKind), protection: z.string() }) },
  /** The Host entries of an OpenSSH config (default ~/.ssh/config) as the profiles they would become. */
  'servers.sshConfigHosts': {
    input: z.object({ file: FilePath.optional() }),
    output: z.object({ file: z.string(), hosts: z.array(SshConfigHost) }),
  },
  'servers.importSshConfig': {
    input: z.object({ file: FilePath.optional(), hosts: z.array(z.string().min(1).max(255)).min(1).max(200) }),
    output: z.object({ added: z.array(ServerProfile), skipped: z.array(z.object({ alias: z.string(), reason: z.string() })) }),
  },
  'servers.disconnect': { input: z.object({ id: ServerId }), output: ConnectionStatus },
  'servers.status': { input: z.object({ id: ServerId }), output: ConnectionStatus },
  /** Forgets the stored host key(s) of the server's host:port, e.g. after a deliberate key change (host-key-mismatch). */
  'servers.forgetHostKey': { input: z.object({ id: ServerId }), output: z.object({ removed: z.number().int().min(0) }) },
  'servers.facts': { input: z.object({ id: ServerId, refresh: z.boolean().default(false), callId: CallId.optional() }), output: ServerFacts },
} satisfies ContractSection

export const serversEvents = {
  'servers.connectionState': { payload: ConnectionStatus },
} satisfies EventSection
