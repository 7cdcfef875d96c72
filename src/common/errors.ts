/**
 * A failure the user caused or can fix: reported as one line on stderr with a
 * documented exit status, never as a stack trace.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

/** The errno text without Node's "ENOENT: " prefix and the syscall suffix. */
export function describeErrno(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EPERM: 'Operation not permitted',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory',
    EROFS: 'Read-only file system',
    ENOSPC: 'No space left on device',
    ELOOP: 'Too many levels of symbolic links',
    EEXIST: 'File exists',
    EBADF: 'Bad file descriptor',
    EFBIG: 'File too large',
    EDQUOT: 'Disk quota exceeded',
    EIO: 'Input/output error',
    ENXIO: 'No such device or address',
    ENOTREG: 'not a regular file',
  };
  if (err && typeof err.code === 'string' && known[err.code]) return known[err.code];
  return err && err.message ? err.message : String(error);
}
