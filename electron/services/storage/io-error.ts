import { AppError } from '../../../shared/errors'

/** A file-system failure as an AppError('io') naming the file and the OS reason (never file contents). */
export function ioError(action: string, path: string, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  const reason = code ? `${code}${describe(code)}` : e instanceof Error ? e.message : String(e)
  return new AppError('io', `Cannot ${action} ${path}: ${reason}`, { path, ...(code ? { errno: code } : {}) })
}

function describe(code: string): string {
  switch (code) {
    case 'ENOENT':
      return ' (no such file or directory)'
    case 'EACCES':
    case 'EPERM':
      return ' (permission denied)'
    case 'EISDIR':
      return ' (it is a directory)'
    case 'ENOSPC':
      return ' (disk full)'
    case 'EROFS':
      return ' (read-only file system)'
    default:
      return ''
  }
}
