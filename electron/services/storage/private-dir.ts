import { mkdir } from 'node:fs/promises'
import { ioError } from './io-error'

/** Creates the data directory readable by its owner only (it holds host keys and the journal). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
  } catch (e) {
    throw ioError('create the data directory', dir, e)
  }
}
