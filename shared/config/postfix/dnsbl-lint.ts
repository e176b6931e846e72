import type { DnsblZone } from '../catalog/dnsbl-zones'
import { lookupDnsblZone } from '../catalog/dnsbl-zones'
import type { FindingInit } from '../finding'

/**
 * What is wrong with using `zone` where Postfix expects a list of kind `expected` (ip: client address
 * lists for reject_rbl_client / postscreen; domain: reject_rhsbl_*), or undefined when nothing is.
 */
export function judgeDnsblZone(zone: string, expected: 'ip' | 'domain', usedAs: string, zones?: readonly DnsblZone[]): FindingInit | undefined {
  const bare = zone.replace(/[=*].*$/, '')
  const entry = lookupDnsblZone(bare, zones)
  if (!entry) return undefined
  if (entry.status === 'lists-everything')
    return {
      severity: 'error',
      code: 'postfix.dnsbl-lists-everything',
      message: `${bare} is a dead blocklist that now answers "listed" for every address: ${usedAs} ${bare} rejects all mail${entry.note ? ` (${entry.note})` : ''}`,
      hint: `Remove "${usedAs} ${bare}".`,
    }
  if (entry.kind === 'uri')
    return {
      severity: 'warning',
      code: 'postfix.uri-blocklist-as-dnsbl',
      message: `${bare} is a URI blocklist (domains found in message bodies), not a list of ${expected === 'ip' ? 'client IP addresses' : 'sender or client domains'}: as ${usedAs} it never matches and only costs a DNS lookup per ${expected === 'ip' ? 'connection' : 'message'}`,
      hint: `Remove it here; use it in a content filter (SpamAssassin, rspamd) that checks URLs in the message body.`,
    }
  if (entry.kind !== expected)
    return {
      severity: 'warning',
      code: 'postfix.dnsbl-wrong-kind',
      message: `${bare} lists ${entry.kind === 'ip' ? 'IP addresses' : 'domain names'}, but ${usedAs} looks up ${expected === 'ip' ? 'the client IP address' : 'a domain name'}: it never matches`,
      hint: entry.kind === 'ip' ? `Use reject_rbl_client ${bare}.` : `Use reject_rhsbl_sender ${bare} (or reject_rhsbl_helo / reject_rhsbl_client).`,
    }
  if (entry.status === 'retired')
    return {
      severity: 'warning',
      code: 'postfix.dnsbl-retired',
      message: `${bare} no longer exists${entry.note ? ` (${entry.note})` : ''}: every lookup waits for a DNS timeout and blocks nothing`,
      hint: `Remove "${usedAs} ${bare}"; zen.spamhaus.org or bl.spamcop.net are maintained IP blocklists.`,
    }
  if (entry.status === 'replaced')
    return {
      severity: 'warning',
      code: 'postfix.dnsbl-replaced',
      message: `${bare} has been superseded${entry.replacement ? ` by ${entry.replacement}` : ''}${entry.note ? ` (${entry.note})` : ''}`,
      hint: entry.replacement ? `Use ${usedAs} ${entry.replacement} instead.` : undefined,
    }
  return undefined
}
