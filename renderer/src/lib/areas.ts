/** The areas of a selected server, in sidebar order; Alt+1..6 follow this order. */
export const areas = ['dashboard', 'mail', 'configs', 'logs', 'firewall', 'services'] as const
export type Area = (typeof areas)[number]
/** Areas with a real view; the rest show the "coming soon" page. */
export const builtAreas: readonly Area[] = ['dashboard', 'firewall', 'services']

export function isArea(s: unknown): s is Area {
  return typeof s === 'string' && (areas as readonly string[]).includes(s)
}
