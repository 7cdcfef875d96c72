import type { PlainRecord } from '../model/record';
import { DEFAULTS } from '../policy/defaults';

/**
 * What tnohup knows of the command it started, for its record: NAME is the
 * pidfile's base name without .pid (what tdaemon calls the daemon), LOG
 * where the output goes (nohup.out, -o FILE, or whatever tnohup's stdout was).
 */
export type NohupStart = Pick<PlainRecord, 'name' | 'pid' | 'startTicks' | 'startedAt' | 'command' | 'cwd' | 'log'>;

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
