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
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`);
    } catch {
      return false; // gone, or another user's
    }
    const at = environ.indexOf(tag);
    return at === 0 || (at > 0 && environ[at - 1] === 0);
  };
}
