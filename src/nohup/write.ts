import fs = require('node:fs');
import { describeErrno } from '../common/errors';
import { dieOf } from './exit';

/**
 * Writes all of TEXT to FD and says how it went: null, or the errno code of
 * the failure. GNU nohup acts on these failures (a notice it cannot write
 * stops it; --help into /dev/full is an error), so unlike src/common/say.ts
 * this does not keep quiet. A descriptor in CLOSED was closed by the caller
 * and fails with EBADF, as it would have without Node's /dev/null in its place.
 * A closed pipe (EPIPE) ends tnohup by SIGPIPE, as it ends GNU nohup.
 */
export function writeText(fd: number, text: string, closed: ReadonlySet<number>): string | null {
  if (closed.has(fd)) return 'EBADF';
  const bytes = Buffer.from(text);
  let offset = 0;
  for (let attempts = 0; offset < bytes.length; attempts++) {
    try {
      offset += fs.writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      // Node ignores SIGPIPE; GNU nohup would have been killed by it here.
      if (code === 'EPIPE') dieOf('SIGPIPE');
      // A full non-blocking pipe: try again, a bounded number of times.
      if (code !== 'EAGAIN' || attempts > 1000) return code;
    }
  }
  return null;
}

const MORE_TEXTS: Record<string, string> = {
  E2BIG: 'Argument list too long',
  ENOEXEC: 'Exec format error',
  ETXTBSY: 'Text file busy',
  EIO: 'Input/output error',
  EPIPE: 'Broken pipe',
  ENOMEM: 'Cannot allocate memory',
  EAGAIN: 'Resource temporarily unavailable',
};

/** strerror's text for an errno code, as GNU prints it. */
export function describeCode(code: string): string {
  return MORE_TEXTS[code] ?? describeErrno({ code, message: code });
}
