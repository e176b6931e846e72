import { readFile } from 'node:fs/promises'
import { ioError } from './io-error'

/** The file's text, or undefined if it does not exist yet (a fresh data directory). */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw ioError('read', path, e)
  }
}
