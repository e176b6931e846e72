import { diff3Merge } from 'node-diff3'
import { CONFLICT_MARKERS } from '../../../../shared/domain/config-workspace'

export interface MergeOutcome {
  /** The merged text; conflicting regions carry git-style markers (local, then server). */
  text: string
  conflicts: number
}

/**
 * Line-wise three-way merge (diff3): base = what was pulled, local = the user's edit, remote = the
 * server's file now. Changes on one side only are taken; the same change on both is taken once; a
 * region changed differently on both sides becomes a conflict block the editor shows.
 */
export function mergeThreeWay(base: string, local: string, remote: string): MergeOutcome {
  if (local === remote) return { text: local, conflicts: 0 }
  if (local === base) return { text: remote, conflicts: 0 }
  if (remote === base) return { text: local, conflicts: 0 }
  const regions = diff3Merge(local.split('\n'), base.split('\n'), remote.split('\n'), { excludeFalseConflicts: true })
  const out: string[] = []
  let conflicts = 0
  for (const r of regions) {
    if (r.ok) out.push(...r.ok)
    else if (r.conflict) {
      conflicts++
      out.push(CONFLICT_MARKERS.local, ...r.conflict.a, CONFLICT_MARKERS.separator, ...r.conflict.b, CONFLICT_MARKERS.remote)
    }
  }
  return { text: out.join('\n'), conflicts }
}

/** Whether a text still holds a conflict block (a marker at the start of a line). */
export function hasConflictMarkers(text: string): boolean {
  const lines = text.split('\n')
  return lines.includes(CONFLICT_MARKERS.local) && lines.includes(CONFLICT_MARKERS.remote)
}
