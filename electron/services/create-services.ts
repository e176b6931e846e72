import type { EmitEvent, Services } from './types'
export interface CreateServicesOptions { dataDir: string; version: string; emit: EmitEvent; harness: boolean }
export async function createServices(_o: CreateServicesOptions): Promise<Services> {
  throw new Error('not yet')
}
