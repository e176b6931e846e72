// The mail data of each server (PostfixAdmin's tables), every operation one transaction: a failure,
// bad input or a dropped link leaves the database as it was.
import type {
  AdminCreate,
  AdminPatch,
  AdminRow,
  AliasCreate,
  AliasDomainCreate,
  AliasDomainPatch,
  AliasDomainRow,
  AliasPatch,
  AliasRow,
  DeleteSummary,
  DomainCreate,
  DomainPatch,
  DomainRow,
  ImportPhase,
  ImportProgress,
  ImportResult,
  ListQuery,
  MailboxCreate,
  MailboxCreated,
  MailboxPatch,
  MailboxRename,
  MailboxRenamed,
  MailboxRow,
  MailSettingsView,
  QuotaUsage,
  SubfolderOutcome,
} from '../../../shared/domain/mail'
import { parseEncryptSetting, rateEncryptScheme } from '../../../shared/mail/password-schemes'
import type { PostfixAdminSettings } from '../../../shared/mail/postfixadmin-settings'
import { AdminRepository } from './admin-repository'
import { AliasDomainRepository } from './alias-domain-repository'
import { AliasRepository } from './alias-repository'
import { DomainRepository } from './domain-repository'
import type { MailContext } from './mail-context'
import { MailTables, type MailDatabase } from './mail-database'
import { MailboxRepository } from './mailbox-repository'
import { parseMailboxCsv, toCsv } from '../../../shared/mail/mailbox-csv'
import { importMailboxes } from './mailbox-import'
import { hashPassword } from './passwords/hash-password'
import { PasswordHashPool } from './passwords/password-hash-pool'
import { createSubfolders, locateDomainDir, locateMaildir, moveMaildir, quotaUsage, removeDomainDir, removeMaildir, subfolderNames, type RootExec } from './maildir-on-server'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult } from '../types'

export interface MailServiceOptions {
  /** The server's database (DbService.transaction bound to the server). */
  databaseOf(serverId: string): MailDatabase
  /** The server's PostfixAdmin settings (its effective $CONF). */
  settingsOf(serverId: string, opts?: { refresh?: boolean }): Promise<PostfixAdminSettings>
  /** The `log` table's username column, e.g. `Postdesk (kenji@laptop)`. */
  actor: string
  /** Hashes a password per $CONF['encrypt'] (default: in-process hashPassword). */
  hash?: (password: string, encrypt: string) => Promise<string>
  /** Hashes many passwords (bulk import); default: a PasswordHashPool of worker threads, made on first use. */
  hashMany?: (passwords: string[], encrypt: string, onProgress: (done: number, total: number) => void) => Promise<string[]>
  /** Runs argv as root on the server (doveadm for subfolders, the Maildir's removal and move); without it those steps are skipped. */
  execAsRoot?: (serverId: string, argv: string[], opts?: ExecOptions) => Promise<ExecResult>
  /** Events to the renderer (mail.importProgress). */
  emit?: (name: 'mail.importProgress', payload: ImportProgress) => void
}

export interface ImportCall {
  dryRun: boolean
  onProgress?: (phase: ImportPhase, done: number, total: number) => void
  /** aborts the import (before its commit): nothing of it is written */
  signal?: AbortSignal
  /** names the import in its mail.importProgress events (the renderer's call id) */
  callId?: string
}

type Page<T> = { rows: T[]; total: number }

interface Repos {
  context: MailContext
  domains: DomainRepository
  mailboxes: MailboxRepository
  aliases: AliasRepository
  aliasDomains: AliasDomainRepository
  admins: AdminRepository
}

export class MailService {
  private readonly tables = new Map<string, MailTables>()

  constructor(private readonly o: MailServiceOptions) {}

  /** Runs fn in one transaction on the server's database with fresh repositories. */
  async run<T>(serverId: string, fn: (r: Repos) => Promise<T>): Promise<T> {
    const settings = await this.o.settingsOf(serverId)
    let tables = this.tables.get(serverId)
    if (!tables) this.tables.set(serverId, (tables = new MailTables(settings)))
    const hash = this.o.hash ?? ((p: string, e: string) => hashPassword(p, e))
    return this.o.databaseOf(serverId).transaction(async (q) => {
      const c: MailContext = { q, tables, settings, actor: this.o.actor, hashPassword: (p) => hash(p, settings.encrypt) }
      return fn({ context: c, domains: new DomainRepository(c), mailboxes: new MailboxRepository(c), aliases: new AliasRepository(c), aliasDomains: new AliasDomainRepository(c), admins: new AdminRepository(c) })
    })
  }

  async settings(serverId: string, opts: { refresh?: boolean } = {}): Promise<MailSettingsView> {
    const s = await this.o.settingsOf(serverId, opts)
    if (opts.refresh) this.tables.delete(serverId)
    const scheme = parseEncryptSetting(s.encrypt)
    return {
      encrypt: s.encrypt,
      encryptStrength: scheme.kind === 'unsupported' ? 'unsupported' : rateEncryptScheme(scheme).strength,
      quotaEnabled: s.quota,
      domainQuotaEnabled: s.domainQuota,
      quotaMultiplier: s.quotaMultiplier,
      aliasDomainEnabled: s.aliasDomain,
      passwordValidation: s.passwordValidation,
      ...(s.minPasswordLength !== undefined ? { minPasswordLength: s.minPasswordLength } : {}),
      defaults: { aliases: s.aliases, mailboxes: s.mailboxes, maxquota: s.maxquota, quota: s.domainQuotaDefault ?? -1, transport: s.transportDefault },
      defaultAliases: s.defaultAliases,
      logging: s.logging,
    }
  }

  /**
   * CSV import of mailboxes (address,name,password[,quota_mb,active]): a verdict per row; written only
   * when every row is good and dryRun is off, in one transaction (a dropped link leaves no row of it).
   */
  async importMailboxes(server: string, csv: string, opts: ImportCall): Promise<ImportResult> {
    const { rows, problems } = parseMailboxCsv(csv)
    if (problems.length) return { dryRun: opts.dryRun, created: 0, verdicts: problems.map((p) => ({ line: p.line, address: '', ok: false, reason: p.reason, message: p.message })) }
    // The workers start now, while the settings are read and the rows checked (their start-up is
    // otherwise on the import's critical path).
    const pool = !opts.dryRun && !this.o.hashMany ? new PasswordHashPool() : undefined
    const progress = this.progressReporter(server, opts)
    try {
      const settings = await this.o.settingsOf(server)
      const result = await this.run(server, async (r) =>
        importMailboxes(r.context, rows, {
          dryRun: opts.dryRun,
          hashMany: (passwords, onProgress, signal) =>
            pool ? pool.hashMany(passwords, settings.encrypt, { onProgress, ...(signal ? { signal } : {}) }) : this.hashMany(passwords, settings.encrypt, onProgress),
          onProgress: progress,
          ...(opts.signal ? { signal: opts.signal } : {}),
        }),
      )
      if (result.created === 0) return result
      const subfolders = await this.subfolders(server, settings, result.verdicts.flatMap((v) => (v.create ? [v.create.username] : [])))
      return subfolders ? { ...result, subfolders } : result
    } finally {
      await pool?.close()
    }
  }

  /** The import's progress to opts.onProgress (every call) and as mail.importProgress events (at most every 50 ms, and each phase's end). */
  private progressReporter(server: string, opts: ImportCall): (phase: ImportPhase, done: number, total: number) => void {
    let last = 0
    let lastPhase: ImportPhase | undefined
    return (phase, done, total) => {
      opts.onProgress?.(phase, done, total)
      if (!this.o.emit) return
      const now = Date.now()
      if (phase === lastPhase && done < total && now - last < 50) return
      last = now
      lastPhase = phase
      this.o.emit('mail.importProgress', { server, phase, done, total, ...(opts.callId ? { callId: opts.callId } : {}) })
    }
  }

  /** The mailboxes (of a domain, or all) as CSV; passwords are never exported. */
  async exportMailboxes(server: string, domain?: string): Promise<string> {
    const rows: MailboxRow[] = []
    for (let offset = 0; ; offset += 1000) {
      const page = await this.listMailboxes(server, domain, { offset, limit: 1000, sort: 'username' })
      rows.push(...page.rows)
      if (page.rows.length < 1000) break
    }
    return toCsv(
      ['address', 'name', 'quota_mb', 'active', 'maildir', 'forwards', 'keep_copy', 'created', 'modified'],
      rows.map((m) => [m.username, m.name, m.quotaMb, m.active ? 'yes' : 'no', m.maildir, m.forwards.join(' '), m.keepCopy ? 'yes' : 'no', m.created, m.modified]),
    )
  }

  /** A pool of worker threads for this import only: idle workers would keep a CLI process alive. */
  private async hashMany(passwords: string[], encrypt: string, onProgress: (done: number, total: number) => void): Promise<string[]> {
    if (this.o.hashMany) return this.o.hashMany(passwords, encrypt, onProgress)
    const pool = new PasswordHashPool()
    try {
      return await pool.hashMany(passwords, encrypt, { onProgress })
    } finally {
      await pool.close()
    }
  }

  listDomains = (server: string, q: ListQuery): Promise<Page<DomainRow>> => this.run(server, (r) => r.domains.list(q))
  getDomain = (server: string, domain: string): Promise<DomainRow> => this.run(server, (r) => r.domains.require(domain))
  createDomain = (server: string, input: DomainCreate): Promise<DomainRow> => this.run(server, (r) => r.domains.create(input))
  editDomain = (server: string, domain: string, patch: DomainPatch, version?: string): Promise<DomainRow> => this.run(server, (r) => r.domains.edit(domain, patch, version))
  /** What deleting the domain removes, and its directory of Maildirs on the server (with its size). */
  async previewDeleteDomain(server: string, domain: string): Promise<DeleteSummary> {
    const summary = await this.run(server, (r) => r.domains.deletePreview(domain))
    if (!this.o.execAsRoot) return summary
    const at = await this.locateDomainDir(server, summary.target).catch(() => null)
    return { ...summary, maildir: at ? { ...at, removed: false } : null }
  }

  /**
   * Deletes the domain's rows (one transaction, PostfixAdmin's cascade). With deleteMaildir also its
   * directory of Maildirs: located before the rows go, removed after the commit.
   */
  async deleteDomain(server: string, domain: string, version?: string, opts: { deleteMaildir?: boolean } = {}): Promise<DeleteSummary> {
    if (!opts.deleteMaildir) return this.run(server, (r) => r.domains.delete(domain, version))
    const name = (await this.getDomain(server, domain)).domain
    const at = await this.locateDomainDir(server, name)
    const summary = await this.run(server, (r) => r.domains.delete(domain, version))
    if (!at) return { ...summary, maildir: null }
    await removeDomainDir(this.rootExec(server), at.path, name)
    return { ...summary, maildir: { ...at, removed: true } }
  }

  private async locateDomainDir(server: string, domain: string): Promise<{ path: string; bytes: number } | null> {
    const page = await this.listMailboxes(server, domain, { offset: 0, limit: 20, sort: 'username' })
    for (const m of page.rows.filter((x) => x.active)) {
      const at = await locateDomainDir(this.rootExec(server), domain, m)
      if (at) return at
    }
    return null
  }

  listMailboxes = (server: string, domain: string | undefined, q: ListQuery): Promise<Page<MailboxRow>> => this.run(server, (r) => r.mailboxes.list(domain, q))
  getMailbox = (server: string, username: string): Promise<MailboxRow> => this.run(server, (r) => r.mailboxes.require(username))
  /** Dovecot's usage figures (doveadm quota get) of these mailboxes. */
  mailboxUsage = (server: string, usernames: string[]): Promise<Record<string, QuotaUsage>> => quotaUsage(this.rootExec(server), usernames)
  /** Creates the mailbox (one transaction), then its folders on the server ($CONF['create_mailbox_subdirs'], doveadm). */
  async createMailbox(server: string, input: MailboxCreate): Promise<MailboxCreated> {
    const row = await this.run(server, (r) => r.mailboxes.create(input))
    const subfolders = await this.subfolders(server, await this.o.settingsOf(server), [row.username])
    return subfolders ? { ...row, subfolders } : row
  }

  /** doveadm mailbox create of the configured folders for new mailboxes; undefined when none are configured. */
  private async subfolders(server: string, settings: PostfixAdminSettings, usernames: string[]): Promise<SubfolderOutcome | undefined> {
    const folders = subfolderNames(settings)
    if (!folders.length || !this.o.execAsRoot || !usernames.length) return undefined
    try {
      return await createSubfolders(this.rootExec(server), usernames, folders)
    } catch (e) {
      return { folders: [], error: e instanceof Error ? e.message : String(e) }
    }
  }

  private rootExec(server: string): RootExec {
    const exec = this.o.execAsRoot
    if (!exec) throw new AppError('unsupported', 'This Postdesk has no root access to the server configured.')
    return (argv, opts) => exec(server, argv, opts)
  }
  editMailbox = (server: string, username: string, patch: MailboxPatch, version?: string): Promise<MailboxRow> => this.run(server, (r) => r.mailboxes.edit(username, patch, version))
  /** What deleting the mailbox removes, and where its Maildir is on the server (with its size). */
  async previewDeleteMailbox(server: string, username: string): Promise<DeleteSummary> {
    const summary = await this.run(server, (r) => r.mailboxes.deletePreview(username))
    if (!this.o.execAsRoot) return summary
    const m = await this.getMailbox(server, username)
    const at = await locateMaildir(this.rootExec(server), m).catch(() => null)
    return { ...summary, maildir: at ? { ...at, removed: false } : null }
  }

  /**
   * Deletes the mailbox's rows (one transaction, like PostfixAdmin). With deleteMaildir, then also its
   * Maildir on the server: located before the rows go (Dovecot finds the user through them), removed
   * after the commit, refused unless it is the mailbox's own directory.
   */
  async deleteMailbox(server: string, username: string, version?: string, opts: { deleteMaildir?: boolean } = {}): Promise<DeleteSummary> {
    if (!opts.deleteMaildir) return this.run(server, (r) => r.mailboxes.delete(username, version))
    const exec = this.rootExec(server)
    const m = await this.getMailbox(server, username)
    const at = await locateMaildir(exec, m)
    const summary = await this.run(server, (r) => r.mailboxes.delete(username, version))
    if (!at) return { ...summary, maildir: null }
    await removeMaildir(exec, at.path, m)
    return { ...summary, maildir: { ...at, removed: true } }
  }

  /**
   * Renames a mailbox and/or moves it to another domain (one transaction, aliases naming it follow),
   * and moves its Maildir on the server to where Dovecot will look for the new address: inside the
   * transaction, so a failed move leaves the rows as they were; a failed commit moves it back.
   */
  async renameMailbox(server: string, username: string, to: MailboxRename, version?: string, opts: { moveMaildir?: boolean } = {}): Promise<MailboxRenamed> {
    const move = (opts.moveMaildir ?? true) && this.o.execAsRoot !== undefined
    const exec = move ? this.rootExec(server) : undefined
    const old = exec ? await this.getMailbox(server, username) : undefined
    const from = exec && old ? await locateMaildir(exec, old) : null
    let moved: { from: string; to: string } | null = null
    try {
      const r = await this.run(server, async (repos) => {
        const out = await repos.mailboxes.rename(username, to, version)
        if (exec && from) {
          const oldTail = out.before.maildir.replace(/^\/+|\/+$/g, '')
          const base = from.path.replace(/\/+$/, '')
          const root = base.endsWith(`/${oldTail}`) ? base.slice(0, -oldTail.length - 1) : base.slice(0, -`/${out.before.domain}/${out.before.localPart}`.length)
          const tail = base.endsWith(`/${oldTail}`) ? out.after.maildir.replace(/^\/+|\/+$/g, '') : `${out.after.domain}/${out.after.localPart}`
          const target = `${root}/${tail}`
          await moveMaildir(exec, base, target)
          moved = { from: base, to: target }
        }
        return out
      })
      return {
        from: r.before.username,
        mailbox: r.after,
        aliasesRepointed: r.aliasesRepointed,
        maildir: moved,
        // an active mailbox Dovecot knows but without a directory has no mail to move; an inactive one is unknown to Dovecot
        ...(move && !from && old && !old.active ? { warning: `Dovecot does not look up inactive mailboxes, so the Maildir of ${username} (if any) was not found and not moved. Move it on the server to the new address's directory.` } : {}),
      }
    } catch (e) {
      const m = moved as { from: string; to: string } | null
      if (exec && m) await moveMaildir(exec, m.to, m.from).catch(() => undefined)
      throw e
    }
  }

  listAliases = (server: string, domain: string | undefined, q: ListQuery, includeMailboxes = false): Promise<Page<AliasRow>> => this.run(server, (r) => r.aliases.list(domain, q, { includeMailboxes }))
  getAlias = (server: string, address: string): Promise<AliasRow> => this.run(server, (r) => r.aliases.require(address))
  createAlias = (server: string, input: AliasCreate): Promise<AliasRow> => this.run(server, (r) => r.aliases.create(input))
  editAlias = (server: string, address: string, patch: AliasPatch, version?: string): Promise<AliasRow> => this.run(server, (r) => r.aliases.edit(address, patch, version))
  deleteAlias = (server: string, address: string, version?: string): Promise<DeleteSummary> => this.run(server, (r) => r.aliases.delete(address, version))

  listAliasDomains = (server: string, q: ListQuery): Promise<Page<AliasDomainRow>> => this.run(server, (r) => r.aliasDomains.list(q))
  createAliasDomain = (server: string, input: AliasDomainCreate): Promise<AliasDomainRow> => this.run(server, (r) => r.aliasDomains.create(input))
  editAliasDomain = (server: string, aliasDomain: string, patch: AliasDomainPatch, version?: string): Promise<AliasDomainRow> => this.run(server, (r) => r.aliasDomains.edit(aliasDomain, patch, version))
  deleteAliasDomain = (server: string, aliasDomain: string, version?: string): Promise<DeleteSummary> => this.run(server, (r) => r.aliasDomains.delete(aliasDomain, version))

  listAdmins = (server: string, q: ListQuery): Promise<Page<AdminRow>> => this.run(server, (r) => r.admins.list(q))
  createAdmin = (server: string, input: AdminCreate): Promise<AdminRow> => this.run(server, (r) => r.admins.create(input))
  editAdmin = (server: string, username: string, patch: AdminPatch, version?: string): Promise<AdminRow> => this.run(server, (r) => r.admins.edit(username, patch, version))
  deleteAdmin = (server: string, username: string, version?: string): Promise<DeleteSummary> => this.run(server, (r) => r.admins.delete(username, version))
}
