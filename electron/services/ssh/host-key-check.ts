import type { KnownHostLine } from './known-hosts-format'

export type HostKeyVerdict =
  | { kind: 'known'; line: KnownHostLine }
  | { kind: 'unknown' }
  /** The host has stored keys and the offered one is none of them: refused, like OpenSSH. */
  | { kind: 'mismatch'; stored: KnownHostLine }

/**
 * Judges the key a server offered against the stored lines for its host:port. A stored key of another
 * type also counts as a mismatch: the connection prefers the stored types, so a server that no longer
 * offers any of them has changed its keys, and that must be confirmed by removing the old key first.
 */
export function checkHostKey(stored: readonly KnownHostLine[], keyType: string, blob: Uint8Array): HostKeyVerdict {
  const offered = Buffer.from(blob).toString('base64')
  const same = stored.find((l) => l.keyType === keyType && l.keyBase64 === offered)
  if (same) return { kind: 'known', line: same }
  const first = stored.find((l) => l.keyType === keyType) ?? stored[0]
  return first ? { kind: 'mismatch', stored: first } : { kind: 'unknown' }
}

// Host key algorithms ssh2 can negotiate, by the key type stored in known_hosts.
const ALGORITHMS_FOR_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}

/** Host key algorithms to offer first so the server presents a key we already know (as OpenSSH does). */
export function preferredHostKeyAlgorithms(stored: readonly KnownHostLine[]): string[] {
  const out: string[] = []
  for (const l of stored) for (const a of ALGORITHMS_FOR_KEY_TYPE[l.keyType] ?? []) if (!out.includes(a)) out.push(a)
  return out
}

/** ssh2's own default host key algorithm list (lib/protocol/constants.js), in its order. */
export const DEFAULT_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
