import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { Allowlist, type AllowlistStatus, type FirewallNote, type ApplyPhase, type ApplyResult, type BackendInfo, type FirewallBackend, type FirewallHistoryItem, type HomeIpChange, type RulePreview } from '../../../shared/domain/firewall'
import type { HomeIpTile } from '../../../shared/domain/system'
import { AppError, toErrorShape } from '../../../shared/errors'
import { apacheBlock, apacheOwned, apacheVersionOf, withApacheBlock } from '../../../shared/firewall/apache-block'
import { clientAddressOf, homeEntryOf, lineDiff, ruleModel, webAllowed, withEntryAddress } from '../../../shared/firewall/allowlist-model'
import { IPT_JUMP, iptablesChainRules, iptablesRestoreInput, iptablesRollbackInput, ownedIptables, type IptablesOwned } from '../../../shared/firewall/iptables-rules'
import { NFT_TABLE, nftRollbackScript, nftRuleLines, nftScript, nftTable } from '../../../shared/firewall/nft-rules'
import { firewalldCommandsForLines, firewalldLines, parseFirewalldState, parseZoneRuleLine, type FirewalldState } from '../../../shared/firewall/firewalld-commands'
import { ownedUfwLines, ufwCommandsForLines, ufwRuleLines } from '../../../shared/firewall/ufw-commands'
import type { ActivityJournal, EmitEvent, ExecOptions, ExecResult, ProfileStore } from '../types'
import { AllowlistStore } from './allowlist-store'
import { applyScript, cleanupScript, confirmScript, detectScript, parseDetect, rollbackStateScript, type TxnFile, type TxnPlan } from './remote-scripts'
import { shellQuote } from '../ssh/shell-quote'
import { whatIsMyIp } from './what-is-my-ip'

/** Runs argv as root (the profile's way: root login, sudo -n or sudo -S) over the app's existing connection. */
export interface RemoteRunner {
  exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** `$SSH_CONNECTION` as the login user sees it (sudo drops it from the environment). */
  sshConnection(serverId: string): Promise<string>
}
/** Opens a NEW connection for one command and closes it: the proof that access still works after a change. */
export interface FreshRunner {
  /** Runs argv as root on a new connection; `sshConnection` is that connection's `$SSH_CONNECTION`. */
  run(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult & { sshConnection: string }>
}

export interface FirewallServiceOptions {
  dataDir: string
  remote: RemoteRunner
  fresh: FreshRunner
  profiles: Pick<ProfileStore, 'get'>
  journal: ActivityJournal
  emit: EmitEvent
  /** Test seam for the what-is-my-IP fetch (a local HTTPS server's CA). */
  whatIsMyIpCa?: string | Buffer
  /** How often the app looks whether the rollback has fired, after a failed confirmation. */
  rollbackPollMs?: number
}

export interface ApplyOptions {
  /** Needed when the change removes owned-table rules Postdesk did not write itself. */
  acceptForeignRemoval?: boolean
  confirmTimeoutSec?: number
  /** Fault injection for tests: let a change through that cuts the app's own SSH access. */
  allowSelfBlock?: boolean
  action?: string
  signal?: AbortSignal
}

/** What the server has now (one round trip). */
interface ServerState {
  clientIp: string | null
  backends: BackendInfo
  keys: Record<string, string>
  ipt4: IptablesOwned
  ipt6: IptablesOwned
  ip6tables: boolean
  nftListing: string
  /** `ufw show added` (only when ufw is active). */
  ufwListing: string
  ufwActive: boolean
  /** firewalld's permanent owned state (only when it is running). */
  fwd: FirewalldState
  fwdRunning: boolean
  apacheConf: string | undefined
  apacheBin: boolean
}

const V6_TAG = '[ipv6] '

/**
 * The home-IP allowlist: an allowlist per server (stored in the data dir), rules generated for the
 * server's backend, and a "commit confirmed" apply: a rollback scheduled on the server before anything
 * changes, the change in one atomic step, a fresh SSH connection as the proof, and only then the
 * rollback cancelled and the rules persisted. If the proof never comes, the server restores the old
 * rules by itself and the app reports that.
 */
export class FirewallService {
  readonly store: AllowlistStore
  private readonly pollMs: number

  constructor(private readonly o: FirewallServiceOptions) {
    this.store = new AllowlistStore(o.dataDir)
    this.pollMs = o.rollbackPollMs ?? 1000
  }

  /** Drops what is kept for a removed server (its allowlist and history); true when there was something. */
  forget(serverId: string): Promise<boolean> {
    return this.store.forget(serverId)
  }

  async get(server: string): Promise<Allowlist> {
    const id = await this.idOf(server)
    return (await this.store.read(id)).allowlist
  }

  /** Replaces the stored allowlist (nothing changes on the server until apply/refresh). */
  async save(server: string, input: Omit<Allowlist, 'server'> | Allowlist): Promise<Allowlist> {
    const id = await this.idOf(server)
    const parsed = Allowlist.safeParse({ ...input, server: id })
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      throw new AppError('invalid-input', `Invalid allowlist: ${issues}`, { reason: 'invalid-allowlist', issues })
    }
    const names = parsed.data.entries.map((e) => e.name)
    if (new Set(names).size !== names.length) throw new AppError('conflict', 'Two allowlist entries have the same name.', { reason: 'duplicate-entry' })
    return (await this.store.update(id, (s) => ({ ...s, allowlist: parsed.data }))).allowlist
  }

  async history(server: string): Promise<FirewallHistoryItem[]> {
    return (await this.store.read(await this.idOf(server))).history
  }

  /** Detects backends and the home IP, and compares it with the allowlist ("home IP changed from A to B"). */
  async status(server: string, o: { useUrl?: boolean } = {}): Promise<AllowlistStatus> {
    const id = await this.idOf(server)
    const stored = await this.store.read(id)
    const state = await this.detect(id, stored.allowlist)
    const home: AllowlistStatus['home'] = { fromSsh: state.clientIp }
    if (o.useUrl && stored.allowlist.whatIsMyIpUrl) {
      try {
        home.fromUrl = await whatIsMyIp(stored.allowlist.whatIsMyIpUrl, this.o.whatIsMyIpCa ? { ca: this.o.whatIsMyIpCa } : {})
      } catch (e) {
        home.fromUrl = null
        home.urlError = toErrorShape(e).message
      }
    }
    const change = homeChange(stored.allowlist, state.clientIp)
    if (change) this.o.emit('firewall.homeIpChanged', { server: id, ...change })
    const firewalld = state.fwdRunning ? { defaultZone: state.fwd.defaultZone, zones: state.fwd.zones, withRules: state.fwd.withRules } : undefined
    return { allowlist: stored.allowlist, backends: state.backends, home, change, rulesNow: this.ownedLines(state, state.backends.chosen), ...(firewalld ? { firewalld } : {}) }
  }

  /**
   * Run on every connect: when the server has a home entry, one `echo $SSH_CONNECTION` tells whether the
   * address changed; if so `firewall.homeIpChanged` is emitted ("home IP changed from A to B"). Servers
   * without an allowlist cost nothing. Never throws.
   */
  async checkHome(server: string): Promise<HomeIpChange | null> {
    try {
      const id = await this.idOf(server)
      const { allowlist } = await this.store.read(id)
      if (!homeEntryOf(allowlist)) return null
      const change = homeChange(allowlist, clientAddressOf(await this.o.remote.sshConnection(id)))
      if (change) this.o.emit('firewall.homeIpChanged', { server: id, ...change })
      return change
    } catch {
      return null
    }
  }

  /**
   * The dashboard's home-IP tile: the home entry against the address the server sees now (one
   * `echo $SSH_CONNECTION`, no firewall detection) and the newest history item.
   */
  async homeTile(server: string): Promise<HomeIpTile> {
    const id = await this.idOf(server)
    const { allowlist, history } = await this.store.read(id)
    const lastApply = history[0] ?? null
    const e = homeEntryOf(allowlist)
    if (!e) return { state: 'not-set-up', entry: null, allowed: [], seen: null, lastApply }
    const seen = clientAddressOf(await this.o.remote.sshConnection(id))
    const allowed = [e.ipv4, e.ipv6].filter((x): x is string => !!x)
    return { state: !seen ? 'unknown' : homeChange(allowlist, seen) ? 'changed' : 'in-sync', entry: e.name, allowed, seen, lastApply }
  }

  /** The rules before and after a change, without touching the server. */
  async preview(server: string, next?: Allowlist): Promise<RulePreview> {
    const id = await this.idOf(server)
    const stored = await this.store.read(id)
    const state = await this.detect(id, next ?? stored.allowlist)
    return this.buildPreview(state, next ?? stored.allowlist, stored.applied, await this.sshPort(id))
  }

  /** The one-click refresh: the home entry follows the address the server sees (or `address`), then a safe apply. */
  async refresh(server: string, o: ApplyOptions & { entry?: string; address?: string } = {}): Promise<ApplyResult> {
    const id = await this.idOf(server)
    const t0 = Date.now()
    this.progress(id, 'detect')
    const stored = await this.store.read(id)
    const state = await this.detect(id, stored.allowlist)
    const address = o.address ?? state.clientIp
    if (!address) throw new AppError('unsupported', 'The server did not report the SSH client address ($SSH_CONNECTION is empty); enter the address by hand.', { reason: 'no-client-address' })
    const entry = homeEntryOf(stored.allowlist, o.entry)
    if (!entry) throw new AppError('not-found', o.entry ? `No allowlist entry named "${o.entry}".` : 'No home entry in the allowlist: add one (e.g. "home") first.', o.entry ? { reason: 'no-entry', entry: o.entry } : { reason: 'no-home-entry' })
    const next = withEntryAddress(stored.allowlist, entry.name, address, new Date().toISOString())
    return this.applyWith(id, stored.applied, state, next, { ...o, action: o.action ?? 'refresh' }, { detect: Date.now() - t0 })
  }

  /** Blocks an address (e.g. one seen attacking) with the same safe apply. */
  async block(server: string, address: string, o: ApplyOptions & { reason?: string } = {}): Promise<ApplyResult> {
    const id = await this.idOf(server)
    const t0 = Date.now()
    const stored = await this.store.read(id)
    if (stored.allowlist.blocked.some((b) => b.address === address)) {
      const state = await this.detect(id, stored.allowlist)
      return this.applyWith(id, stored.applied, state, stored.allowlist, { ...o, action: 'block' }, { detect: Date.now() - t0 })
    }
    const next: Allowlist = { ...stored.allowlist, blocked: [...stored.allowlist.blocked, { address, since: new Date().toISOString(), ...(o.reason ? { reason: o.reason } : {}) }] }
    const state = await this.detect(id, next)
    return this.applyWith(id, stored.applied, state, next, { ...o, action: 'block' }, { detect: Date.now() - t0 })
  }

  /** Applies an allowlist (default: the stored one) with the safe apply. */
  async apply(server: string, next?: Allowlist, o: ApplyOptions = {}): Promise<ApplyResult> {
    const id = await this.idOf(server)
    const t0 = Date.now()
    const stored = await this.store.read(id)
    const target = next ? Allowlist.parse({ ...next, server: id }) : stored.allowlist
    const state = await this.detect(id, target)
    return this.applyWith(id, stored.applied, state, target, { ...o, action: o.action ?? 'apply' }, { detect: Date.now() - t0 })
  }

  // ---------------------------------------------------------------------------------------------

  private async applyWith(id: string, applied: string[], state: ServerState, next: Allowlist, o: ApplyOptions, timings: Record<string, number>): Promise<ApplyResult> {
    let t = Date.now()
    this.progress(id, 'preview')
    const sshPort = await this.sshPort(id)
    const preview = this.buildPreview(state, next, applied, sshPort)
    const backend = preview.backend
    timings['preview'] = Date.now() - t
    const base = { backend, preview, timings, probes: [], rollbackFired: false }
    const apacheChanges = !!preview.apache && preview.apache.before.join('\n') !== preview.apache.after.join('\n')
    if (preview.added.length === 0 && preview.removed.length === 0 && !apacheChanges) {
      await this.store.update(id, (s) => ({ ...s, allowlist: next }))
      return { ...base, outcome: 'unchanged', message: 'The server already has these rules.', notes: [note('unchanged')] }
    }
    if (preview.foreignRemoved.length && !o.acceptForeignRemoval) {
      return { ...base, outcome: 'needs-confirmation', message: `${preview.foreignRemoved.length} rule(s) that Postdesk did not write would be removed: confirm to go on.`, notes: [note('needs-confirmation', { n: preview.foreignRemoved.length })] }
    }
    this.guardSelf(state.clientIp, next, sshPort, o.allowSelfBlock === true)
    if (backend === 'firewalld' && !state.fwdRunning) {
      throw new AppError('unsupported', 'firewalld is installed but not running, so its rules would not be enforced. Start firewalld on the server, or choose iptables or nftables.', { reason: 'firewalld-stopped' })
    }
    if (backend === 'ufw' && !state.ufwActive) {
      throw new AppError('unsupported', 'ufw is installed but not active, so its rules would not be enforced. Enable ufw on the server (after allowing your SSH access), or choose iptables or nftables.', { reason: 'ufw-inactive' })
    }

    const txnId = `txn-${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${randomBytes(3).toString('hex')}`
    const timeoutSec = o.confirmTimeoutSec ?? next.confirmTimeoutSec
    const plan = this.plan(txnId, timeoutSec, state, next, sshPort)
    this.progress(id, 'apply', `rollback in ${timeoutSec} s unless confirmed`)
    t = Date.now()
    const r = await this.o.remote.exec(id, ['sh', '-s'], { stdin: applyScript(plan), timeoutMs: 30_000, ...(o.signal ? { signal: o.signal } : {}) })
    timings['apply'] = Date.now() - t
    if (!r.stdout.includes('SCHEDULED')) {
      const output = (r.stderr || r.stdout).trim().slice(0, 300)
      await this.record(id, o.action ?? 'apply', 'failed', `could not schedule the rollback: ${output}`, [note('schedule-failed', { output })])
      throw new AppError('remote-failed', `Could not schedule the rollback on the server; nothing was changed. ${output}`, { reason: 'schedule-failed', output })
    }
    if (!r.stdout.includes('APPLIED')) {
      const why = (r.stdout.split('\n').find((l) => l.startsWith('APPLY_FAILED')) ?? 'APPLY_FAILED').slice(13)
      await this.record(id, o.action ?? 'apply', 'failed', `apply failed at ${why}; previous rules restored`, [note('apply-refused', { step: why, output: '' })])
      await this.o.remote.exec(id, ['sh', '-c', cleanupScript(txnId)]).catch(() => undefined)
      const output = r.stdout.split('\n').slice(-3).join(' ').trim()
      return { ...base, outcome: 'failed', message: `The server refused the change (${why}): ${output}. The previous rules were restored at once.`, rollbackFired: true, notes: [note('apply-refused', { step: why, output })] }
    }
    this.progress(id, 'confirm')
    t = Date.now()
    let confirmed: { from: string | null; verdict: string } | undefined
    let confirmError: string | undefined
    try {
      const c = await this.o.fresh.run(id, ['sh', '-c', confirmScript(txnId)], { timeoutMs: 15_000 })
      confirmed = { from: clientAddressOf(c.sshConnection), verdict: c.stdout.includes('CONFIRMED') ? 'CONFIRMED' : c.stdout.includes('FIRED') ? 'FIRED' : 'DECIDED' }
    } catch (e) {
      confirmError = toErrorShape(e).message
    }
    timings['confirm'] = Date.now() - t
    if (confirmed?.verdict === 'CONFIRMED') {
      const probes = await this.probe(id, next, state.clientIp, sshPort)
      this.progress(id, 'persist')
      t = Date.now()
      // One round trip: save the rules where the distribution loads them, and remove the decided transaction.
      const persisted = await this.persist(id, backend, next, state, cleanupScript(txnId)).catch((e: unknown) => ({ text: `not persisted: ${toErrorShape(e).message}`, note: note('persist-failed', { error: toErrorShape(e).message }) }))
      timings['persist'] = Date.now() - t
      await this.store.update(id, (s) => ({ ...s, allowlist: next, applied: preview.after }))
      const message = `Confirmed through a fresh SSH connection${confirmed.from ? ` from ${confirmed.from}` : ''}; the rollback was cancelled. ${persisted.text}`
      const notes = [confirmed.from ? note('confirmed-from', { address: confirmed.from }) : note('confirmed'), persisted.note]
      await this.record(id, o.action ?? 'apply', 'ok', `${describeChange(preview)}; ${message}`, [describeNote(preview), ...notes])
      this.progress(id, 'done')
      return { ...base, outcome: 'confirmed', message, notes, probes, ...(confirmed.from ? { confirmedFrom: confirmed.from } : {}) }
    }
    // No proof: leave the rollback alone and wait for the server to restore the previous rules by itself.
    this.progress(id, 'rollback-wait', confirmError ?? 'the rollback fired first')
    t = Date.now()
    const fired = confirmed?.verdict === 'FIRED' || (await this.waitForRollback(id, txnId, timeoutSec))
    timings['rollbackWait'] = Date.now() - t
    await this.o.fresh.run(id, ['sh', '-c', cleanupScript(txnId)], { timeoutMs: 10_000 }).catch(() => undefined)
    const message = fired
      ? `The new rules could not be confirmed (${confirmError ?? 'the rollback fired first'}); the server's rollback restored the previous rules by itself.`
      : `The new rules could not be confirmed (${confirmError ?? 'unknown'}) and the server could not be reached to see the rollback; it is scheduled ${timeoutSec} s after the apply.`
    const why = confirmError ?? (fired ? 'the rollback fired first' : 'unknown')
    const notes = [fired ? note('rolled-back', { why }) : note('unconfirmed', { why, seconds: timeoutSec })]
    await this.record(id, o.action ?? 'apply', 'failed', `${describeChange(preview)}; ${message}`, [describeNote(preview), ...notes])
    this.progress(id, 'done')
    return { ...base, outcome: fired ? 'rolled-back' : 'failed', message, rollbackFired: fired, notes }
  }

  private async waitForRollback(id: string, txnId: string, timeoutSec: number): Promise<boolean> {
    const deadline = Date.now() + (timeoutSec + 90) * 1000
    while (Date.now() < deadline) {
      const r = await this.o.fresh.run(id, ['sh', '-c', rollbackStateScript(txnId)], { timeoutMs: 8000 }).catch(() => undefined)
      if (r?.stdout.includes('FIRED')) return true
      if (r?.stdout.includes('GONE')) return false
      await new Promise((res) => setTimeout(res, this.pollMs))
    }
    return false
  }

  /** Refuses a change that would cut the connection the app is using, unless a test injects that fault on purpose. */
  private guardSelf(clientIp: string | null, next: Allowlist, sshPort: number, allow: boolean): void {
    if (!clientIp || allow) return
    const m = ruleModel(next, sshPort)
    const blocked = [...m.blocked4, ...m.blocked6].includes(clientIp)
    const ssh = m.ports.find((p) => p.port === sshPort)
    const sshCut = ssh && ![...ssh.v4, ...ssh.v6].includes(clientIp)
    if (blocked || sshCut) {
      throw new AppError('conflict', `This change would block your own SSH access from ${clientIp}; it was not applied.`, { reason: 'self-block', clientIp })
    }
  }

  private plan(id: string, timeoutSec: number, state: ServerState, next: Allowlist, sshPort: number): TxnPlan {
    const model = ruleModel(next, sshPort)
    const files: TxnFile[] = []
    const apply: string[] = []
    const rollback: string[] = []
    const backend = state.backends.chosen
    if (backend === 'iptables') {
      files.push({ name: 'apply.v4', content: iptablesRestoreInput(iptablesChainRules(model, 4), state.ipt4) }, { name: 'rollback.v4', content: iptablesRollbackInput(state.ipt4) })
      apply.push('iptables-restore --noflush < "$D/apply.v4" 2>"$D/err" || fail iptables')
      rollback.push('iptables-restore --noflush < "$D/rollback.v4"')
      if (state.ip6tables) {
        files.push({ name: 'apply.v6', content: iptablesRestoreInput(iptablesChainRules(model, 6), state.ipt6) }, { name: 'rollback.v6', content: iptablesRollbackInput(state.ipt6) })
        apply.push('ip6tables-restore --noflush < "$D/apply.v6" 2>"$D/err" || fail ip6tables')
        rollback.push('ip6tables-restore --noflush < "$D/rollback.v6"')
      }
    } else if (backend === 'nftables') {
      files.push({ name: 'apply.nft', content: nftScript(nftTable(model)) }, { name: 'rollback.nft', content: nftRollbackScript(state.nftListing) })
      apply.push('nft -f "$D/apply.nft" 2>"$D/err" || fail nft')
      rollback.push('nft -f "$D/rollback.nft"')
    } else if (backend === 'ufw') {
      // ufw keeps its rules in user.rules/user6.rules: the rollback puts those files back and reloads,
      // so every rule (Postdesk's and foreign) is exactly as before. The change is ufw's own commands.
      const U = 'for f in user.rules user6.rules; do'
      apply.push(`${U} [ -f /etc/ufw/$f ] && { cp -p /etc/ufw/$f "$D/$f.before" || fail ufw-backup; }; done`)
      rollback.push(`${U} [ -f "$D/$f.before" ] && cat "$D/$f.before" > /etc/ufw/$f; done`, 'ufw reload >/dev/null')
      for (const argv of ufwCommandsForLines(ownedUfwLines(state.ufwListing), ufwRuleLines(model))) apply.push(`${shellQuote(argv)} >>"$D/out" 2>"$D/err" || fail ufw`)
    } else if (backend === 'firewalld') {
      // The permanent zones (all of them: Postdesk's rules go in several) and ipsets are copied first; the
      // rollback puts them back and reloads, so runtime and permanent are exactly as before. A directory
      // that did not exist is removed again. The change: firewall-cmd --permanent ..., one --reload.
      const W = 'for d in zones ipsets; do'
      apply.push(`${W} if [ -d /etc/firewalld/$d ]; then cp -a /etc/firewalld/$d "$D/fwd-$d" || fail firewalld-backup; else : > "$D/fwd-$d.absent"; fi; done`)
      rollback.push(`${W} if [ -d "$D/fwd-$d" ]; then rm -rf /etc/firewalld/$d && cp -a "$D/fwd-$d" /etc/firewalld/$d; elif [ -f "$D/fwd-$d.absent" ]; then rm -rf /etc/firewalld/$d; fi; done`, 'firewall-cmd --reload >/dev/null')
      for (const argv of firewalldCommandsForLines(state.fwd.lines, firewalldLines(model, state.fwd.zones), state.fwd.sets)) apply.push(`${shellQuote(argv)} >>"$D/out" 2>"$D/err" || fail firewalld`)
    }
    const ap = this.apachePlan(state, next)
    if (ap) {
      const conf = shellQuote([ap.confPath])
      files.push({ name: 'apache.new', content: ap.content })
      const A = 'A=$(command -v apachectl || command -v apache2ctl)'
      const running = '{ pgrep -x apache2 || pgrep -x httpd; } >/dev/null 2>&1'
      apply.push(`cp -p ${conf} "$D/apache.before" 2>"$D/err" || fail apache-backup`, `cat "$D/apache.new" > ${conf} || fail apache-write`, A, '"$A" -t 2>"$D/err" || fail apache-syntax', `if ${running}; then "$A" graceful 2>"$D/err" || fail apache-reload; fi`)
      rollback.push(`[ -f "$D/apache.before" ] && cat "$D/apache.before" > ${conf}`, A, `if ${running}; then "$A" graceful; fi`)
    }
    return { id, timeoutSec, files, apply, rollback }
  }

  private apachePlan(state: ServerState, next: Allowlist): { confPath: string; content: string; block: string[] } | undefined {
    const a = next.apache
    if (!a?.enabled || state.apacheConf === undefined || !state.apacheBin) return undefined
    const version = a.version ?? state.backends.apache.version ?? '2.4'
    const block = apacheBlock(version, a.webPath, webAllowed(next))
    return { confPath: a.confPath, content: withApacheBlock(state.apacheConf, block), block }
  }

  private buildPreview(state: ServerState, next: Allowlist, applied: string[], sshPort: number): RulePreview {
    const backend = state.backends.chosen
    if (!backend) throw new AppError('unsupported', 'No firewall tool found on the server (iptables, nft, firewall-cmd or ufw).', { reason: 'no-firewall-tool' })
    const before = this.ownedLines(state, backend)
    const after = this.targetLines(state, backend, next, sshPort)
    const { added, removed } = lineDiff(before, after)
    const ap = this.apachePlan(state, next)
    return {
      backend,
      before,
      after,
      added,
      removed,
      foreignRemoved: removed.filter((l) => !applied.includes(l) && l !== IPT_JUMP && !(backend === 'firewalld' && appliedInDefaultZone(l, applied, state.fwd.defaultZone))),
      ...(ap && state.apacheConf !== undefined ? { apache: { before: apacheOwned(state.apacheConf), after: ap.block } } : {}),
      next,
    }
  }

  private ownedLines(state: ServerState, backend: FirewallBackend | null): string[] {
    if (backend === 'iptables') return [...(state.ipt4.jump ? [IPT_JUMP] : []), ...state.ipt4.rules, ...state.ipt6.rules.map((r) => V6_TAG + r)]
    if (backend === 'nftables') return nftRuleLines(state.nftListing)
    if (backend === 'ufw') return ownedUfwLines(state.ufwListing)
    if (backend === 'firewalld') return state.fwd.lines
    return []
  }

  private targetLines(state: ServerState, backend: FirewallBackend, next: Allowlist, sshPort: number): string[] {
    const m = ruleModel(next, sshPort)
    if (backend === 'iptables') return [IPT_JUMP, ...iptablesChainRules(m, 4), ...(state.ip6tables ? iptablesChainRules(m, 6).map((r) => V6_TAG + r) : [])]
    if (backend === 'nftables') return nftRuleLines(nftTable(m))
    if (backend === 'ufw') return ufwRuleLines(m)
    if (backend === 'firewalld') return firewalldLines(m, state.fwd.zones)
    return []
  }

  private async persist(id: string, backend: FirewallBackend, next: Allowlist, state: ServerState, cleanup: string): Promise<{ text: string; note: FirewallNote }> {
    const done = async (text: string, n: FirewallNote) => {
      await this.o.remote.exec(id, ['sh', '-c', cleanup]).catch(() => undefined)
      return { text, note: n }
    }
    if (backend === 'ufw') return done('ufw keeps its rules itself (/etc/ufw/user.rules, user6.rules).', note('persist-ufw'))
    if (backend === 'firewalld') {
      const zones = state.fwd.zones.join(', ')
      return zones
        ? done(`firewalld keeps them in its permanent configuration, in the zones that receive traffic: ${zones} (applied with --permanent, then reloaded).`, note('persist-firewalld-zones', { zones }))
        : done('firewalld keeps them in its permanent configuration (applied with --permanent, then reloaded).', note('persist-firewalld'))
    }
    if (next.persistPath === null) return done('Not persisted (persistence is off for this server).', note('persist-off'))
    let script: string
    let where: string
    if (backend === 'iptables') {
      const custom = next.persistPath
      const v4 = custom ?? (state.keys['sysconfig'] ? '/etc/sysconfig/iptables' : state.keys['etc_iptables'] ? '/etc/iptables/rules.v4' : undefined)
      if (!v4) return done('Not persisted: neither /etc/sysconfig nor /etc/iptables exists (install iptables-persistent, or set a persistence path).', note('persist-nowhere'))
      const v6 = custom ? `${custom}.v6` : v4 === '/etc/sysconfig/iptables' ? '/etc/sysconfig/ip6tables' : '/etc/iptables/rules.v6'
      script = `iptables-save > ${shellQuote([v4])}.postdesk-tmp && mv ${shellQuote([v4])}.postdesk-tmp ${shellQuote([v4])}` + (state.ip6tables ? ` && ip6tables-save > ${shellQuote([v6])}.postdesk-tmp && mv ${shellQuote([v6])}.postdesk-tmp ${shellQuote([v6])}` : '')
      where = v4
    } else {
      const path = next.persistPath ?? '/etc/nftables.d/postdesk.nft'
      const include = `include "${path}"`
      script = `mkdir -p "$(dirname ${shellQuote([path])})" && nft list table ${NFT_TABLE} > ${shellQuote([path])}.postdesk-tmp && mv ${shellQuote([path])}.postdesk-tmp ${shellQuote([path])}`
      if (next.persistPath === undefined) script += ` && { grep -qxF ${shellQuote([include])} /etc/nftables.conf || printf '%s\\n' ${shellQuote([include])} >> /etc/nftables.conf; }`
      where = path
    }
    const r = await this.o.remote.exec(id, ['sh', '-c', `${cleanup}; ${script}`], { timeoutMs: 15_000 })
    if (r.code !== 0) throw new AppError('remote-failed', (r.stderr || r.stdout).trim().slice(0, 300))
    return { text: `Saved to ${where}.`, note: note('persist-saved', { path: where }) }
  }

  private async probe(id: string, next: Allowlist, clientIp: string | null, sshPort: number): Promise<{ port: number; reachable: boolean }[]> {
    if (!clientIp) return []
    const profile = await this.o.profiles.get(id)
    const ports = ruleModel(next, sshPort).ports.filter((p) => [...p.v4, ...p.v6].includes(clientIp) && p.port !== sshPort)
    return Promise.all(ports.map(async (p) => ({ port: p.port, reachable: await tcpProbe(profile.host, p.port, profile.localAddress) })))
  }

  private async detect(id: string, a: Allowlist): Promise<ServerState> {
    const apacheConf = a.apache?.enabled ? a.apache.confPath : undefined
    const [r, sshConnection] = await Promise.all([this.o.remote.exec(id, ['sh', '-c', detectScript(apacheConf)], { timeoutMs: 20_000 }), this.o.remote.sshConnection(id)])
    if (r.code !== 0) {
      const output = (r.stderr || r.stdout).trim().slice(0, 300)
      throw new AppError('remote-failed', `Could not read the firewall state: ${output}`, { reason: 'read-failed', output })
    }
    const { keys, sections } = parseDetect(r.stdout)
    const available: FirewallBackend[] = []
    if (keys['nft']) available.push('nftables')
    if (keys['iptables']) available.push('iptables')
    if (keys['firewalld']) available.push('firewalld')
    if (keys['ufw']) available.push('ufw')
    // Detected order of preference: a running front-end first (its rules win), then nft, then iptables.
    const running: FirewallBackend | undefined = keys['firewalld'] === 'running' ? 'firewalld' : keys['ufw'] === 'Status: active' ? 'ufw' : undefined
    const chosen = a.backend && available.includes(a.backend) ? a.backend : (running ?? available[0] ?? null)
    const apacheVersion = keys['apache'] ? apacheVersionOf(keys['apache']) : null
    const apacheText = sections['apache']
    return {
      clientIp: clientAddressOf(sshConnection || keys['ssh'] || ''),
      backends: { available, chosen, apache: { present: !!keys['apache'], version: apacheVersion, running: !!keys['apache_running'] }, at: !!keys['at'] },
      keys,
      ipt4: ownedIptables(sections['iptables'] ?? ''),
      ipt6: ownedIptables(sections['ip6tables'] ?? ''),
      ip6tables: !!keys['ip6tables'],
      nftListing: (sections['nft'] ?? '').trim(),
      ufwListing: sections['ufw'] ?? '',
      ufwActive: keys['ufw'] === 'Status: active',
      fwd: parseFirewalldState(sections['firewalld'] ?? ''),
      fwdRunning: keys['firewalld'] === 'running',
      apacheConf: apacheConf && apacheText !== undefined ? (apacheText.endsWith('\n') ? apacheText : apacheText + '\n') : undefined,
      apacheBin: !!keys['apache'],
    }
  }

  private async sshPort(id: string): Promise<number> {
    return (await this.o.profiles.get(id)).port
  }

  private async idOf(server: string): Promise<string> {
    return (await this.o.profiles.get(server)).id
  }

  private progress(server: string, phase: ApplyPhase, message?: string): void {
    this.o.emit('firewall.progress', { server, phase, ...(message ? { message } : {}) })
  }

  private async record(server: string, action: string, result: 'ok' | 'failed', detail: string, notes?: FirewallNote[]): Promise<void> {
    await this.store.update(server, (s) => ({ ...s, history: [{ time: new Date().toISOString(), action, outcome: result, detail, ...(notes ? { notes } : {}) }, ...s.history] }))
    await this.o.journal.record({ server, area: 'firewall', action, target: detail.slice(0, 300), result, ...(result === 'failed' ? { error: detail.slice(0, 300) } : {}) })
  }
}

/** The home entry's address differs from the one the server sees now. */
export function homeChange(a: Allowlist, current: string | null): HomeIpChange | null {
  if (!current) return null
  const e = homeEntryOf(a)
  if (!e) return null
  const have = current.includes(':') ? e.ipv6 : e.ipv4
  return have === current ? null : { entry: e.name, from: have ?? null, to: current }
}

/**
 * Earlier versions of Postdesk wrote firewalld rich rules in the default zone only and recorded them
 * untagged (`RULE`): such a record stands for `[zone DEFAULT] RULE`, so the rule is not taken as foreign.
 */
function appliedInDefaultZone(line: string, applied: string[], defaultZone: string | null): boolean {
  const r = parseZoneRuleLine(line)
  return !!r && r.zone !== null && r.zone === defaultZone && applied.includes(r.rule)
}

function describeChange(p: RulePreview): string {
  return `${p.backend}: +${p.added.length} -${p.removed.length} rule(s)`
}

function describeNote(p: RulePreview): FirewallNote {
  return note('rules-changed', { backend: p.backend, added: p.added.length, removed: p.removed.length })
}

function note(code: string, params: FirewallNote['params'] = {}): FirewallNote {
  return { code, params }
}

function tcpProbe(host: string, port: number, localAddress?: string, ms = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: ms, ...(localAddress ? { localAddress } : {}) })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.once('connect', () => done(true))
    s.once('timeout', () => done(false))
    s.once('error', () => done(false))
  })
}

