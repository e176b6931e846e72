// The PostfixAdmin settings Postdesk acts on, read from the server's effective $CONF (as JSON) with
// PostfixAdmin's own conversions: Config::bool ('YES'/'TRUE'/true, anything else false), numbers
// given as strings, and the package defaults (config.inc.php 3.3) for keys that are absent.
import { z } from 'zod'
import { defaultPasswordValidation } from './password-policy'

export type ConfJson = string | number | boolean | null | ConfJson[] | { [k: string]: ConfJson }

export const PostfixAdminSettings = z.object({
  encrypt: z.string(),
  domainPath: z.boolean(),
  domainInMailbox: z.boolean(),
  quotaMultiplier: z.number(),
  quota: z.boolean(),
  domainQuota: z.boolean(),
  domainQuotaDefault: z.number().nullable(),
  maxquota: z.number(),
  aliases: z.number(),
  mailboxes: z.number(),
  transportDefault: z.string(),
  defaultAliases: z.record(z.string(), z.string()),
  aliasDomain: z.boolean(),
  usedQuotas: z.boolean(),
  newQuotaTable: z.boolean(),
  passwordValidation: z.record(z.string(), z.string()),
  minPasswordLength: z.number().optional(),
  logging: z.boolean(),
  emailcheckResolveDomain: z.boolean(),
  vacation: z.boolean(),
  vacationDomain: z.string(),
  createMailboxSubdirs: z.array(z.string()),
  createMailboxSubdirsPrefix: z.string(),
  databaseTables: z.record(z.string(), z.string()),
  databasePrefix: z.string(),
})
export type PostfixAdminSettings = z.infer<typeof PostfixAdminSettings>

/** Config::bool() */
export function confBool(v: ConfJson | undefined): boolean {
  if (typeof v === 'boolean') return v
  return typeof v === 'string' && ['YES', 'TRUE'].includes(v.toUpperCase())
}

/** PHP's (int)/(float) of a numeric config string; `fallback` when absent or not numeric. */
function confNumber(v: ConfJson | undefined, fallback: number): number {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return fallback
}

function confString(v: ConfJson | undefined, fallback: string): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback
}

function confStringMap(v: ConfJson | undefined, fallback: Record<string, string>): Record<string, string> {
  if (v === undefined || v === null) return fallback
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), String(x)]))
  if (typeof v !== 'object') return fallback
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string' || typeof x === 'number').map(([k, x]) => [k, String(x)]))
}

const packageTables = ['admin', 'alias', 'alias_domain', 'config', 'domain', 'domain_admins', 'fetchmail', 'log', 'mailbox', 'vacation', 'vacation_notification', 'quota', 'quota2']

/** Settings from an effective (or statically read) $CONF, with the 3.3 package defaults. */
export function postfixAdminSettings(conf: Record<string, ConfJson>): PostfixAdminSettings {
  const minLen = conf.min_password_length
  return {
    encrypt: confString(conf.encrypt, 'md5crypt'),
    domainPath: confBool(conf.domain_path ?? 'YES'),
    // domain_path NO forces domain_in_mailbox YES (MailboxHandler::_missing_maildir)
    domainInMailbox: confBool(conf.domain_in_mailbox ?? 'NO'),
    quotaMultiplier: confNumber(conf.quota_multiplier, 1024000),
    quota: confBool(conf.quota ?? 'NO'),
    domainQuota: confBool(conf.domain_quota ?? 'YES'),
    domainQuotaDefault: conf.domain_quota_default === undefined || conf.domain_quota_default === null ? null : confNumber(conf.domain_quota_default, -1),
    maxquota: confNumber(conf.maxquota, 10),
    aliases: confNumber(conf.aliases, 10),
    mailboxes: confNumber(conf.mailboxes, 10),
    transportDefault: confString(conf.transport_default, 'virtual'),
    defaultAliases: confStringMap(conf.default_aliases, {}),
    aliasDomain: confBool(conf.alias_domain ?? 'YES'),
    usedQuotas: confBool(conf.used_quotas ?? 'NO'),
    newQuotaTable: confBool(conf.new_quota_table ?? 'YES'),
    passwordValidation: confStringMap(conf.password_validation, defaultPasswordValidation),
    ...(minLen !== undefined && minLen !== null ? { minPasswordLength: confNumber(minLen, 0) } : {}),
    logging: confBool(conf.logging ?? 'YES'),
    emailcheckResolveDomain: confBool(conf.emailcheck_resolve_domain ?? 'YES'),
    vacation: confBool(conf.vacation ?? 'NO'),
    vacationDomain: confString(conf.vacation_domain, ''),
    createMailboxSubdirs: Array.isArray(conf.create_mailbox_subdirs) ? conf.create_mailbox_subdirs.map(String) : [],
    createMailboxSubdirsPrefix: confString(conf.create_mailbox_subdirs_prefix, 'INBOX.'),
    databaseTables: { ...Object.fromEntries(packageTables.map((t) => [t, t])), ...confStringMap(conf.database_tables, {}) },
    databasePrefix: confString(conf.database_prefix, ''),
  }
}
