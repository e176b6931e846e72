import { z } from 'zod'
import { IpAddress, ServerId } from './server'

/** What an allowlist entry may reach. `ssh` and `postfixadmin` are named services; `tcp/N` any TCP port. */
export const AccessTarget = z.union([z.enum(['ssh', 'postfixadmin']), z.string().regex(/^tcp\/([1-9][0-9]{0,4})$/, 'tcp/PORT')]).refine((t) => !t.startsWith('tcp/') || Number(t.slice(4)) <= 65535, 'port 1-65535')
export type AccessTarget = z.infer<typeof AccessTarget>

export const EntryName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'letters, digits, dot, dash, underscore (max 32)')

export const AddressChange = z.object({ address: IpAddress, from: z.string(), until: z.string() })
export type AddressChange = z.infer<typeof AddressChange>

export const AllowEntry = z.object({
  name: EntryName,
  ipv4: z.ipv4().optional(),
  ipv6: z.ipv6().optional(),
  access: z.array(AccessTarget).max(32),
  /** The entry that follows the admin's home address (the refresh updates it). */
  home: z.boolean().default(false),
  since: z.string().optional(),
  history: z.array(AddressChange).default([]),
})
export type AllowEntry = z.infer<typeof AllowEntry>

export const BlockEntry = z.object({ address: IpAddress, reason: z.string().max(200).optional(), since: z.string() })
export type BlockEntry = z.infer<typeof BlockEntry>

export const FirewallBackend = z.enum(['iptables', 'nftables', 'firewalld', 'ufw'])
export type FirewallBackend = z.infer<typeof FirewallBackend>
export const ApacheVersion = z.enum(['2.2', '2.4'])

export const ApacheSettings = z.object({
  enabled: z.boolean().default(false),
  /** The file holding PostfixAdmin's Apache block (Debian: /etc/apache2/conf-available/postfixadmin.conf). */
  confPath: z.string().min(1).max(1024),
  /** The URL path the block guards (PostfixAdmin's Alias). */
  webPath: z.string().min(1).max(200).default('/postfixadmin'),
  version: ApacheVersion.optional(),
})
export type ApacheSettings = z.infer<typeof ApacheSettings>

export const Allowlist = z.object({
  server: ServerId,
  /** undefined: the first backend detected (nftables, then iptables, firewalld, ufw). */
  backend: FirewallBackend.optional(),
  entries: z.array(AllowEntry).max(64).default([]),
  blocked: z.array(BlockEntry).max(4096).default([]),
  apache: ApacheSettings.optional(),
  /** Where the confirmed rules are saved across reboots; undefined: the distribution's place; null: not persisted. */
  persistPath: z.string().min(1).max(1024).nullable().optional(),
  /** An HTTPS URL answering with the caller's address (a second opinion on the home IP). */
  whatIsMyIpUrl: z.url({ protocol: /^https$/ }).optional(),
  confirmTimeoutSec: z.number().int().min(5).max(600).default(60),
})
export type Allowlist = z.infer<typeof Allowlist>

export const BackendInfo = z.object({
  available: z.array(FirewallBackend),
  chosen: FirewallBackend.nullable(),
  apache: z.object({ present: z.boolean(), version: ApacheVersion.nullable(), running: z.boolean() }),
  at: z.boolean(),
})
export type BackendInfo = z.infer<typeof BackendInfo>

export const HomeIp = z.object({
  /** The client address in the server's $SSH_CONNECTION: what its firewall sees. */
  fromSsh: IpAddress.nullable(),
  fromUrl: IpAddress.nullable().optional(),
  urlError: z.string().optional(),
})
export type HomeIp = z.infer<typeof HomeIp>

export const HomeIpChange = z.object({ entry: z.string(), from: z.string().nullable(), to: z.string() })
export type HomeIpChange = z.infer<typeof HomeIpChange>

/** firewalld's zones as Postdesk sees them: its rich rules go in every zone that receives traffic. */
export const FirewalldZones = z.object({
  /** The default zone (it takes the traffic of interfaces bound to no zone). */
  defaultZone: z.string().nullable(),
  /** The zones that receive traffic (default, active, permanently bound): where Postdesk's rules belong. */
  zones: z.array(z.string()),
  /** The zones that hold Postdesk's rules now (a zone here but not in `zones` is cleaned on the next apply). */
  withRules: z.array(z.string()),
})
export type FirewalldZones = z.infer<typeof FirewalldZones>

export const AllowlistStatus = z.object({
  allowlist: Allowlist,
  backends: BackendInfo,
  home: HomeIp,
  change: HomeIpChange.nullable(),
  /** The owned rules on the server now, one line per rule, in the backend's syntax. */
  rulesNow: z.array(z.string()),
  /** With firewalld running: its zones (where the rules go and where they are now). */
  firewalld: FirewalldZones.optional(),
})
export type AllowlistStatus = z.infer<typeof AllowlistStatus>

export const RulePreview = z.object({
  backend: FirewallBackend,
  before: z.array(z.string()),
  after: z.array(z.string()),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  /** Removed rules that Postdesk did not write (a second confirmation is needed). */
  foreignRemoved: z.array(z.string()),
  apache: z.object({ before: z.array(z.string()), after: z.array(z.string()) }).optional(),
  next: Allowlist,
})
export type RulePreview = z.infer<typeof RulePreview>

/**
 * A sentence of a result or an error as a code the renderer translates (`firewall.note.<code>`), with
 * its parameters (addresses, paths, counts, and technical text from the server kept as-is). The
 * service's English message stays as the CLI's text and the fallback for unknown codes.
 */
export const FirewallNote = z.object({ code: z.string().regex(/^[a-z][a-z0-9-]*$/), params: z.record(z.string(), z.union([z.string(), z.number()])).default({}) })
export type FirewallNote = z.infer<typeof FirewallNote>

export const ApplyPhase = z.enum(['detect', 'preview', 'schedule', 'apply', 'confirm', 'persist', 'rollback-wait', 'done'])
export type ApplyPhase = z.infer<typeof ApplyPhase>
export const FirewallProgress = z.object({ server: z.string(), phase: ApplyPhase, message: z.string().optional() })
export type FirewallProgress = z.infer<typeof FirewallProgress>
export const ApplyResult = z.object({
  outcome: z.enum(['confirmed', 'rolled-back', 'unchanged', 'needs-confirmation', 'failed']),
  backend: FirewallBackend,
  message: z.string(),
  /** Milliseconds spent per phase. */
  timings: z.record(z.string(), z.number()),
  /** The fresh connection's client address as the server saw it. */
  confirmedFrom: z.string().optional(),
  probes: z.array(z.object({ port: z.number(), reachable: z.boolean() })).default([]),
  rollbackFired: z.boolean(),
  preview: RulePreview,
  /** `message` as translatable codes. */
  notes: z.array(FirewallNote).default([]),
})
export type ApplyResult = z.infer<typeof ApplyResult>

export const FirewallHistoryItem = z.object({
  time: z.string(),
  action: z.string(),
  outcome: z.string(),
  /** English text (the CLI's, and the fallback). */
  detail: z.string(),
  /** The same as codes the renderer translates (older items have none). */
  notes: z.array(FirewallNote).optional(),
})
export type FirewallHistoryItem = z.infer<typeof FirewallHistoryItem>
