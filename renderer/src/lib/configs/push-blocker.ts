export type PushBlocker = 'not-pulled' | 'busy' | 'unsaved' | 'conflicts' | 'offline'

export interface PushReadiness {
  pulled: boolean
  busy: boolean
  /** Files with unsaved edits in the editor. */
  unsaved: number
  /** Files still holding conflict markers (or marked conflicting by the service). */
  conflicts: number
  connected: boolean
}

/**
 * Why Validate/Push cannot start now (null: it can), in the order the user has to fix them: a conflict
 * is never sent unresolved, an unsaved buffer never silently left behind, and only then the connection.
 */
export function pushBlocker(r: PushReadiness): PushBlocker | null {
  if (!r.pulled) return 'not-pulled'
  if (r.busy) return 'busy'
  if (r.unsaved > 0) return 'unsaved'
  if (r.conflicts > 0) return 'conflicts'
  if (!r.connected) return 'offline'
  return null
}
