import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { isReachable, loadConnection } from './vps'

// Firewall helpers for the test server's namespace. SAFETY: other test files connect from the first host
// address over SSH; nothing here ever blocks it or port 22 for it, and cleanup removes only what Postdesk
// (or these tests) created: the POSTDESK-INPUT chains, the `inet postdesk` table, the test's own foreign rule.

const conn = loadConnection()
export const ADDR_A = conn.clientAddresses[0] ?? '10.213.77.1'
export const ADDR_B = conn.clientAddresses[1] ?? '10.213.77.3'

export function nsRun(argv: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', conn.namespace, ...argv], { encoding: 'utf8', ...(input !== undefined ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] })
}

export function nsTry(argv: string[], input?: string): string | undefined {
  try {
    return nsRun(argv, input)
  } catch {
    return undefined
  }
}

/** Whether a TCP connection from `localAddress` to the server's port is accepted within `ms`. */
export function reachableFrom(localAddress: string, port: number, ms = 1500): Promise<boolean> {
  return isReachable(conn.host, port, ms, localAddress)
}

/** Removes everything Postdesk owns in the namespace (never a foreign rule). Safe to call twice. */
export function flushPostdeskFirewall(): void {
  for (const t of ['iptables', 'ip6tables']) {
    while (nsTry([t, '-D', 'INPUT', '-j', 'POSTDESK-INPUT']) !== undefined) {
      /* remove every jump */
    }
    nsTry([t, '-F', 'POSTDESK-INPUT'])
    nsTry([t, '-X', 'POSTDESK-INPUT'])
  }
  nsTry(['nft', 'delete', 'table', 'inet', 'postdesk'])
  // Pending rollback timers of aborted tests: kill them so they cannot fire into a later test.
  const base = '/var/lib/postdesk/firewall'
  if (existsSync(base)) {
    for (const d of readdirSync(base)) {
      try {
        const pid = execFileSync('cat', [`${base}/${d}/pid`], { encoding: 'utf8' }).trim()
        if (/^\d+$/.test(pid)) execFileSync('kill', ['-TERM', '--', `-${pid}`], { stdio: 'ignore' })
      } catch {
        /* gone already */
      }
      try {
        const job = execFileSync('cat', [`${base}/${d}/atjob`], { encoding: 'utf8' }).trim()
        if (/^\d+$/.test(job)) nsTry(['atrm', job])
      } catch {
        /* none */
      }
      execFileSync('rm', ['-rf', `${base}/${d}`])
    }
  }
}

/** iptables-save / nft list ruleset without counters or the timestamp comments. */
export function iptablesSave(): string {
  return nsRun(['iptables-save']).replace(/^#.*\n/gm, '')
}
export function nftRuleset(): string {
  return nsRun(['nft', 'list', 'ruleset'])
}

/** Pending transaction directories on the server (the file system is shared with this machine). */
export function pendingTxns(): string[] {
  const base = '/var/lib/postdesk/firewall'
  return existsSync(base) ? readdirSync(base).filter((d) => d.startsWith('txn-')) : []
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, stepMs = 200): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await cond()) return true
    await new Promise((r) => setTimeout(r, stepMs))
  }
  return cond()
}
