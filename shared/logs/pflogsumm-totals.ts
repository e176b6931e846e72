// pflogsumm's "Grand Totals": its labels and its text block (no counter here: the renderer imports this).

/** pflogsumm's own labels, in the order it prints them. */
export const PFLOGSUMM_LABELS = [
  'received', 'delivered', 'forwarded', 'deferred', 'deferrals', 'bounced', 'rejected', 'reject warnings', 'held',
  'discarded', 'bytes received', 'bytes delivered', 'senders', 'sending hosts/domains', 'recipients',
  'recipient hosts/domains',
] as const

export type PflogsummLabel = (typeof PFLOGSUMM_LABELS)[number]
export type PflogsummTotals = Record<PflogsummLabel, number>

/** pflogsumm's adj_int_units(): `%6d%s` value and unit as it prints them. */
export function pflogsummUnits(v: number): [number, string] {
  if (v > 536870912) return [Math.trunc(v / 1048576), 'm']
  if (v > 524288) return [Math.trunc(v / 1024), 'k']
  return [Math.trunc(v), ' ']
}

/** The "Grand Totals" block exactly as pflogsumm prints it (without the per-hour and detail reports). */
export function formatPflogsummTotals(t: PflogsummTotals): string {
  const line = (v: number, label: string): string => {
    const [n, u] = pflogsummUnits(v)
    return ` ${String(n).padStart(6)}${u}  ${label}`
  }
  const total = t.delivered + t.rejected + t.discarded
  const rejPct = total ? Math.trunc((t.rejected / total) * 100) : 0
  const disPct = total ? Math.trunc((t.discarded / total) * 100) : 0
  let deferred = line(t.deferred, 'deferred')
  if (t.deferrals) {
    const [n, u] = pflogsummUnits(t.deferrals)
    deferred += `  (${n}${u} deferrals)`
  }
  return [
    'Grand Totals',
    '------------',
    'messages',
    '',
    line(t.received, 'received'),
    line(t.delivered, 'delivered'),
    line(t.forwarded, 'forwarded'),
    deferred,
    line(t.bounced, 'bounced'),
    line(t.rejected, `rejected (${rejPct}%)`),
    line(t['reject warnings'], 'reject warnings'),
    line(t.held, 'held'),
    line(t.discarded, `discarded (${disPct}%)`),
    '',
    line(t['bytes received'], 'bytes received'),
    line(t['bytes delivered'], 'bytes delivered'),
    line(t.senders, 'senders'),
    line(t['sending hosts/domains'], 'sending hosts/domains'),
    line(t.recipients, 'recipients'),
    line(t['recipient hosts/domains'], 'recipient hosts/domains'),
    '',
  ].join('\n')
}
