// Where a mailbox's Maildir lives, as MailboxHandler::_missing_maildir() writes the `maildir` column
// (relative to Dovecot's mail_location base), always with a trailing slash.

export interface MaildirSettings {
  /** $CONF['domain_path'] (YES: domain/…) */
  domainPath: boolean
  /** $CONF['domain_in_mailbox'] (YES: …/user@domain/); forced on when domainPath is off */
  domainInMailbox: boolean
}

export function maildirFor(localPart: string, domain: string, s: MaildirSettings): string {
  const username = `${localPart}@${domain}`
  if (s.domainPath) return s.domainInMailbox ? `${domain}/${username}/` : `${domain}/${localPart}/`
  return `${username}/`
}
