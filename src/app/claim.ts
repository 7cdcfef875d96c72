import fs = require('node:fs');
import { beginAtomicWrite, readRegularFile, unlinkIfPresent } from '../common/atomic-file';
import { describeErrno } from '../common/errors';
import { readProcStat } from '../common/proc';
import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { isSameProcess, sleep } from '../os/family';
import { isPermission } from '../os/paths';

/**
 * How long a verb waits for another to finish changing the record: a stop
 * may wait out a stop timeout (10 s by default), and a restart a stop and a
 * start's --wait.
 */
export const CLAIM_WAIT_MS = 60000;

/** The exclusive right to change a daemon's record, held until given back. */
export interface RecordClaim {
  release(): void;
}

export interface ClaimOptions {
  /** Asked while waiting: true ends the wait, and null is returned (start: a daemon came up meanwhile). */
  giveUpWhen?: () => boolean;
  /**
   * stop only: when the claim cannot be written at all (a read-only file
   * system), go on without it; signals need no disk, and no start can
   * write a record there either.
   */
  unwritableIsFree?: boolean;
}

/**
 * Takes the exclusive right to change the daemon's record: start, stop and
 * restart hold it from their first look at the record to their last change
 * of it, so their read-compare-write steps never interleave. The claim is a
 * file naming its holder (pid and start time), created whole by link(2): it
 * is never seen empty, and a holder that died (SIGKILL, a hangup) is known
 * at once and its claim broken. Only tdaemon's verbs take it: a watchdog
 * never does, so a verb may wait for one while holding it.
 */
export async function claimRecord(paths: DaemonPaths, options: ClaimOptions = {}): Promise<RecordClaim | null> {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  const text = claimText();
  for (let pause = 5, first = true; ; pause = Math.min(pause * 2, 50), first = false) {
    // Read first: a waiter polls with one read, and writes only when the claim looks free.
    let holder = first ? null : readClaim(paths.claimfile);
    if (holder === null) {
      let taken: boolean;
      try {
        taken = createWhole(paths.claimfile, text);
      } catch (error) {
        if (options.unwritableIsFree) return { release: () => {} };
        throw new DaemonError(isPermission(error) ? 'PRIVILEGE' : 'IO', `cannot write ${paths.claimfile}: ${describeErrno(error)}`, { cause: error });
      }
      if (taken) return { release: () => releaseClaim(paths.claimfile, text) };
      holder = readClaim(paths.claimfile);
      if (holder === null) continue; // released meanwhile
    }
    if (holder.pid === null || !isSameProcess(holder.pid, holder.ticks)) {
      breakStaleClaim(paths.claimfile, holder.text); // its holder died mid-verb, or it is garbage
      continue;
    }
    if (options.giveUpWhen?.()) return null;
    if (Date.now() > deadline) {
      throw new DaemonError('BUSY', `tdaemon pid ${holder.pid} has been changing ${paths.name} for ${CLAIM_WAIT_MS / 1000} s; try again later`);
    }
    await sleep(pause);
  }
}

/** The live process, other than this one, that holds the claim now; null when none does. */
export function claimHolder(paths: DaemonPaths): number | null {
  try {
    const holder = readClaim(paths.claimfile);
    if (holder === null || holder.pid === null || holder.pid === process.pid) return null;
    return isSameProcess(holder.pid, holder.ticks) ? holder.pid : null;
  } catch {
    return null;
  }
}

/** "PID START_TICKS": the start time tells this process from a later one given the same pid. */
function claimText(): string {
  return `${process.pid} ${readProcStat(process.pid)?.startTicks ?? ''}\n`;
}

/** Creates FILE holding TEXT, unless it exists: written under a temporary name, then linked (link(2) never replaces). */
function createWhole(file: string, text: string): boolean {
  const pending = beginAtomicWrite(file, 0o644);
  const temp = pending.tempPath;
  try {
    // Not fsynced: a claim is about live processes, which a machine crash ends too.
    pending.commitTo(text, (from) => fs.linkSync(from, file), false);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    pending.abandon();
    unlinkIfPresent(temp);
  }
}

function releaseClaim(file: string, text: string): void {
  try {
    if (readRegularFile(file) === text) fs.unlinkSync(file);
  } catch {
    // gone, or a read-only file system: a dead holder's claim is broken by the next verb
  }
}

/** The claim's holder; null when there is no claim. A claim that names no process is garbage (pid null). */
function readClaim(file: string): { pid: number | null; ticks: string; text: string } | null {
  let text: string | null;
  try {
    text = readRegularFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTREG') {
      throw new DaemonError('BAD_RECORD', `${file} is not a regular file; tdaemon did not make it: remove it`);
    }
    text = '';
  }
  if (text === null) return null;
  const [pid, ticks] = text.trim().split(' ');
  return { pid: Number(pid) > 0 ? Number(pid) : null, ticks: ticks ?? '', text };
}

/**
 * Removes the claim file only if it still is the stale claim STALE_TEXT.
 * Unlinking by name could remove the fresh claim another verb made since
 * we read the stale one, and two would go on. So the file is moved aside
 * first (one atomic step), and put back if it turns out to be live.
 */
function breakStaleClaim(file: string, staleText: string): void {
  const aside = `${file}.${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // another verb moved it first
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
  unlinkIfPresent(aside);
}
