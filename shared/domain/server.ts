import { z } from 'zod'
import { DbOverride } from './db'
import { LogSourceChoice } from './log-source'

// Hostname or IP literal; kept permissive (IDN hosts arrive as punycode from the form).
const hostRe = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/

export const ServerId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
export const ServerName = z.string().trim().min(1, 'required').max(64)
export const HostName = z.string().trim().min(1, 'required').max(253).regex(hostRe, 'not a host name or IP address')
export const Port = z.number().int().min(1).max(65535)
export const UserName = z.string().trim().min(1, 'required').max(64).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'not a valid user name')
export const FilePath = z.string().trim().min(1, 'required').max(4096)
export const IpAddress = z.union([z.ipv4(), z.ipv6()])

/** How to log in, tried in the profile's order (OpenSSH's PreferredAuthentications). */
export const AuthMethod = z.enum(['publickey', 'agent', 'password', 'keyboard-interactive'])
export type AuthMethod = z.infer<typeof AuthMethod>
export const authMethods: readonly AuthMethod[] = AuthMethod.options

/**
 * How root commands run: `none` logs in as root (or runs as the login user), `sudo-n` uses
 * `sudo -n` (NOPASSWD rules), `sudo-S` feeds the stored sudo password on stdin (never argv).
 */
export const SudoMode = z.enum(['none', 'sudo-n', 'sudo-S'])
export type SudoMode = z.infer<typeof SudoMode>

/** One ProxyJump hop; its key defaults to the profile's key, and the agent is tried after it. */
export const JumpHost = z.object({
  host: HostName,
  port: Port.default(22),
  user: UserName,
  keyPath: FilePath.optional(),
})
export type JumpHost = z.infer<typeof JumpHost>

/** What kind of secret the SecretStore keeps for a server (values never travel back to the renderer). */
export const SecretKind = z.enum(['passphrase', 'password', 'sudo', 'db'])
export type SecretKind = z.infer<typeof SecretKind>

// The fields of a profile. The new ones are optional so that profiles.json files written before
// them still load; `effectiveAuthMethods` gives the order actually tried. Room is left for more
// optional blocks (e.g. a DB override).
const profileFields = {
  name: ServerName,
  host: HostName,
  port: Port.default(22),
  user: UserName,
  /** The private key file (for `publickey`); its passphrase, if any, is a secret of kind `passphrase`. */
  keyPath: FilePath.optional(),
  /** Local source address to connect from (multi-homed desktops; tests that play "the home IP changed"). */
  localAddress: IpAddress.optional(),
  /** Auth methods in the order tried; absent: the key file if there is one, else the agent. */
  authMethods: z
    .array(AuthMethod)
    .min(1)
    .max(4)
    .refine((a) => new Set(a).size === a.length, 'each method at most once')
    .optional(),
  /** ProxyJump hops, first to last; each has its own host-key check. */
  jumpHosts: z.array(JumpHost).max(5).optional(),
  sudo: SudoMode.optional(),
  /** Database connection settings that replace what is discovered on the server; its password is a secret of kind `db`. */
  db: DbOverride.optional(),
  /** The log view's source, chosen there and kept across restarts; absent: 'auto' (see logSourceOf). */
  logSource: LogSourceChoice.optional(),
}

/** The auth methods a profile tries, in order. */
export function effectiveAuthMethods(p: { keyPath?: string | undefined; authMethods?: readonly AuthMethod[] | undefined }): AuthMethod[] {
  if (p.authMethods?.length) return [...p.authMethods]
  return p.keyPath ? ['publickey'] : ['agent']
}

/** The log source a profile asks for: its saved choice, else 'auto'. */
export function logSourceOf(p: { logSource?: LogSourceChoice | undefined }): LogSourceChoice {
  return p.logSource ?? 'auto'
}

function checkProfile(p: { keyPath?: string | undefined; authMethods?: readonly AuthMethod[] | undefined }, ctx: z.RefinementCtx): void {
  if (effectiveAuthMethods(p).includes('publickey') && !p.keyPath) {
    ctx.addIssue({ code: 'custom', path: ['keyPath'], message: 'required for public-key authentication' })
  }
}

export const NewServer = z.object(profileFields).superRefine(checkProfile)
export type NewServer = z.infer<typeof NewServer>

export const ServerProfile = z
  .object({
    ...profileFields,
    id: ServerId,
    createdAt: z.string(),
  })
  .superRefine(checkProfile)
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

/** One entry of a server's connection-events log (kept in memory by the main process). */
export const ConnectionEvent = z.object({
  time: z.string(),
  state: ConnectionState,
  message: z.string().optional(),
  retryInSec: z.number().optional(),
})
export type ConnectionEvent = z.infer<typeof ConnectionEvent>
