import { Option, type Command } from 'commander'
import { AccessTarget, type Allowlist, type AllowEntry, type ApplyResult, FirewallBackend, type FirewalldZones } from '../../../shared/domain/firewall'
import { IpAddress } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import type { ApplyOptions } from '../../services/firewall/firewall-service'
import { CliFailure, printJson, type CliContext } from '../cli-context'
import { formatCliError } from '../format-error'
import { textTable } from '../text-table'

interface ApplyFlags {
  confirmTimeout?: string
  yes?: boolean
  json?: boolean
}

/** `postdesk allowlist status|refresh|add|remove|config|apply NAME …` and `postdesk block NAME IP`. */
export function registerAllowlist(program: Command, ctx: CliContext): void {
  const al = program.command('allowlist').description('the home-IP firewall allowlist (iptables, nftables, Apache), applied with a rollback unless confirmed')

  al.command('status <name>')
    .description("compare the allowlist with the address the server sees (\"home IP changed from A to B\")")
    .option('--url', 'also ask the configured what-is-my-IP URL')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { url?: boolean; json?: boolean }) => {
      const { s, id } = await connected(ctx, name)
      const st = await s.firewall.status(id, { useUrl: o.url === true })
      if (o.json) return printJson(ctx, st)
      const lines: string[][] = [
        ['Backend', `${st.backends.chosen ?? 'none'} (available: ${st.backends.available.join(', ') || 'none'})`],
        ...(st.firewalld ? [['firewalld zones', `${st.firewalld.zones.map((z) => (z === st.firewalld?.defaultZone ? `${z} (default)` : z)).join(', ') || '-'}${staleOf(st.firewalld).length ? `; Postdesk rules left in ${staleOf(st.firewalld).join(', ')} (removed on the next apply)` : ''}`]] : []),
        ['Apache', st.backends.apache.present ? `${st.backends.apache.version ?? '?'}${st.backends.apache.running ? ', running' : ', not running'}` : '-'],
        ['Address seen by the server', st.home.fromSsh ?? '-'],
        ...(st.home.fromUrl !== undefined || st.home.urlError ? [['Address from the URL', st.home.fromUrl ?? `failed: ${st.home.urlError ?? '?'}`]] : []),
        ['Home IP', st.change ? `changed from ${st.change.from ?? '(none)'} to ${st.change.to} (entry "${st.change.entry}"): run \`postdesk allowlist refresh ${name}\`` : 'unchanged'],
      ]
      ctx.io.out(textTable(lines))
      ctx.io.out(entryTable(st.allowlist))
      ctx.io.out(`Rules on the server (${st.rulesNow.length}):\n${st.rulesNow.map((r) => `  ${r}\n`).join('')}`)
    })

  applyFlags(
    al.command('refresh <name>')
      .description('point the home entry at the address the server sees now, then apply with rollback unless confirmed')
      .option('--entry <entry>', 'the entry to update (default: the home entry)')
      .option('--address <ip>', 'use this address instead of the detected one'),
  ).action(async (name: string, o: ApplyFlags & { entry?: string; address?: string }) => {
    if (o.address && !IpAddress.safeParse(o.address).success) throw new AppError('invalid-input', `Not an IP address: ${o.address}`)
    const { s, id } = await connected(ctx, name)
    report(ctx, await s.firewall.refresh(id, { ...applyOpts(o), ...(o.entry ? { entry: o.entry } : {}), ...(o.address ? { address: o.address } : {}) }), o.json)
  })

  applyFlags(al.command('apply <name>').description('apply the stored allowlist with rollback unless confirmed')).action(async (name: string, o: ApplyFlags) => {
    const { s, id } = await connected(ctx, name)
    report(ctx, await s.firewall.apply(id, undefined, applyOpts(o)), o.json)
  })

  applyFlags(
    al.command('add <name> <entry>')
      .description('add or replace an entry (stored; applied with --apply)')
      .option('--ipv4 <ip>', 'IPv4 address')
      .option('--ipv6 <ip>', 'IPv6 address')
      .option('--access <list>', 'comma separated: ssh, postfixadmin, tcp/993, tcp/995 …', 'tcp/993,tcp/995,postfixadmin')
      .option('--home', 'this entry follows the home address (refresh updates it)')
      .option('--apply', 'apply at once'),
  ).action(async (name: string, entryName: string, o: ApplyFlags & { ipv4?: string; ipv6?: string; access: string; home?: boolean; apply?: boolean }) => {
    const s = await ctx.services()
    const id = (await s.profiles.get(name)).id
    const access = o.access.split(',').map((a) => a.trim()).filter(Boolean)
    for (const a of access) if (!AccessTarget.safeParse(a).success) throw new AppError('invalid-input', `Unknown access "${a}": use ssh, postfixadmin or tcp/PORT.`)
    const current = await s.firewall.get(id)
    const old = current.entries.find((e) => e.name === entryName)
    const entry: AllowEntry = {
      name: entryName,
      access: access as AllowEntry['access'],
      home: o.home === true || (old?.home ?? false),
      history: old?.history ?? [],
      since: new Date().toISOString(),
      ...(o.ipv4 ? { ipv4: o.ipv4 } : old?.ipv4 ? { ipv4: old.ipv4 } : {}),
      ...(o.ipv6 ? { ipv6: o.ipv6 } : old?.ipv6 ? { ipv6: old.ipv6 } : {}),
    }
    const entries = [...current.entries.filter((e) => e.name !== entryName).map((e) => (entry.home ? { ...e, home: false } : e)), entry]
    const saved = await s.firewall.save(id, { ...current, entries })
    await maybeApply(ctx, name, saved, o.apply === true, o)
  })

  applyFlags(al.command('remove <name> <entry>').description('remove an entry (stored; applied with --apply)').option('--apply', 'apply at once')).action(
    async (name: string, entryName: string, o: ApplyFlags & { apply?: boolean }) => {
      const s = await ctx.services()
      const id = (await s.profiles.get(name)).id
      const current = await s.firewall.get(id)
      if (!current.entries.some((e) => e.name === entryName)) throw new AppError('not-found', `No allowlist entry "${entryName}" for ${name}.`)
      const saved = await s.firewall.save(id, { ...current, entries: current.entries.filter((e) => e.name !== entryName) })
      await maybeApply(ctx, name, saved, o.apply === true, o)
    },
  )

  al.command('config <name>')
    .description('backend, persistence, Apache block, what-is-my-IP URL, confirm timeout')
    .option('--backend <backend>', 'iptables | nftables | firewalld | ufw | auto')
    .option('--persist-path <path>', "where confirmed rules are saved ('' for the distribution's place, 'off' for none)")
    .option('--apache-conf <path>', "the file holding PostfixAdmin's Apache block ('off' to stop managing it)")
    .option('--apache-path <path>', "PostfixAdmin's URL path", '/postfixadmin')
    .option('--apache-version <v>', '2.2 or 2.4 (default: detected)')
    .option('--url <https-url>', "a what-is-my-IP URL ('' to clear)")
    .option('--confirm-timeout <seconds>', 'rollback timer (default 60)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { backend?: string; persistPath?: string; apacheConf?: string; apachePath: string; apacheVersion?: string; url?: string; confirmTimeout?: string; json?: boolean }) => {
      const s = await ctx.services()
      const id = (await s.profiles.get(name)).id
      const cur: Allowlist = await s.firewall.get(id)
      const next: Allowlist = { ...cur }
      if (o.backend !== undefined) {
        if (o.backend === 'auto') delete next.backend
        else next.backend = FirewallBackend.parse(o.backend)
      }
      if (o.persistPath !== undefined) {
        if (o.persistPath === '') delete next.persistPath
        else next.persistPath = o.persistPath === 'off' ? null : o.persistPath
      }
      if (o.apacheConf !== undefined) {
        if (o.apacheConf === 'off') delete next.apache
        else next.apache = { enabled: true, confPath: o.apacheConf, webPath: o.apachePath, ...(o.apacheVersion === '2.2' || o.apacheVersion === '2.4' ? { version: o.apacheVersion } : {}) }
      }
      if (o.url !== undefined) {
        if (o.url === '') delete next.whatIsMyIpUrl
        else next.whatIsMyIpUrl = o.url
      }
      if (o.confirmTimeout !== undefined) next.confirmTimeoutSec = seconds(o.confirmTimeout)
      const saved = await s.firewall.save(id, next)
      if (o.json) return printJson(ctx, saved)
      ctx.io.out(`Saved the allowlist settings of ${name}.\n`)
    })
}

export function registerBlock(program: Command, ctx: CliContext): void {
  applyFlags(
    program
      .command('block <name> <ip>')
      .description('block an address (e.g. one seen attacking), applied with rollback unless confirmed')
      .option('--reason <text>', 'why (kept with the entry)'),
  )
    .addOption(hiddenSelfBlock())
    .action(async (name: string, ip: string, o: ApplyFlags & { reason?: string; faultSelfBlock?: boolean }) => {
      if (!IpAddress.safeParse(ip).success) throw new AppError('invalid-input', `Not an IP address: ${ip}`)
      const { s, id } = await connected(ctx, name)
      report(ctx, await s.firewall.block(id, ip, { ...applyOpts(o), ...(o.reason ? { reason: o.reason } : {}), ...(o.faultSelfBlock ? { allowSelfBlock: true } : {}) }), o.json)
    })
}

/** Fault injection for the lockout tests: lets the block cut this client's own SSH access. */
function hiddenSelfBlock(): Option {
  return new Option('--fault-self-block').hideHelp()
}

function applyFlags(c: Command): Command {
  return c.option('--confirm-timeout <seconds>', 'seconds until the server restores the old rules unless confirmed').option('--yes', 'also remove rules Postdesk did not write').option('--json', 'print JSON')
}

function applyOpts(o: ApplyFlags): ApplyOptions {
  return { ...(o.confirmTimeout ? { confirmTimeoutSec: seconds(o.confirmTimeout) } : {}), ...(o.yes ? { acceptForeignRemoval: true } : {}) }
}

function seconds(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 5 || n > 600) throw new AppError('invalid-input', `--confirm-timeout wants whole seconds from 5 to 600, not "${v}".`)
  return n
}

async function connected(ctx: CliContext, name: string) {
  const s = await ctx.services()
  const profile = await s.profiles.get(name)
  try {
    await s.connections.connect(profile.id)
  } catch (e) {
    throw new CliFailure(formatCliError(e, { server: profile.id }), e)
  }
  return { s, id: profile.id }
}

async function maybeApply(ctx: CliContext, name: string, saved: Allowlist, apply: boolean, o: ApplyFlags): Promise<void> {
  if (!apply) {
    if (o.json) return printJson(ctx, saved)
    ctx.io.out(entryTable(saved) + `Stored. Apply with: postdesk allowlist apply ${name}\n`)
    return
  }
  const { s, id } = await connected(ctx, name)
  report(ctx, await s.firewall.apply(id, undefined, applyOpts(o)), o.json)
}

/** Zones that hold Postdesk's firewalld rules but no longer receive traffic. */
function staleOf(z: FirewalldZones): string[] {
  return z.withRules.filter((w) => !z.zones.includes(w))
}

function entryTable(a: Allowlist): string {
  if (a.entries.length === 0 && a.blocked.length === 0) return 'No allowlist entries.\n'
  return textTable([
    ['ENTRY', 'IPV4', 'IPV6', 'ACCESS', 'HOME'],
    ...a.entries.map((e) => [e.name, e.ipv4 ?? '-', e.ipv6 ?? '-', e.access.join(',') || '-', e.home ? 'yes' : '']),
    ...a.blocked.map((b) => ['(blocked)', b.address, '', b.reason ?? '', '']),
  ])
}

/** Prints the result; exits non-zero when the rollback fired or the change failed (the JSON then comes as the error's detail). */
function report(ctx: CliContext, r: ApplyResult, json?: boolean): void {
  const bad = r.outcome === 'rolled-back' || r.outcome === 'failed' || r.outcome === 'needs-confirmation'
  if (bad) {
    const code = r.outcome === 'needs-confirmation' ? 'conflict' : 'remote-failed'
    throw new CliFailure(`postdesk: ${r.outcome}: ${r.message}`, new AppError(code, r.message, { result: r }))
  }
  if (json) return printJson(ctx, r)
  const t = r.timings
  ctx.io.out(
    [
      `${r.outcome}: ${r.message}`,
      ...r.preview.added.map((l) => `  + ${l}`),
      ...r.preview.removed.map((l) => `  - ${l}`),
      ...r.probes.map((p) => `  port ${p.port}: ${p.reachable ? 'reachable' : 'not reachable'} from here`),
      `  time: detect ${t['detect'] ?? 0} ms, apply ${t['apply'] ?? 0} ms, confirm ${t['confirm'] ?? 0} ms, persist ${t['persist'] ?? 0} ms`,
      '',
    ].join('\n'),
  )
}
