import type { ServerFacts } from '../../../shared/domain/facts'
import { AppError } from '../../../shared/errors'
import type { ExecOptions, ExecResult, FactsService } from '../types'
import { FACTS_SCRIPT } from './facts-script'
import { parseFacts } from './parse-facts'

export interface FactsServiceDeps {
  exec(serverId: string, argv: string[], opts?: ExecOptions): Promise<ExecResult>
  /** The connection's generation (undefined when offline): the cache lives as long as one connection. */
  generationOf(serverId: string): number | undefined
  now?: () => Date
}

/** Reads what a server is (OS, init, Postfix/Dovecot/DB versions, PostfixAdmin, log, firewall tools) once per connection. */
export class ScriptFactsService implements FactsService {
  private readonly cache = new Map<string, { generation: number; facts: ServerFacts }>()

  constructor(private readonly deps: FactsServiceDeps) {}

  async get(serverId: string, opts: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<ServerFacts> {
    const generation = this.deps.generationOf(serverId)
    const cached = this.cache.get(serverId)
    if (!opts.refresh && cached && generation !== undefined && cached.generation === generation) return cached.facts

    const result = await this.deps.exec(serverId, ['sh', '-s'], { stdin: FACTS_SCRIPT, timeoutMs: 60_000, ...(opts.signal ? { signal: opts.signal } : {}) })
    if (result.code !== 0) {
      const why = result.stderr.trim().split('\n')[0]?.slice(0, 300)
      throw new AppError('remote-failed', `Reading the server facts failed (sh exited with ${result.code ?? result.signal ?? 'no status'})${why ? `: ${why}` : ''}.`)
    }
    const facts = parseFacts(result.stdout, (this.deps.now?.() ?? new Date()).toISOString())
    if (generation !== undefined) this.cache.set(serverId, { generation, facts })
    return facts
  }
}
