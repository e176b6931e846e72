// What PostfixAdmin's DomainHandler writes for a new domain: the default limits from $CONF and
// the default aliases (postSave: a target without '@' points into the new domain).

export interface DomainDefaultsConfig {
  aliases: number
  mailboxes: number
  maxquota: number
  /** $CONF['domain_quota_default'] (null/absent -> -1) */
  domainQuotaDefault?: number | null
  transportDefault: string
  defaultAliases: Record<string, string>
}

export interface NewDomainRow {
  domain: string
  description: string
  aliases: number
  mailboxes: number
  maxquota: number
  quota: number
  transport: string
  backupmx: boolean
  active: boolean
}

export function newDomainDefaults(domain: string, c: DomainDefaultsConfig): NewDomainRow {
  return {
    domain,
    description: '',
    aliases: c.aliases,
    mailboxes: c.mailboxes,
    maxquota: c.maxquota,
    quota: c.domainQuotaDefault ?? -1,
    transport: c.transportDefault,
    backupmx: false,
    active: true,
  }
}

/** The alias rows (address, goto) for $CONF['default_aliases'] on a new domain. */
export function defaultAliasRows(domain: string, defaultAliases: Record<string, string>): { address: string; goto: string; domain: string }[] {
  return Object.entries(defaultAliases).map(([local, goto]) => ({
    address: `${local}@${domain}`,
    goto: goto.includes('@') ? goto : `${goto}@${domain}`,
    domain,
  }))
}
