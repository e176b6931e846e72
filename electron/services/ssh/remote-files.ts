import { createHash, randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import type { SFTPWrapper, Stats } from 'ssh2'
import type { SudoMode } from '../../../shared/domain/server'
import { AppError } from '../../../shared/errors'
import type { ExecBytesResult } from './run-command'

/** Runs argv on the server as the login user, or as root the profile's way; streams as bytes. */
export interface FileCommandRunner {
  sudoMode: SudoMode
  run(argv: (string | Uint8Array)[], o: { asRoot: boolean; stdin?: Buffer; timeoutMs?: number; signal?: AbortSignal }): Promise<ExecBytesResult>
}

export interface RemoteFileSession {
  sftp(): Promise<SFTPWrapper>
}

export interface RemoteWriteOptions {
  /** Mode of a new file (an existing file keeps its own); default 0644. */
  mode?: number
  /** Write as root (through the profile's sudo) even if the login user could write. */
  asRoot?: boolean
  timeoutMs?: number
  signal?: AbortSignal
}

export interface RemoteWriteResult {
  path: string
  bytes: number
  /** How it was written: over SFTP as the login user, or by a shell script (as root through sudo, or for a non-UTF-8 name). */
  via: 'sftp' | 'root' | 'shell'
}

// SFTP status codes (draft-ietf-secsh-filexfer-02).
const NO_SUCH_FILE = 2
const PERMISSION_DENIED = 3

type SftpError = Error & { code?: number }

/** A path as bytes (names need not be UTF-8) and as text for SFTP, when it is valid UTF-8. */
function pathForms(path: string | Uint8Array): { bytes: Buffer; text?: string; shown: string } {
  if (typeof path === 'string') return { bytes: Buffer.from(path, 'utf8'), text: path, shown: path }
  const bytes = Buffer.from(path)
  const text = bytes.toString('utf8')
  const utf8 = Buffer.from(text, 'utf8').equals(bytes)
  return { bytes, ...(utf8 ? { text } : {}), shown: utf8 ? text : bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '?') }
}

function sftpError(action: string, path: string, e: unknown): AppError {
  const err = e as SftpError
  if (err?.code === NO_SUCH_FILE) return new AppError('not-found', `Cannot ${action} ${path} on the server: no such file or directory.`, { path })
  if (err?.code === PERMISSION_DENIED) return new AppError('permission-denied', `Cannot ${action} ${path} on the server: permission denied.`, { path })
  return new AppError('io', `Cannot ${action} ${path} on the server: ${err?.message ?? String(e)}.`, { path })
}

const call = <T>(f: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> =>
  new Promise<T>((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))))

/**
 * A file's bytes: over SFTP as the login user; as root (`cat` through the profile's sudo) when that
 * is refused and the profile has a way to root, or when the name is not UTF-8 (SFTP here takes text).
 */
export async function readRemoteFile(session: RemoteFileSession, path: string | Uint8Array, runner: FileCommandRunner & { timeoutMs?: number; signal?: AbortSignal }): Promise<Buffer> {
  const p = pathForms(path)
  if (p.text !== undefined) {
    try {
      const sftp = await session.sftp()
      return await call<Buffer>((cb) => sftp.readFile(p.text as string, cb))
    } catch (e) {
      if (e instanceof AppError) throw e
      const mapped = sftpError('read', p.shown, e)
      if (mapped.code !== 'permission-denied' || runner.sudoMode === 'none') throw mapped
    }
  }
  const asRoot = p.text !== undefined // only after a refusal; a non-UTF-8 name is read as the login user
  const r = await runner.run(['cat', '--', p.bytes], { asRoot, ...(runner.timeoutMs ? { timeoutMs: runner.timeoutMs } : {}), ...(runner.signal ? { signal: runner.signal } : {}) })
  if (r.code !== 0) throw shellFailure('read', p.shown, r)
  return r.stdout
}

/**
 * Replaces a file so that it holds the old or the new content, never a mix, whatever happens to the
 * connection: the data goes to a temp file in the same directory, is fsynced and checked, gets the
 * target's owner and mode, and is renamed over the target (rename(2) is atomic within a directory).
 * If the login user may not write there (or must not change the owner), the same is done as root by a
 * script run through the profile's sudo, fed the data on stdin; it renames only if the SHA-256 of what
 * it received is the expected one, so a cut connection leaves the target untouched.
 */
export async function writeRemoteFileAtomic(session: RemoteFileSession, path: string | Uint8Array, data: Buffer, o: RemoteWriteOptions & FileCommandRunner): Promise<RemoteWriteResult> {
  const p = pathForms(path)
  const wantRoot = o.asRoot === true && o.sudoMode !== 'none'
  if (p.text !== undefined && !wantRoot) {
    try {
      await writeViaSftp(await session.sftp(), p.text, data, o.mode ?? 0o644, o.signal)
      return { path: p.text, bytes: data.length, via: 'sftp' }
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'permission-denied' || o.sudoMode === 'none') throw e
    }
    return writeViaShell(p, data, o, true)
  }
  return writeViaShell(p, data, o, wantRoot)
}

async function writeViaSftp(sftp: SFTPWrapper, target: string, data: Buffer, newMode: number, signal?: AbortSignal): Promise<void> {
  // A request on a channel that died never answers: every step also ends when the channel closes.
  let onClose: () => void = () => undefined
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new AppError('disconnected', `The connection was lost while writing ${target}; the file on the server was not changed.`, { path: target }))
    sftp.once('close', onClose)
    sftp.once('end', onClose)
  })
  closed.catch(() => undefined)
  try {
    await writeViaSftpSteps(sftp, target, data, newMode, signal, <T>(p: Promise<T>) => Promise.race([p, closed]))
  } finally {
    sftp.removeListener('close', onClose)
    sftp.removeListener('end', onClose)
  }
}

async function writeViaSftpSteps(sftp: SFTPWrapper, target: string, data: Buffer, newMode: number, signal: AbortSignal | undefined, live: <T>(p: Promise<T>) => Promise<T>): Promise<void> {
  const req = <T>(f: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> => live(call<T>(f))
  const done = (f: (cb: (err: Error | null | undefined) => void) => void): Promise<void> => req<void>((cb) => f((err) => cb(err, undefined)))
  const dir = posix.dirname(target)
  const existing = await req<Stats>((cb) => sftp.stat(target, cb)).catch((e: SftpError) => {
    if (e instanceof AppError) throw e
    if (e.code === NO_SUCH_FILE) return undefined
    throw sftpError('inspect', target, e)
  })
  if (existing && !existing.isFile()) throw new AppError('io', `${target} on the server is not a regular file; not replaced.`, { path: target })
  const mode = existing ? existing.mode & 0o7777 : newMode
  const tmp = posix.join(dir, `.${posix.basename(target)}.postdesk-${randomBytes(6).toString('hex')}.tmp`)
  let handle: Buffer
  try {
    // 0600 while it is being written: its content is not for other users until it gets the target's mode.
    handle = await req<Buffer>((cb) => sftp.open(tmp, 'wx', { mode: 0o600 }, cb))
  } catch (e) {
    throw e instanceof AppError ? e : sftpError('create a temporary file in', dir, e)
  }
  let renamed = false
  let lost = false
  try {
    await live(writeAll(sftp, handle, data, signal))
    if (sftp.ext_openssh_fsync) await done((cb) => sftp.ext_openssh_fsync(handle, cb))
    const st = await req<Stats>((cb) => sftp.fstat(handle, cb))
    if (st.size !== data.length) throw new AppError('io', `The temporary copy of ${target} has ${st.size} bytes, not ${data.length}; not installed.`, { path: target })
    if (existing && (st.uid !== existing.uid || st.gid !== existing.gid)) {
      // Keeping the owner needs root: let the caller do it that way.
      await done((cb) => sftp.fchown(handle, existing.uid, existing.gid, cb)).catch((e: unknown) => {
        if (e instanceof AppError) throw e
        throw new AppError('permission-denied', `Cannot keep the owner ${existing.uid}:${existing.gid} of ${target} as the login user.`, { path: target })
      })
    }
    await done((cb) => sftp.fchmod(handle, mode, cb))
    await done((cb) => sftp.close(handle, cb))
    handle = Buffer.alloc(0)
    // posix-rename@openssh.com replaces the target in one step; plain SFTP rename refuses an existing target.
    await done((cb) => (sftp.ext_openssh_rename ? sftp.ext_openssh_rename(tmp, target, cb) : sftp.rename(tmp, target, cb))).catch((e: unknown) => {
      throw e instanceof AppError ? e : sftpError('replace', target, e)
    })
    renamed = true
  } catch (e) {
    if (e instanceof AppError && e.code === 'disconnected') lost = true
    throw e instanceof AppError ? e : sftpError('write', target, e)
  } finally {
    // On a dead channel nothing can be cleaned up: the temp file stays (never the target half-written).
    if (!lost) {
      if (handle.length) await done((cb) => sftp.close(handle, cb)).catch(() => undefined)
      if (!renamed) await done((cb) => sftp.unlink(tmp, cb)).catch(() => undefined)
    }
  }
}

/** Writes in 32 KiB requests, several in flight (as OpenSSH's sftp does), in order of offset. */
async function writeAll(sftp: SFTPWrapper, handle: Buffer, data: Buffer, signal?: AbortSignal): Promise<void> {
  const CHUNK = 32 * 1024
  const IN_FLIGHT = 16
  let offset = 0
  let failure: unknown
  const inflight = new Set<Promise<void>>()
  while (offset < data.length && failure === undefined) {
    if (signal?.aborted) throw new AppError('cancelled', 'The write was cancelled; the file on the server was not changed.')
    const at = offset
    const len = Math.min(CHUNK, data.length - at)
    offset += len
    const p: Promise<void> = call<void>((cb) => sftp.write(handle, data, at, len, at, (err) => cb(err, undefined)))
      .catch((e: unknown) => {
        failure ??= e
      })
      .finally(() => inflight.delete(p))
    inflight.add(p)
    if (inflight.size >= IN_FLIGHT) await Promise.race(inflight)
  }
  await Promise.all(inflight)
  if (failure !== undefined) throw failure
}

// $1 target, $2 expected SHA-256 of stdin, $3 octal mode for a new file. The temp file is removed on
// any exit but the successful rename (also when the connection's end kills the script: HUP/PIPE).
const WRITE_SCRIPT = [
  'set -e',
  'target=$1; expect=$2; mode=$3',
  // A symlink is followed: the file it points to is replaced, the link stays.
  'if [ -L "$target" ]; then target=$(readlink -f -- "$target"); fi',
  'if [ -e "$target" ] && [ ! -f "$target" ]; then echo "postdesk: not a regular file" >&2; exit 91; fi',
  'dir=$(dirname -- "$target"); base=$(basename -- "$target")',
  'tmp=$(mktemp "$dir/.$base.postdesk-XXXXXX")',
  "trap 'rm -f -- \"$tmp\"' EXIT",
  "trap 'exit 129' HUP INT TERM PIPE",
  'cat > "$tmp"',
  'got=$(sha256sum < "$tmp"); got=${got%% *}',
  'if [ "$got" != "$expect" ]; then echo "postdesk: incomplete data, not installed" >&2; exit 90; fi',
  'if [ -e "$target" ]; then chown --reference="$target" -- "$tmp"; chmod --reference="$target" -- "$tmp"; else chmod "$mode" -- "$tmp"; fi',
  'sync -- "$tmp" 2>/dev/null || sync',
  'mv -f -- "$tmp" "$target"',
  'trap - EXIT',
  'sync -- "$dir" 2>/dev/null || true',
].join('\n')

async function writeViaShell(p: { bytes: Buffer; text?: string; shown: string }, data: Buffer, o: RemoteWriteOptions & FileCommandRunner, asRoot: boolean): Promise<RemoteWriteResult> {
  const sha = createHash('sha256').update(data).digest('hex')
  const mode = (o.mode ?? 0o644).toString(8).padStart(4, '0')
  const r = await o.run(['sh', '-c', WRITE_SCRIPT, 'postdesk-write', p.bytes, sha, mode], {
    asRoot,
    stdin: data,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  })
  if (r.code !== 0) throw shellFailure('write', p.shown, r)
  return { path: p.shown, bytes: data.length, via: asRoot ? 'root' : 'shell' }
}

function shellFailure(action: string, path: string, r: ExecBytesResult): AppError {
  const said = r.stderr.toString('utf8').trim().split('\n').pop()?.slice(0, 300) ?? ''
  if (/permission denied|operation not permitted/i.test(said)) return new AppError('permission-denied', `Cannot ${action} ${path} on the server: permission denied.`, { path })
  if (/no such file/i.test(said)) return new AppError('not-found', `Cannot ${action} ${path} on the server: no such file or directory.`, { path })
  return new AppError('remote-failed', `Cannot ${action} ${path} on the server (exit ${r.code ?? r.signal ?? '?'})${said ? `: ${said}` : ''}.`, { path })
}
