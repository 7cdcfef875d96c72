import fs = require('node:fs');

/**
 * Set in every daemon's environment to its pidfile's absolute path. A
 * process that leaves the daemon's session (setsid, a double fork) cannot be
 * traced by session or parent any more, but it keeps its environment.
 */
export const PIDFILE_VARIABLE = 'TDAEMON_PIDFILE';

/** A test of whether a process's environment names PIDFILE as its daemon's. */
export function tagMatcher(pidfile: string): (pid: number) => boolean {
  const tag = Buffer.from(`${PIDFILE_VARIABLE}=${pidfile}\0`);
  return (pid) => {
    const environ = readEnviron(pid);
    if (environ === null) return false; // gone, or another user's
    const at = environ.indexOf(tag);
    return at === 0 || (at > 0 && environ[at - 1] === 0);
  };
}

// One buffer for every environment read, grown when one does not fit. A
// file of /proc has no size for readFileSync to go by: it allocated 64 KiB
// twice per file, and a start's scan for untracked daemons reads every
// session leader's (hundreds on a busy machine: a third of that scan's time,
// with the garbage collection it caused).
let environBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * /proc/PID/environ, valid until the next call; null when it cannot be read.
 * A read that returns less than it asked for has reached the end: the
 * kernel copies the environment page by page until the read is full or the
 * environment ends (environ_read), so the usual read that finds nothing
 * more is spared.
 */
function readEnviron(pid: number): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(`/proc/${pid}/environ`, fs.constants.O_RDONLY);
  } catch {
    return null;
  }
  try {
    for (let length = 0; ; ) {
      if (length === environBuffer.length) {
        const bigger = Buffer.allocUnsafe(length * 2);
        environBuffer.copy(bigger, 0, 0, length);
        environBuffer = bigger;
      }
      const wanted = environBuffer.length - length;
      const n = fs.readSync(fd, environBuffer, length, wanted, null);
      length += n;
      if (n < wanted) return environBuffer.subarray(0, length);
    }
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
