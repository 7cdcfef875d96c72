import fs = require('node:fs');
import { removeIfHolds, writeFileAtomic } from '../common/atomic-file';
import type { DaemonPaths } from './paths';

/** How a watched daemon is restarted (tdaemon start --respawn). */
export interface RespawnPolicy {
  restart: 'on-failure' | 'always';
  noRestartExitCodes: number[];
  minUptimeMs: number;
  backoffMaxMs: number;
  maxRestarts: number;
  restartWindowMs: number;
}

/** What the watchdog reports of its child; rewritten at every change. */
export interface WatchdogReport {
  state: 'starting' | 'running' | 'backoff' | 'stopping' | 'gave-up';
  childPid: number | null;
  childStartTicks: string | null;
  childStartedAt: string | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string; afterMs: number } | null;
  nextRestartAt: string | null;
  reason: string | null;
  watchdogRssKb: number | null;
}

/**
 * Everything recorded at start: who the daemon is (pid and start time, the
 * pid-reuse guard) and what restart needs to start it again the same way.
 */
export interface DaemonRecord {
  format: 1;
  name: string;
  /** The process the pidfile names: the command, or its watchdog. */
  pid: number;
  /** Field 22 of /proc/PID/stat at start. */
  startTicks: string;
  startedAt: string;
  command: string[];
  cwd: string;
  log: string;
  errorLog: string | null;
  env: Record<string, string>;
  umask: number | null;
  user: string | null;
  group: string | null;
  stopSignal: string;
  stopTimeoutMs: number;
  reloadSignal: string;
  respawn: RespawnPolicy | null;
  watchdog: WatchdogReport | null;
}

export type StateReading = { kind: 'absent' } | { kind: 'ok'; record: DaemonRecord } | { kind: 'invalid'; reason: string };

export function readState(file: string): StateReading {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'invalid', reason: (error as Error).message };
  }
  try {
    const record = JSON.parse(text) as DaemonRecord;
    if (record.format !== 1 || typeof record.pid !== 'number' || typeof record.startTicks !== 'string') {
      return { kind: 'invalid', reason: 'unknown format' };
    }
    return { kind: 'ok', record };
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
}

export function writeState(file: string, record: DaemonRecord): void {
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o644);
}

/**
 * Removes pidfile and state once the daemon whose pidfile names PID has
 * ended, but only while they still describe it: another start may have
 * written its own since. With PID null, whatever is there goes (a stale
 * pidfile that tdaemon did not write).
 */
export function forgetRecord(paths: DaemonPaths, pid: number | null): void {
  let pidText: string | null = null;
  try {
    pidText = fs.readFileSync(paths.pidfile, 'utf8');
  } catch {
    // no pidfile left
  }
  if (pid !== null && pidText !== null && pidText !== `${pid}\n`) return;
  if (pidText !== null) removeIfHolds(paths.pidfile, pidText);
  const state = readState(paths.statefile);
  if (pid === null || state.kind !== 'ok' || state.record.pid === pid) fs.rmSync(paths.statefile, { force: true });
}
