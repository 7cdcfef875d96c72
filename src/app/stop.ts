import { removeOrphanTemps } from '../common/atomic-file';
import { procStatusField } from '../common/proc';
import { describeErrno } from '../common/errors';
import type { DaemonPaths } from '../model/daemon-paths';
import { isWatched, type DaemonRecord, type WatchedRecord } from '../model/record';
import { daemonCgroup, removeCgroup } from '../os/cgroup';
import { familyOfRecord, leftoversOf, untrackedOf } from '../os/daemon-family';
import { familyMembers, isSameProcess, sleep, stopFamily, trySignal, unsignallable } from '../os/family';
import { forgetRecord } from '../os/state-file';
import { readStopRequest, removeStopRequest, writeStopRequest } from '../os/stop-request-file';
import { DEFAULTS } from '../policy/defaults';
import type { StatusVerdict } from '../policy/status-verdict';
import { claimRecord } from './claim';
import { probe } from './probe';
import { requireTrustedFiles } from './trust';

/** The stop signal that was not enough, and how long it was given. */
export interface Killed {
  signal: string;
  timeoutMs: number;
}

export interface StopOptions {
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

export type StopOutcome =
  /** Nothing was recorded. */
  | { kind: 'not-running' }
  /** The pidfile cannot be read: nothing was touched. */
  | { kind: 'unknown'; verdict: StatusVerdict }
  /** The daemon was already dead: its record was removed, and any leftovers of it killed. */
  | { kind: 'cleared'; verdict: StatusVerdict; leftoversKilled: number; problems: string[] }
  /**
   * It ran and was stopped. PROBLEMS: files that could not be removed, and
   * why. KILLED: it outlived SIGNAL by the timeout, and SIGKILL ended it.
   */
  | { kind: 'stopped'; pid: number | null; watchdog: number | null; watchdogWasLost: boolean; problems: string[]; killed?: Killed }
  /** Nothing was recorded, but processes carried its tag (a start was killed before it recorded them): they were stopped. */
  | { kind: 'stopped-untracked'; pids: number[]; problems: string[] }
  /** The pidfile names a live process that tdaemon did not start: nothing was signalled, the pidfile stays. */
  | { kind: 'foreign'; verdict: StatusVerdict }
  /** This user may not signal PID (owned by OWNER, a uid): nothing was signalled. */
  | { kind: 'not-permitted'; pid: number; owner: number | null }
  /** Processes of it survived SIGKILL. */
  | { kind: 'survivors'; pids: number[] };

/**
 * What happens on stop. A plain daemon: its stop signal to every process of
 * its family (its session, and what left the session carrying its tag), then
 * SIGKILL after the stop timeout, then its record goes. A watched daemon:
 * the request is left for the watchdog, which stops its child the same way
 * and ends; this waits for it, and ends whatever it did not. A process
 * tdaemon did not start is never signalled. The record's claim is held
 * throughout (claim.ts), so no start or stop interleaves with this one.
 */
export async function stopDaemon(paths: DaemonPaths, options: StopOptions): Promise<StopOutcome> {
  requireTrustedFiles(paths);
  const claim = await claimRecord(paths, { unwritableIsFree: true });
  try {
    return await stopClaimed(paths, options);
  } finally {
    claim!.release();
  }
}

/** stop, by a caller that holds the record's claim (stop itself, restart). */
export async function stopClaimed(paths: DaemonPaths, options: StopOptions): Promise<StopOutcome> {
  const verdict = probe(paths);
  const outcome = refusal(paths, verdict) ?? (await stopByVerdict(paths, options, verdict));
  removeOrphanTemps(paths.pidfile, paths.statefile, paths.environfile, paths.stopfile);
  // The daemon's cgroup goes once empty (the kernel refuses while it is not).
  if (outcome.kind !== 'unknown' && outcome.kind !== 'survivors') removeCgroup(daemonCgroup(paths.pidfile));
  return outcome;
}

/**
 * Why this stop must not act at all: the pidfile is not tdaemon's, or a
 * process it would signal is another user's (a user's stop of root's daemon:
 * kill(2) would fail with EPERM, and waiting out the stop timeout for
 * processes that were never signalled helps no one). Asked before the first
 * signal; restart asks it before it takes the record's claim too.
 */
export function refusal(paths: DaemonPaths, verdict: StatusVerdict): StopOutcome | null {
  if (verdict.kind === 'foreign') return { kind: 'foreign', verdict };
  if (process.getuid?.() === 0) return null; // root may signal any process
  const record = verdict.record;
  let pids: number[] = [];
  switch (verdict.kind) {
    case 'untracked':
    case 'changing':
      pids = familyMembers(untrackedOf(paths)).map((p) => p.pid);
      break;
    case 'gave-up':
    case 'dead':
      pids = record ? familyMembers(leftoversOf(paths, record)).map((p) => p.pid) : [];
      break;
    case 'watchdog-lost':
    case 'starting':
    case 'restarting':
    case 'running': {
      // The processes the record names; a scan of the whole family would
      // cost every stop a look at every process for nothing.
      const child = ownChild(record!);
      pids = verdict.kind === 'watchdog-lost' ? [] : [record!.pid];
      if (child !== null) pids.push(child);
      break;
    }
    case 'not-running':
    case 'unknown':
      break;
  }
  const denied = unsignallable(pids);
  if (denied.length === 0) return null;
  const named = verdict.pidfilePid !== null && denied.includes(verdict.pidfilePid) ? verdict.pidfilePid : denied[0];
  return { kind: 'not-permitted', pid: named, owner: ownerOf(named) };
}

async function stopByVerdict(paths: DaemonPaths, options: StopOptions, verdict: StatusVerdict): Promise<StopOutcome> {
  const record = verdict.record;
  switch (verdict.kind) {
    case 'not-running':
      forgetRecord(paths, null); // a state file left by a failed publish
      return { kind: 'not-running' };
    case 'unknown':
      return { kind: 'unknown', verdict };
    case 'foreign':
      return { kind: 'foreign', verdict };
    case 'untracked':
    case 'changing': {
      const family = untrackedOf(paths);
      const pids = familyMembers(family).map((p) => p.pid);
      const survivors = await stopFamily(family, options.stopSignal ?? DEFAULTS.stopSignal, options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs);
      if (survivors.length > 0) return { kind: 'survivors', pids: survivors };
      return { kind: 'stopped-untracked', pids, problems: forgetRecord(paths, null) };
    }
    case 'gave-up':
    case 'dead': {
      const family = record ? leftoversOf(paths, record) : null;
      const leftovers = family ? familyMembers(family).length : 0;
      const survivors = leftovers > 0 ? await stopFamily(family!, 'SIGKILL', 0) : [];
      const problems = forgetRecord(paths, record?.pid ?? null);
      if (survivors.length > 0) return { kind: 'survivors', pids: survivors };
      return { kind: 'cleared', verdict, leftoversKilled: leftovers, problems };
    }
    case 'watchdog-lost': {
      const watched = record as WatchedRecord;
      let killed: Killed | undefined;
      const how = { signal: signalOf(options, watched), timeoutMs: timeoutOf(options, watched) };
      const survivors = await stopFamily(familyOfRecord(paths, watched), how.signal, how.timeoutMs, () => (killed = how));
      const problems = forgetRecord(paths, watched.pid);
      if (survivors.length > 0) return { kind: 'survivors', pids: survivors };
      return { kind: 'stopped', pid: watched.watchdog.childPid, watchdog: null, watchdogWasLost: true, problems, killed };
    }
    case 'starting':
    case 'restarting':
    case 'running': {
      if (isWatched(record!)) return stopWatched(paths, record, options);
      let killed: Killed | undefined;
      const how = { signal: signalOf(options, record!), timeoutMs: timeoutOf(options, record!) };
      const survivors = await stopFamily(familyOfRecord(paths, record!), how.signal, how.timeoutMs, () => (killed = how));
      if (survivors.length > 0) return { kind: 'survivors', pids: survivors };
      return { kind: 'stopped', pid: record!.pid, watchdog: null, watchdogWasLost: false, problems: forgetRecord(paths, record!.pid), killed };
    }
  }
}

/** The watchdog stops its child the way stop would, then ends; this waits for both. */
async function stopWatched(paths: DaemonPaths, record: WatchedRecord, options: StopOptions): Promise<StopOutcome> {
  const signal = signalOf(options, record);
  const timeoutMs = timeoutOf(options, record);
  const problems: string[] = [];
  // The watchdog spares the asker: a script inside the daemon may run this
  // stop. Without the request (a read-only file system) the watchdog stops
  // its child by the recorded signal and timeout: signals need no disk.
  let asked = false;
  try {
    writeStopRequest(paths, { signal, timeoutMs, requester: process.pid });
    asked = true;
  } catch (error) {
    problems.push(`cannot write ${paths.stopfile}: ${describeErrno(error)}`);
  }
  const child = record.watchdog;
  trySignal(record.pid, 'SIGTERM');
  // A stopped (SIGSTOP) watchdog would act on nothing, and be SIGKILLed
  // holding its lock: woken, it stops its child and gives the lock back.
  trySignal(record.pid, 'SIGCONT');
  const deadline = Date.now() + timeoutMs + 5000;
  while (isSameProcess(record.pid, record.startTicks) && Date.now() < deadline) await sleep(10);
  // Whatever the watchdog managed, nothing of the child's session, nor what
  // left it, may stay.
  const latest = probe(paths).record?.watchdog ?? child;
  const survivors: number[] = [];
  for (const watch of child === latest ? [child] : [child, latest]) {
    survivors.push(...(await stopFamily(familyOfRecord(paths, { ...record, watchdog: watch }), 'SIGKILL', 0)));
  }
  if (isSameProcess(record.pid, record.startTicks)) {
    trySignal(record.pid, 'SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (isSameProcess(record.pid, record.startTicks) && Date.now() < killDeadline) await sleep(10);
    if (isSameProcess(record.pid, record.startTicks)) survivors.push(record.pid);
  }
  // The watchdog's answer to this request (not one left by an older stop): it had to SIGKILL the command.
  const killed = asked && readStopRequest(paths).request.killed === true ? { signal, timeoutMs } : undefined;
  removeStopRequest(paths); // unless the watchdog took it
  if (survivors.length > 0) return { kind: 'survivors', pids: survivors };
  problems.push(...forgetRecord(paths, record.pid));
  return { kind: 'stopped', pid: latest.childPid, watchdog: record.pid, watchdogWasLost: false, problems, killed };
}

function signalOf(options: StopOptions, record: DaemonRecord): NodeJS.Signals {
  return options.stopSignal ?? (record.stopSignal as NodeJS.Signals);
}

function timeoutOf(options: StopOptions, record: DaemonRecord): number {
  return options.stopTimeoutMs ?? record.stopTimeoutMs;
}

/** A watched daemon's child, while it is the recorded process (a pid reused since is not its). */
function ownChild(record: DaemonRecord): number | null {
  const watch = record.watchdog;
  return watch?.childPid && watch.childStartTicks && isSameProcess(watch.childPid, watch.childStartTicks) ? watch.childPid : null;
}

/** The real uid that owns PID, from /proc; null when it cannot be read. */
function ownerOf(pid: number): number | null {
  const uid = /^(\d+)/.exec(procStatusField(pid, 'Uid') ?? '');
  return uid ? Number(uid[1]) : null;
}
