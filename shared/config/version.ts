/** Compares dotted versions numerically ("2.10" > "2.9"); missing parts count as 0. */
const parsed = new Map<string, number[]>()
const parts = (v: string): number[] => {
  let p = parsed.get(v)
  if (!p) parsed.set(v, (p = v.split('.').map((x) => parseInt(x, 10) || 0)))
  return p
}

export function compareVersions(a: string, b: string): number {
  const pa = parts(a)
  const pb = parts(b)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d) return d < 0 ? -1 : 1
  }
  return 0
}

export const versionAtLeast = (version: string, min: string): boolean => compareVersions(version, min) >= 0

/** "3.7.11" -> "3.7" */
export const majorMinor = (version: string): string => version.split('.').slice(0, 2).join('.')
