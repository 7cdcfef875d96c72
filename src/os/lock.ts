import fs = require('node:fs');
import type * as Lockfile from 'proper-lockfile';
import { describeErrno } from '../common/errors';
import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { familyMembers, sleep } from './family';
import { isPermission } from './paths';

/**
 * proper-lockfile's lock directory for the pidfile. A lock whose holder died
 * is taken over once it is STALE_MS old; the takeover is not atomic
 * (two processes can both judge it stale and both take it), so start also claims the pidfile before it spawns.
 */
export const STALE_MS = 2000;
export const UPDATE_MS = 1000;

export type Release = () => Promise<void>;

// Loaded on first use: status, stop and logs never pay for it.
function lockfile(): typeof Lockfile {
  return require('proper-lockfile') as typeof Lockfile;
}

/**
 * The file calls proper-lockfile makes, and no more: its sync mode copies
 * the fs object it is given, and a copy of node:fs reads each of its lazy
 * properties (fs.promises, the stream classes), 2 to 3 ms of modules that a
 * start does not otherwise load.
 */
const LOCK_FS = {
  mkdirSync: fs.mkdirSync,
  realpathSync: fs.realpathSync,
  statSync: fs.statSync,
  rmdirSync: fs.rmdirSync,
  utimesSync: fs.utimesSync,
};

function tryLock(paths: DaemonPaths, onCompromised: (error: Error) => void, sync: boolean): Promise<Release> {
  const options = { realpath: false, lockfilePath: paths.lockfile, stale: STALE_MS, update: UPDATE_MS, retries: 0, onCompromised };
  if (!sync) return lockfile().lock(paths.pidfile, options);
  // The same lock taken with the file calls made in place: each of the
  // three (mkdir, utimes, stat) and the release's rmdir would otherwise be a
  // round trip through libuv's thread pool, a few milliseconds of a start
  // on a busy machine. Its freshness is kept by the same timer.
  try {
    const release = lockfile().lockSync(paths.pidfile, { ...options, fs: LOCK_FS });
    return Promise.resolve(async () => release());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/**
 * Takes the lock, polling while another process holds it; SHOULD_GIVE_UP is
 * asked between tries (start asks whether a daemon now runs). Returns null
 * when SHOULD_GIVE_UP said so.
 */
export async function lockWithin(
  paths: DaemonPaths,
  timeoutMs: number,
  shouldGiveUp: () => boolean,
  onCompromised: (error: Error) => void = () => {},
  { sync = false }: { sync?: boolean } = {},
): Promise<Release | null> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await tryLock(paths, onCompromised, sync);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: our fresh lock directory was removed by a racer that had
      // judged the previous one stale (proper-lockfile's takeover is not
      // atomic): we lost that race, as with ELOCKED, so try again.
      if (code !== 'ELOCKED' && code !== 'ENOENT') {
        throw new DaemonError(isPermission(error) ? 'PRIVILEGE' : 'IO', `cannot lock ${paths.lockfile}: ${describeErrno(error)}`, { cause: error });
      }
    }
    if (shouldGiveUp()) return null;
    if (Date.now() > deadline) {
      throw new DaemonError('BUSY', `another tdaemon holds ${paths.lockfile}; try again, or remove it if no tdaemon runs`);
    }
    await sleep(Math.min(10 + attempt * 5, 60));
  }
}

/**
 * Removes the lock directory when no process of this daemon is alive to
 * hold it: its watchdog was SIGKILLed, or stopped for good, and
 * proper-lockfile would make the next start wait STALE_MS to judge it by
 * its age. Only a watchdog keeps the lock beyond a verb, and every process
 * of the daemon carries its tag (tag.ts); the caller holds the record's
 * claim, so no other verb holds the lock. True when one was removed.
 */
export function clearDeadLock(paths: DaemonPaths): boolean {
  if (!fs.existsSync(paths.lockfile)) return false;
  if (familyMembers({ tag: { pidfile: paths.pidfile, sinceTicks: '0' } }).length > 0) return false;
  try {
    fs.rmSync(paths.lockfile, { recursive: true, force: true });
    return true;
  } catch {
    return false; // proper-lockfile judges it by its age then
  }
}
