import { join } from 'node:path'
import { writeFileAtomic } from '../storage/atomic-write'
import { Mutex } from '../storage/mutex'
import { ensurePrivateDir } from '../storage/private-dir'
import { readTextIfExists } from '../storage/read-text'
import { formatKnownHostLine, hostsFieldMatches, parseKnownHosts, type KnownHostLine } from './known-hosts-format'

export const KNOWN_HOSTS_FILE = 'known_hosts'

/**
 * The app's own host-key store: `known_hosts` in the data directory, in OpenSSH's format (so it can be
 * inspected with ssh-keygen -F and edited by hand), separate from the user's ~/.ssh/known_hosts.
 */
export class KnownHostsStore {
  readonly path: string
  private readonly mutex = new Mutex()

  /**
   * @param userKnownHostsPath the user's OpenSSH known_hosts (default ~/.ssh/known_hosts), read but
   *   never written: a key OpenSSH already trusts is trusted here too, and a conflict there refuses.
   */
  constructor(
    private readonly dataDir: string,
    readonly userKnownHostsPath?: string,
  ) {
    this.path = join(dataDir, KNOWN_HOSTS_FILE)
  }

  /** The keys for host:port: the app's own store first, then the user's known_hosts, each in file order. */
  async lookup(host: string, port: number): Promise<KnownHostLine[]> {
    const own = parseKnownHosts((await readTextIfExists(this.path)) ?? '').map((l) => ({ ...l, file: this.path }))
    let user: KnownHostLine[] = []
    if (this.userKnownHostsPath) {
      // Unreadable or missing: as OpenSSH, go on with what we have.
      const text = await readTextIfExists(this.userKnownHostsPath).catch(() => undefined)
      user = parseKnownHosts(text ?? '').map((l) => ({ ...l, file: this.userKnownHostsPath as string }))
    }
    return [...own, ...user].filter((l) => hostsFieldMatches(l.hosts, host, port))
  }

  async add(host: string, port: number, keyType: string, blob: Uint8Array): Promise<void> {
    await this.mutex.run(async () => {
      const text = (await readTextIfExists(this.path)) ?? ''
      const sep = text === '' || text.endsWith('\n') ? '' : '\n'
      await ensurePrivateDir(this.dataDir)
      await writeFileAtomic(this.path, text + sep + formatKnownHostLine(host, port, keyType, blob) + '\n')
    })
  }

  /** Removes every key line for host:port (other lines and comments stay); returns how many. */
  async remove(host: string, port: number): Promise<number> {
    return this.mutex.run(async () => {
      const text = await readTextIfExists(this.path)
      if (text === undefined) return 0
      const drop = new Set(parseKnownHosts(text).filter((l) => hostsFieldMatches(l.hosts, host, port)).map((l) => l.lineNo))
      if (drop.size === 0) return 0
      const kept = text.split(/\r?\n/).filter((_, i) => !drop.has(i + 1))
      await writeFileAtomic(this.path, kept.join('\n'))
      return drop.size
    })
  }
}
