/**
 * SMTP server access restrictions of Postfix 3.7 (the names compiled into Debian's smtpd binary),
 * with the kind of argument each one takes.
 */
export type RestrictionArgument = 'none' | 'table' | 'endpoint' | 'dnsbl-zone' | 'seconds'

const TABLE = [
  'check_ccert_access', 'check_client_a_access', 'check_client_access', 'check_client_mx_access', 'check_client_ns_access',
  'check_etrn_access', 'check_helo_a_access', 'check_helo_access', 'check_helo_mx_access', 'check_helo_ns_access',
  'check_recipient_a_access', 'check_recipient_access', 'check_recipient_mx_access', 'check_recipient_ns_access',
  'check_reverse_client_hostname_a_access', 'check_reverse_client_hostname_access', 'check_reverse_client_hostname_mx_access',
  'check_reverse_client_hostname_ns_access', 'check_sasl_access', 'check_sender_a_access', 'check_sender_access',
  'check_sender_mx_access', 'check_sender_ns_access',
]
const ZONE = [
  'permit_dnswl_client', 'permit_rhswl_client', 'reject_rbl_client', 'reject_rhsbl_client', 'reject_rhsbl_helo',
  'reject_rhsbl_recipient', 'reject_rhsbl_reverse_client', 'reject_rhsbl_sender', 'reject_rbl',
]
const NONE = [
  'check_recipient_maps', 'check_relay_domains', 'defer', 'defer_if_permit', 'defer_if_reject', 'defer_unauth_destination',
  'permit', 'permit_auth_destination', 'permit_inet_interfaces', 'permit_mx_backup', 'permit_mynetworks', 'permit_naked_ip_address',
  'permit_sasl_authenticated', 'permit_tls_all_clientcerts', 'permit_tls_clientcerts', 'reject', 'reject_authenticated_sender_login_mismatch',
  'reject_invalid_helo_hostname', 'reject_invalid_hostname', 'reject_known_sender_login_mismatch', 'reject_maps_rbl',
  'reject_multi_recipient_bounce', 'reject_non_fqdn_helo_hostname', 'reject_non_fqdn_hostname', 'reject_non_fqdn_recipient',
  'reject_non_fqdn_sender', 'reject_plaintext_session', 'reject_sender_login_mismatch', 'reject_unauth_destination',
  'reject_unauth_pipelining', 'reject_unauthenticated_sender_login_mismatch', 'reject_unknown_client', 'reject_unknown_client_hostname',
  'reject_unknown_helo_hostname', 'reject_unknown_hostname', 'reject_unknown_recipient_domain', 'reject_unknown_reverse_client_hostname',
  'reject_unknown_sender_domain', 'reject_unlisted_recipient', 'reject_unlisted_sender', 'reject_unverified_recipient',
  'reject_unverified_sender', 'warn_if_reject',
]

export const RESTRICTIONS: ReadonlyMap<string, RestrictionArgument> = new Map<string, RestrictionArgument>([
  ...TABLE.map((n) => [n, 'table'] as const),
  ...ZONE.map((n) => [n, 'dnsbl-zone'] as const),
  ...NONE.map((n) => [n, 'none'] as const),
  ['check_policy_service', 'endpoint'],
  ['sleep', 'seconds'],
])

/** Restrictions that end the evaluation of a list whatever the client does. */
export const FINAL_RESTRICTIONS = new Set(['permit', 'reject', 'defer'])

/** One of these must "work" in smtpd_relay_restrictions or smtpd_recipient_restrictions (smtpd_check.c). */
export const RELAY_GUARDS = new Set(['reject_unauth_destination', 'defer_unauth_destination', 'reject', 'defer', 'defer_if_permit', 'check_relay_domains'])

/** Parameters holding an SMTP server restriction list. */
export const RESTRICTION_PARAMETERS = [
  'smtpd_client_restrictions', 'smtpd_helo_restrictions', 'smtpd_sender_restrictions', 'smtpd_relay_restrictions',
  'smtpd_recipient_restrictions', 'smtpd_data_restrictions', 'smtpd_end_of_data_restrictions', 'smtpd_etrn_restrictions',
]

/** The restriction lists whose access tables are searched with the client, helo, sender ... name. */
export const ZONE_KINDS: Record<string, 'ip' | 'domain'> = {
  reject_rbl_client: 'ip',
  reject_rbl: 'ip',
  permit_dnswl_client: 'ip',
  reject_rhsbl_client: 'domain',
  reject_rhsbl_helo: 'domain',
  reject_rhsbl_recipient: 'domain',
  reject_rhsbl_reverse_client: 'domain',
  reject_rhsbl_sender: 'domain',
  permit_rhswl_client: 'domain',
}
