import fs = require('node:fs');
import type { DaemonPaths } from '../model/daemon-paths';
import { isWatched } from '../model/record';
import { isSameProcess, sleep, trySignal } from '../os/family';
import { holdsFile } from '../os/open-files';
import { readState } from '../os/state-file';
import type { StatusVerdict } from '../policy/status-verdict';
import { probe } from './probe';

export type ReopenOutcome =
  | { kind: 'reopened'; watchdog: number; files: string[] }
  /** Asked, but the watchdog had not reopened within the limit (it waits for the end of an open line). */
  | { kind: 'pending'; watchdog: number; files: string[]; limitMs: number }
  /** A plain daemon writes to its log itself: nothing can make it reopen. */
  | { kind: 'not-watched'; log: string }
  /** A watchdog of an older tdaemon: its child writes to the log itself. */
  | { kind: 'old-watchdog'; watchdog: number }
  | { kind: 'not-running'; verdict: StatusVerdict }
  | { kind: 'unknown'; verdict: StatusVerdict }
  | { kind: 'not-permitted'; watchdog: number };

/** How long reopen waits for the watchdog to hold the new file. */
const CONFIRM_MS = 5000;

/**
 * Tells a watched daemon's watchdog to open its log files again by name
 * (SIGUSR1), after logrotate renamed them, and waits until it holds the
 * files now at those paths: a postrotate script that compresses the old
 * file next may do so once this returns.
 */
export async function reopenLogs(paths: DaemonPaths): Promise<ReopenOutcome> {
  let verdict = probe(paths, false);
  if (verdict.kind === 'unknown') return { kind: 'unknown', verdict };
  let record = verdict.record;
  if (record === null) return { kind: 'not-running', verdict };
  if (!isWatched(record)) return { kind: 'not-watched', log: record.log };
  if (!isSameProcess(record.pid, record.startTicks)) return { kind: 'not-running', verdict };
  if (record.logRotation === undefined || record.logRotation === null) return { kind: 'old-watchdog', watchdog: record.pid };
  // The pidfile names the watchdog before its JavaScript runs, and a Node
  // process without a SIGUSR1 listener opens its inspector on one: wait
  // until the watchdog has written the state file itself (its listener is
  // installed before that).
  const deadline = Date.now() + CONFIRM_MS;
  while (record.watchdog.watchdogRssKb === null) {
    if (Date.now() >= deadline) return { kind: 'pending', watchdog: record.pid, files: [], limitMs: CONFIRM_MS };
    await sleep(20);
    const state = readState(paths.statefile);
    if (state.kind !== 'ok' || !isWatched(state.record) || state.record.pid !== record.pid) {
      verdict = probe(paths, false);
      return { kind: 'not-running', verdict };
    }
    record = state.record;
  }
  const watchdog = record.pid;
  const files = [record.log, ...(record.errorLog === null ? [] : [record.errorLog])].filter((file) => !isSpecialFile(file));
  if (!trySignal(watchdog, 'SIGUSR1')) return { kind: 'not-permitted', watchdog };
  while (!files.every((file) => holdsFile(watchdog, file) === true)) {
    if (Date.now() >= deadline) return { kind: 'pending', watchdog, files, limitMs: CONFIRM_MS };
    await sleep(20);
  }
  return { kind: 'reopened', watchdog, files };
}

/** A log that is not a regular file (/dev/null) is not reopened. A missing one is created by the watchdog. */
function isSpecialFile(file: string): boolean {
  try {
    return !fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
