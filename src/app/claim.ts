import fs = require('node:fs');
import { readProcStat } from '../../common/proc';
import { removeIfHolds } from '../../common/atomic-file';
import { describeErrno } from '../../common/errors';
import type { DaemonPaths } from '../../model/daemon-paths';
import { DaemonError } from '../../model/errors';
import { isSameProcess, sleep } from '../../os/family';
import { lockWithin } from '../../os/lock';
import { isPermission } from '../../os/paths';

const LOCK_TIMEOUT_MS = 10000;

/**
 * A claim file still without a pid after this long belongs to a start
 * killed between creating and writing it, or is garbage.
 */
const EMPTY_CLAIM_STALE_MS = 5000;

/** The right to start this daemon, held until given back. */
export interface StartClaim {
  /** Gives back the claim file, then the lock. */
  release(): Promise<void>;
}

/**
 * Takes the exclusive right to start the daemon: the pidfile's lock, and,
 * because proper-lockfile can let two processes take over one stale lock at
 * once, a claim file created exclusively. IS_UP is asked while waiting:
 * when a daemon is up, there is nothing to start and null is returned.
 */
export async function claimStart(paths: DaemonPaths, isUp: () => boolean): Promise<StartClaim | null> {
  const releaseLock = await lockWithin(paths, LOCK_TIMEOUT_MS, isUp);
  if (releaseLock === null) return null;
  try {
    if (isUp() || !(await takeClaimFile(paths, isUp))) {
      await releaseLock();
      return null;
    }
  } catch (error) {
    await releaseLock();
    throw error;
  }
  const text = claimText();
  return {
    release: async () => {
      removeIfHolds(paths.claimfile, text);
      await releaseLock();
    },
  };
}

function claimText(): string {
  return `${process.pid} ${readProcStat(process.pid)?.startTicks ?? ''}\n`;
}

/** Creates the claim file exclusively; false when a daemon came up meanwhile. */
async function takeClaimFile(paths: DaemonPaths, isUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.writeFileSync(paths.claimfile, claimText(), { flag: 'wx', mode: 0o644 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DaemonError(isPermission(error) ? 'PRIVILEGE' : 'IO', `cannot write ${paths.claimfile}: ${describeErrno(error)}`, { cause: error });
      }
    }
    const stale = readClaim(paths.claimfile);
    if (stale.pid !== null ? !isSameProcess(stale.pid, stale.ticks) : stale.ageMs > EMPTY_CLAIM_STALE_MS) {
      breakStaleClaim(paths.claimfile, stale.text); // its starter died mid-start
      continue;
    }
    if (isUp()) return false;
    if (Date.now() > deadline) throw new DaemonError('BUSY', `another start of ${paths.name} is in progress`);
    await sleep(20);
  }
}

function readClaim(file: string): { pid: number | null; ticks: string; text: string; ageMs: number } {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const [pid, ticks] = text.trim().split(' ');
    const owner = Number(pid) > 0 ? Number(pid) : null;
    const ageMs = owner === null ? Date.now() - fs.statSync(file).mtimeMs : 0;
    return { pid: owner, ticks: ticks ?? '', text, ageMs };
  } catch {
    return { pid: null, ticks: '', text: '', ageMs: 0 };
  }
}

/**
 * Removes the claim file only if it still is the stale claim STALE_TEXT.
 * Unlinking by name could remove the fresh claim another starter made since
 * we read the stale one, and two starts would go on. So the file is moved
 * aside first (one atomic step), and put back if it turns out to be live.
 */
function breakStaleClaim(file: string, staleText: string): void {
  const aside = `${file}.${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // another starter moved it first
  }
  let taken = staleText;
  try {
    taken = fs.readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as the stale one
  }
  if (taken !== staleText) {
    try {
      fs.linkSync(aside, file); // a live claim: back where its owner left it
    } catch {
      // a third claim took its place meanwhile; that one stands
    }
  }
  fs.rmSync(aside, { force: true });
}
