// PostfixAdmin's mail data as Postdesk shows and edits it: domains, mailboxes, aliases, alias domains
// and admins. Domains are stored as ASCII (punycode); the renderer shows them in Unicode.
import { z } from 'zod'

/** A row's version token: changes whenever any stored column of the row changes. */
export const RowVersion = z.string().min(1).max(64)

/** Server-side paging, sorting and search. */
export const ListQuery = z.object({
  search: z.string().max(255).default(''),
  sort: z.string().max(40).optional(),
  desc: z.boolean().default(false),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
})
export type ListQuery = z.input<typeof ListQuery>

export const DomainRow = z.object({
  domain: z.string(),
  description: z.string(),
  aliases: z.number(),
  mailboxes: z.number(),
  /** MB per mailbox (0 unlimited, -1 disabled) */
  maxquota: z.number(),
  /** MB for the whole domain */
  quota: z.number(),
  transport: z.string(),
  backupmx: z.boolean(),
  active: z.boolean(),
  created: z.string(),
  modified: z.string(),
  /** aliases that are not a mailbox's own */
  aliasCount: z.number(),
  mailboxCount: z.number(),
  /** sum of the mailboxes' quotas, MB (PostfixAdmin's total_quota) */
  quotaAllocatedMb: z.number(),
  /** bytes stored, from quota2/quota (0 when the server keeps no usage) */
  usedBytes: z.number(),
  /** an alias domain pointing at this domain, or this domain's target */
  aliasDomainTarget: z.string().nullable(),
  version: RowVersion,
})
export type DomainRow = z.infer<typeof DomainRow>

export const MailboxRow = z.object({
  username: z.string(),
  localPart: z.string(),
  domain: z.string(),
  name: z.string(),
  maildir: z.string(),
  /** the `quota` column in bytes (-1 disabled, 0 unlimited) */
  quotaBytes: z.number(),
  quotaMb: z.number(),
  active: z.boolean(),
  created: z.string(),
  modified: z.string(),
  usedBytes: z.number(),
  usedMessages: z.number(),
  /** extra forwarding targets of the mailbox's own alias row */
  forwards: z.array(z.string()),
  /** whether mail is also kept in the mailbox (goto contains the mailbox itself) */
  keepCopy: z.boolean(),
  /** the password column's scheme as stored ({SHA512-CRYPT}, $6$, …) */
  passwordScheme: z.string(),
  version: RowVersion,
})
export type MailboxRow = z.infer<typeof MailboxRow>

/** Folders made in new mailboxes by doveadm ($CONF['create_mailbox_subdirs']); error when doveadm refused. */
export const SubfolderOutcome = z.object({ folders: z.array(z.string()), error: z.string().optional() })
export type SubfolderOutcome = z.infer<typeof SubfolderOutcome>

/** A new mailbox, with the folders made in it on the server. */
export const MailboxCreated = MailboxRow.extend({ subfolders: SubfolderOutcome.optional() })
export type MailboxCreated = z.infer<typeof MailboxCreated>

/** Dovecot's quota figures for a mailbox (doveadm quota get), where PostfixAdmin's quota2 is not kept. */
export const QuotaUsage = z.object({ bytes: z.number(), limitBytes: z.number().nullable(), messages: z.number(), limitMessages: z.number().nullable() })
export type QuotaUsage = z.infer<typeof QuotaUsage>

/** Rename (new local part) and/or move (new domain) of a mailbox. */
export const MailboxRename = z.object({ localPart: z.string().max(255).optional(), domain: z.string().max(255).optional() })
export type MailboxRename = z.infer<typeof MailboxRename>
export const MailboxRenamed = z.object({
  from: z.string(),
  mailbox: MailboxRow,
  /** other aliases whose goto named the old address, now naming the new one */
  aliasesRepointed: z.number(),
  /** the Maildir moved on the server (null: not moved, see warning) */
  maildir: z.object({ from: z.string(), to: z.string() }).nullable(),
  warning: z.string().optional(),
})
export type MailboxRenamed = z.infer<typeof MailboxRenamed>

export const AliasRow = z.object({
  address: z.string(),
  domain: z.string(),
  goto: z.array(z.string()),
  /** the alias row of a mailbox (address = the mailbox's username) */
  isMailbox: z.boolean(),
  catchAll: z.boolean(),
  active: z.boolean(),
  created: z.string(),
  modified: z.string(),
  version: RowVersion,
})
export type AliasRow = z.infer<typeof AliasRow>

export const AliasDomainRow = z.object({
  aliasDomain: z.string(),
  targetDomain: z.string(),
  active: z.boolean(),
  created: z.string(),
  modified: z.string(),
  version: RowVersion,
})
export type AliasDomainRow = z.infer<typeof AliasDomainRow>

export const AdminRow = z.object({
  username: z.string(),
  superadmin: z.boolean(),
  active: z.boolean(),
  domains: z.array(z.string()),
  created: z.string(),
  modified: z.string(),
  version: RowVersion,
})
export type AdminRow = z.infer<typeof AdminRow>

export const Page = <T extends z.ZodType>(row: T) => z.object({ rows: z.array(row), total: z.number() })

const Limit = z.number().int().min(-1)

export const DomainCreate = z.object({
  domain: z.string().max(255),
  description: z.string().max(255).default(''),
  aliases: Limit.optional(),
  mailboxes: Limit.optional(),
  maxquota: Limit.optional(),
  quota: Limit.optional(),
  transport: z.string().max(255).optional(),
  backupmx: z.boolean().default(false),
  active: z.boolean().default(true),
  /** add $CONF['default_aliases'] (abuse, hostmaster, postmaster, webmaster) */
  defaultAliases: z.boolean().default(true),
})
export type DomainCreate = z.input<typeof DomainCreate>

export const DomainPatch = z.object({
  description: z.string().max(255).optional(),
  aliases: Limit.optional(),
  mailboxes: Limit.optional(),
  maxquota: Limit.optional(),
  quota: Limit.optional(),
  transport: z.string().max(255).optional(),
  backupmx: z.boolean().optional(),
  active: z.boolean().optional(),
})
export type DomainPatch = z.infer<typeof DomainPatch>

export const MailboxCreate = z.object({
  localPart: z.string().max(255),
  domain: z.string().max(255),
  name: z.string().max(255).default(''),
  password: z.string().max(1024),
  /** MB; absent: the domain's maxquota (PostfixAdmin's form default) */
  quotaMb: z.number().int().min(-1).optional(),
  active: z.boolean().default(true),
})
export type MailboxCreate = z.input<typeof MailboxCreate>

export const MailboxPatch = z.object({
  name: z.string().max(255).optional(),
  password: z.string().max(1024).optional(),
  quotaMb: z.number().int().min(-1).optional(),
  active: z.boolean().optional(),
  forwards: z.array(z.string().max(255)).max(1000).optional(),
  keepCopy: z.boolean().optional(),
})
export type MailboxPatch = z.infer<typeof MailboxPatch>

export const AliasCreate = z.object({
  /** local@domain, or @domain / *@domain for a catch-all */
  address: z.string().max(255),
  goto: z.array(z.string().max(255)).min(1).max(1000),
  active: z.boolean().default(true),
})
export type AliasCreate = z.input<typeof AliasCreate>

export const AliasPatch = z.object({
  goto: z.array(z.string().max(255)).max(1000).optional(),
  active: z.boolean().optional(),
})
export type AliasPatch = z.infer<typeof AliasPatch>

export const AliasDomainCreate = z.object({
  aliasDomain: z.string().max(255),
  targetDomain: z.string().max(255),
  active: z.boolean().default(true),
})
export type AliasDomainCreate = z.input<typeof AliasDomainCreate>

export const AliasDomainPatch = z.object({ targetDomain: z.string().max(255).optional(), active: z.boolean().optional() })
export type AliasDomainPatch = z.infer<typeof AliasDomainPatch>

export const AdminCreate = z.object({
  username: z.string().max(255),
  password: z.string().max(1024),
  superadmin: z.boolean().default(false),
  domains: z.array(z.string().max(255)).default([]),
  active: z.boolean().default(true),
})
export type AdminCreate = z.input<typeof AdminCreate>

export const AdminPatch = z.object({
  password: z.string().max(1024).optional(),
  superadmin: z.boolean().optional(),
  domains: z.array(z.string().max(255)).optional(),
  active: z.boolean().optional(),
})
export type AdminPatch = z.infer<typeof AdminPatch>

/** The mailbox's Maildir on the server (where Dovecot keeps its mail), and whether it was removed. */
export const MaildirInfo = z.object({ path: z.string(), bytes: z.number(), removed: z.boolean() })
export type MaildirInfo = z.infer<typeof MaildirInfo>

/** What a delete removes (shown in the confirm dialog, returned after the delete). */
export const DeleteSummary = z.object({
  target: z.string(),
  removed: z.record(z.string(), z.number()),
  /** a mailbox's Maildir: in a preview where it is (removed false), after a delete whether it went */
  maildir: MaildirInfo.nullable().optional(),
})
export type DeleteSummary = z.infer<typeof DeleteSummary>

/** The settings the forms need (from the server's PostfixAdmin config). */
export const MailSettingsView = z.object({
  encrypt: z.string(),
  encryptStrength: z.enum(['strong', 'acceptable', 'weak', 'insecure', 'unsupported']),
  quotaEnabled: z.boolean(),
  domainQuotaEnabled: z.boolean(),
  quotaMultiplier: z.number(),
  aliasDomainEnabled: z.boolean(),
  passwordValidation: z.record(z.string(), z.string()),
  minPasswordLength: z.number().optional(),
  defaults: z.object({ aliases: z.number(), mailboxes: z.number(), maxquota: z.number(), quota: z.number(), transport: z.string() }),
  defaultAliases: z.record(z.string(), z.string()),
  logging: z.boolean(),
})
export type MailSettingsView = z.infer<typeof MailSettingsView>

/** What a good import row will write (the preview shows it before anything is written). */
export const ImportPlannedMailbox = z.object({ username: z.string(), name: z.string(), maildir: z.string(), quotaMb: z.number(), active: z.boolean() })
export type ImportPlannedMailbox = z.infer<typeof ImportPlannedMailbox>
/** One CSV row's verdict: ok with what it will create, or the reason it cannot be imported. */
export const ImportVerdict = z.object({
  line: z.number(),
  address: z.string(),
  ok: z.boolean(),
  reason: z.string().optional(),
  message: z.string().optional(),
  create: ImportPlannedMailbox.optional(),
})
export type ImportVerdict = z.infer<typeof ImportVerdict>
export const ImportResult = z.object({ dryRun: z.boolean(), created: z.number(), verdicts: z.array(ImportVerdict), subfolders: SubfolderOutcome.optional() })
export type ImportResult = z.infer<typeof ImportResult>
/** An import's phases: rows checked, passwords hashed (worker threads), rows written (one transaction). */
export const ImportPhase = z.enum(['check', 'hash', 'write'])
export type ImportPhase = z.infer<typeof ImportPhase>
/** Progress of a running import (event mail.importProgress), at most every 50 ms per import. */
export const ImportProgress = z.object({ server: z.string(), callId: z.string().optional(), phase: ImportPhase, done: z.number(), total: z.number() })
export type ImportProgress = z.infer<typeof ImportProgress>
