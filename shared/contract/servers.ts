import { z } from 'zod'
import { ConnectionStatus, HostKeyFingerprint, NewServer, ServerId, ServerProfile } from '../domain/server'
import { ServerFacts } from '../domain/facts'
import type { ContractSection, EventSection } from './define'

export const serversChannels = {
  'servers.list': { input: z.object({}), output: z.array(ServerProfile) },
  'servers.add': { input: NewServer, output: ServerProfile },
  'servers.remove': { input: z.object({ id: ServerId }), output: z.object({ removed: z.boolean() }) },
  /** Fails with `host-key-unknown` (detail: algorithm, fingerprint) until the user accepts that fingerprint. */
  'servers.connect': {
    input: z.object({ id: ServerId, acceptFingerprint: HostKeyFingerprint.optional() }),
    output: ConnectionStatus,
  },
  'servers.disconnect': { input: z.object({ id: ServerId }), output: ConnectionStatus },
  'servers.status': { input: z.object({ id: ServerId }), output: ConnectionStatus },
  /** Forgets the stored host key(s) of the server's host:port, e.g. after a deliberate key change (host-key-mismatch). */
  'servers.forgetHostKey': { input: z.object({ id: ServerId }), output: z.object({ removed: z.number().int().min(0) }) },
  'servers.facts': { input: z.object({ id: ServerId, refresh: z.boolean().default(false) }), output: ServerFacts },
} satisfies ContractSection

export const serversEvents = {
  'servers.connectionState': { payload: ConnectionStatus },
} satisfies EventSection
