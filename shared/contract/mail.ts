import { z } from 'zod'
import {
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
  ImportProgress,
  ImportResult,
  ListQuery,
  MailboxCreate,
  MailboxCreated,
  MailboxRename,
  MailboxRenamed,
  MailboxPatch,
  MailboxRow,
  MailSettingsView,
  QuotaUsage,
  Page,
  RowVersion,
} from '../domain/mail'
import { ServerId } from '../domain/server'
import type { ContractSection, EventSection } from './define'
import { CallId } from './servers'

const S = { server: ServerId }
const Key = z.string().min(1).max(255)
/** The version the caller loaded: the operation fails with 'conflict' if the row changed since. */
const Expected = { version: RowVersion.optional() }

/** PostfixAdmin's data over the DB tunnel; every call is one transaction on the server's database. */
export const mailChannels = {
  'mail.settings': { input: z.object({ ...S, refresh: z.boolean().default(false) }), output: MailSettingsView },

  'mail.listDomains': { input: z.object({ ...S, query: ListQuery.default({ search: '', desc: false, offset: 0, limit: 50 }) }), output: Page(DomainRow) },
  'mail.getDomain': { input: z.object({ ...S, domain: Key }), output: DomainRow },
  'mail.createDomain': { input: z.object({ ...S, domain: DomainCreate }), output: DomainRow },
  'mail.editDomain': { input: z.object({ ...S, domain: Key, patch: DomainPatch, ...Expected }), output: DomainRow },
  'mail.previewDeleteDomain': { input: z.object({ ...S, domain: Key }), output: DeleteSummary },
  /** Deletes the rows; with deleteMaildir also the domain's directory of Maildirs on the server (a separate, confirmed choice). */
  'mail.deleteDomain': { input: z.object({ ...S, domain: Key, ...Expected, deleteMaildir: z.boolean().default(false) }), output: DeleteSummary },

  'mail.listMailboxes': { input: z.object({ ...S, domain: Key.optional(), query: ListQuery.default({ search: '', desc: false, offset: 0, limit: 50 }) }), output: Page(MailboxRow) },
  'mail.getMailbox': { input: z.object({ ...S, username: Key }), output: MailboxRow },
  /** Dovecot's own usage figures of these mailboxes (doveadm quota get); users Dovecot does not know are absent. */
  'mail.mailboxUsage': { input: z.object({ ...S, usernames: z.array(Key).max(1000) }), output: z.record(z.string(), QuotaUsage) },
  /** Creates the mailbox, then its folders on the server ($CONF['create_mailbox_subdirs'], doveadm mailbox create). */
  'mail.createMailbox': { input: z.object({ ...S, mailbox: MailboxCreate }), output: MailboxCreated },
  'mail.editMailbox': { input: z.object({ ...S, username: Key, patch: MailboxPatch, ...Expected }), output: MailboxRow },
  'mail.previewDeleteMailbox': { input: z.object({ ...S, username: Key }), output: DeleteSummary },
  /** Deletes the rows; with deleteMaildir also the Maildir on the server (a separate, confirmed choice). */
  'mail.deleteMailbox': { input: z.object({ ...S, username: Key, ...Expected, deleteMaildir: z.boolean().default(false) }), output: DeleteSummary },
  /** New local part and/or domain; aliases naming it follow; its Maildir moves with it unless moveMaildir is false. */
  'mail.renameMailbox': { input: z.object({ ...S, username: Key, to: MailboxRename, ...Expected, moveMaildir: z.boolean().default(true) }), output: MailboxRenamed },

  'mail.listAliases': {
    input: z.object({ ...S, domain: Key.optional(), includeMailboxes: z.boolean().default(false), query: ListQuery.default({ search: '', desc: false, offset: 0, limit: 50 }) }),
    output: Page(AliasRow),
  },
  'mail.createAlias': { input: z.object({ ...S, alias: AliasCreate }), output: AliasRow },
  'mail.editAlias': { input: z.object({ ...S, address: Key, patch: AliasPatch, ...Expected }), output: AliasRow },
  'mail.deleteAlias': { input: z.object({ ...S, address: Key, ...Expected }), output: DeleteSummary },

  'mail.listAliasDomains': { input: z.object({ ...S, query: ListQuery.default({ search: '', desc: false, offset: 0, limit: 50 }) }), output: Page(AliasDomainRow) },
  'mail.createAliasDomain': { input: z.object({ ...S, aliasDomain: AliasDomainCreate }), output: AliasDomainRow },
  'mail.editAliasDomain': { input: z.object({ ...S, aliasDomain: Key, patch: AliasDomainPatch, ...Expected }), output: AliasDomainRow },
  'mail.deleteAliasDomain': { input: z.object({ ...S, aliasDomain: Key, ...Expected }), output: DeleteSummary },

  /**
   * CSV import of mailboxes: verdicts per row (with what each good row will create); written (one
   * transaction) only if all are good and not dryRun. Progress as mail.importProgress events named by
   * callId; servers.cancel(callId) aborts it before its commit (then nothing of it is written).
   */
  'mail.importMailboxes': { input: z.object({ ...S, csv: z.string().max(20_000_000), dryRun: z.boolean().default(true), callId: CallId.optional() }), output: ImportResult },
  'mail.exportMailboxes': { input: z.object({ ...S, domain: Key.optional() }), output: z.object({ csv: z.string() }) },

  'mail.listAdmins': { input: z.object({ ...S, query: ListQuery.default({ search: '', desc: false, offset: 0, limit: 50 }) }), output: Page(AdminRow) },
  'mail.createAdmin': { input: z.object({ ...S, admin: AdminCreate }), output: AdminRow },
  'mail.editAdmin': { input: z.object({ ...S, username: Key, patch: AdminPatch, ...Expected }), output: AdminRow },
  'mail.deleteAdmin': { input: z.object({ ...S, username: Key, ...Expected }), output: DeleteSummary },
} satisfies ContractSection

export const mailEvents = {
  'mail.importProgress': { payload: ImportProgress },
} satisfies EventSection
