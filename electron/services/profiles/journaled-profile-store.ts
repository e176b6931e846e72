import type { NewServer, ServerProfile } from '../../../shared/domain/server'
import type { ActivityJournal, ProfileStore } from '../types'

/** Records adding and removing server profiles in the activity journal (area 'servers'). */
export class JournaledProfileStore implements ProfileStore {
  constructor(
    private readonly inner: ProfileStore,
    private readonly journal: ActivityJournal,
  ) {}

  list(): Promise<ServerProfile[]> {
    return this.inner.list()
  }

  get(idOrName: string): Promise<ServerProfile> {
    return this.inner.get(idOrName)
  }

  async add(input: NewServer): Promise<ServerProfile> {
    const profile = await this.inner.add(input)
    await this.journal.record({ server: profile.id, area: 'servers', action: 'add', target: describe(profile), result: 'ok' })
    return profile
  }

  async update(id: string, input: NewServer): Promise<ServerProfile> {
    const profile = await this.inner.update(id, input)
    await this.journal.record({ server: profile.id, area: 'servers', action: 'edit', target: describe(profile), result: 'ok' })
    return profile
  }

  async remove(idOrName: string): Promise<boolean> {
    const profile = await this.inner.get(idOrName).catch(() => undefined)
    const removed = await this.inner.remove(idOrName)
    if (removed && profile) {
      await this.journal.record({ server: profile.id, area: 'servers', action: 'remove', target: describe(profile), result: 'ok' })
    }
    return removed
  }
}

function describe(p: ServerProfile): string {
  return `${p.name} (${p.user}@${p.host}:${p.port})`
}
