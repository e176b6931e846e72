import bundled from '../../../resources/catalogs/dnsbl-zones.json'

export interface DnsblZone {
  zone: string
  kind: 'ip' | 'domain' | 'uri'
  status: 'alive' | 'retired' | 'lists-everything' | 'replaced'
  replacement?: string
  note?: string
}

export const bundledDnsblZones: DnsblZone[] = bundled.zones as DnsblZone[]

/** The entry for a zone: exact name first, then the longest listed suffix (".uribl.com" covers multi.uribl.com). */
export function lookupDnsblZone(zone: string, zones: readonly DnsblZone[] = bundledDnsblZones): DnsblZone | undefined {
  const z = zone.toLowerCase().replace(/\.$/, '')
  let best: DnsblZone | undefined
  for (const e of zones) {
    if (z === e.zone) return e
    if (z.endsWith('.' + e.zone) && (!best || e.zone.length > best.zone.length)) best = e
  }
  return best
}
