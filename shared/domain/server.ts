import { z } from 'zod'

// Hostname or IP literal; kept permissive (IDN hosts arrive as punycode from the form).
const hostRe = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/

export const ServerId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
export const ServerName = z.string().trim().min(1, 'required').max(64)
export const HostName = z.string().trim().min(1, 'required').max(253).regex(hostRe, 'not a host name or IP address')
export const Port = z.number().int().min(1).max(65535)
export const UserName = z.string().trim().min(1, 'required').max(64).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'not a valid user name')
export const FilePath = z.string().trim().min(1, 'required').max(4096)
export const IpAddress = z.union([z.ipv4(), z.ipv6()])

export const NewServer = z.object({
  name: ServerName,
  host: HostName,
  port: Port.default(22),
  user: UserName,
  keyPath: FilePath,
  /** Local source address to connect from (multi-homed desktops; tests that play "the home IP changed"). */
  localAddress: IpAddress.optional(),
})
export type NewServer = z.infer<typeof NewServer>

export const ServerProfile = NewServer.extend({
  id: ServerId,
  createdAt: z.string(),
})
export type ServerProfile = z.infer<typeof ServerProfile>

export const HostKeyFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'an OpenSSH SHA256 fingerprint')

export const ConnectionState = z.enum(['connecting', 'connected', 'reconnecting', 'offline'])
export type ConnectionState = z.infer<typeof ConnectionState>

export const ConnectionStatus = z.object({
  serverId: ServerId,
  state: ConnectionState,
  reason: z.string().optional(),
  retryInSec: z.number().optional(),
  hostKey: z.object({ algorithm: z.string(), fingerprint: HostKeyFingerprint }).optional(),
  serverBanner: z.string().optional(),
})
export type ConnectionStatus = z.infer<typeof ConnectionStatus>
