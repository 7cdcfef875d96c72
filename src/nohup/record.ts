import type { PlainRecord } from '../model/record';
import { DEFAULTS } from '../policy/defaults';

/** What tnohup knows of the command it started, for its record. */
export interface NohupStart {
  /** The pidfile's base name without .pid: what tdaemon calls the daemon. */
  name: string;
  pid: number;
  startTicks: string;
  startedAt: string;
  command: string[];
  cwd: string;
  /** Where the command's output goes: nohup.out (or -o FILE), else whatever tnohup's stdout was. */
  log: string;
}

/**
 * The record tdaemon writes beside a pidfile, written by tnohup -p: with
 * it, tdaemon's status, stop and logs trust the pidfile (the pid and its
 * start time are the daemon, its session is the family to stop, its log is
 * nohup.out). tdaemon's defaults stand for what tnohup has no option for.
 */
export function nohupRecord(start: NohupStart): PlainRecord {
  return {
    format: 1,
    ...start,
    errorLog: null,
    env: {},
    umask: null,
    user: null,
    group: null,
    stopSignal: DEFAULTS.stopSignal,
    stopTimeoutMs: DEFAULTS.stopTimeoutMs,
    reloadSignal: DEFAULTS.reloadSignal,
    respawn: null,
    watchdog: null,
  };
}
