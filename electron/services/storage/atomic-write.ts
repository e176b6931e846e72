import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ioError } from './io-error'

/**
 * Replaces `path` so that readers (and a crash) see either the old or the new content, never half:
 * write a temp file in the same directory, fsync it, rename over the target, fsync the directory.
 * The file is created with `mode` (0600 by default: profiles and host keys are private).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const fh = await open(tmp, 'wx', mode)
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, path)
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw ioError('write', path, e)
  }
  await syncDir(dir)
}

// Makes the rename itself durable. Windows cannot open a directory for fsync; there it is best effort.
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    // Some file systems (e.g. network mounts) refuse fsync on directories; the data is written already.
  }
}
