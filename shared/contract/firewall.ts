import { z } from 'zod'
import { Allowlist, AllowlistStatus, ApplyResult, FirewallHistoryItem, FirewallNote, FirewallProgress, HomeIpChange, RulePreview } from '../domain/firewall'
import { IpAddress, ServerId } from '../domain/server'
import type { ContractSection, EventSection } from './define'

const ApplyInput = {
  acceptForeignRemoval: z.boolean().optional(),
  confirmTimeoutSec: z.number().int().min(5).max(600).optional(),
}

export const firewallChannels = {
  'firewall.get': { input: z.object({ id: ServerId }), output: Allowlist },
  'firewall.save': { input: z.object({ id: ServerId, allowlist: Allowlist.omit({ server: true }) }), output: Allowlist },
  /** Detects the backends and the home IP (the server's $SSH_CONNECTION, and the what-is-my-IP URL if asked). */
  'firewall.status': { input: z.object({ id: ServerId, useUrl: z.boolean().default(false) }), output: AllowlistStatus },
  /** The rules before/after applying `allowlist` (default the stored one), nothing changed on the server. */
  'firewall.preview': { input: z.object({ id: ServerId, allowlist: Allowlist.omit({ server: true }).optional() }), output: RulePreview },
  'firewall.apply': { input: z.object({ id: ServerId, allowlist: Allowlist.omit({ server: true }).optional(), ...ApplyInput }), output: ApplyResult },
  /** The one-click refresh: the home entry takes the address the server sees (or `address`), then a confirmed apply. */
  'firewall.refresh': { input: z.object({ id: ServerId, entry: z.string().max(32).optional(), address: IpAddress.optional(), ...ApplyInput }), output: ApplyResult },
  'firewall.block': { input: z.object({ id: ServerId, address: IpAddress, reason: z.string().max(200).optional(), ...ApplyInput }), output: ApplyResult },
  'firewall.history': { input: z.object({ id: ServerId }), output: z.array(FirewallHistoryItem) },
} satisfies ContractSection

export const firewallEvents = {
  'firewall.progress': { payload: FirewallProgress },
  'firewall.homeIpChanged': { payload: HomeIpChange.extend({ server: z.string() }) },
  /** A refresh started from the tray/application menu finished (the renderer shows it as a toast). */
  'firewall.refreshed': {
    payload: z.object({
      server: z.string(),
      name: z.string(),
      source: z.literal('menu'),
      outcome: z.union([ApplyResult.shape.outcome, z.literal('error')]),
      message: z.string(),
      confirmedFrom: z.string().optional(),
      code: z.string().optional(),
      /** `message` as codes the renderer translates. */
      notes: z.array(FirewallNote).default([]),
    }),
  },
} satisfies EventSection
