/**
 * What tdaemon records of a daemon, and what its files say when read. Pure
 * types: every layer speaks them, none of them does I/O.
 */

/** How a watched daemon is restarted (tdaemon start --respawn). */
export interface RespawnPolicy {
  restart: 'on-failure' | 'always';
  noRestartExitCodes: number[];
  minUptimeMs: number;
  backoffMaxMs: number;
  maxRestarts: number;
  restartWindowMs: number;
}

export type WatchdogState = 'starting' | 'running' | 'backoff' | 'stopping' | 'gave-up';

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
  afterMs: number;
}

/** What the watchdog reports of its child; rewritten at every change. */
export interface WatchdogReport {
  state: WatchdogState;
  childPid: number | null;
  childStartTicks: string | null;
  childStartedAt: string | null;
  restarts: number;
  lastExit: ExitRecord | null;
  nextRestartAt: string | null;
  reason: string | null;
  watchdogRssKb: number | null;
}

/**
 * How a watchdog writes the log it copies its child's output into: rotated
 * past maxBytes (0: never), keeping FILE.1 to FILE.backups.
 */
export interface LogRotation {
  maxBytes: number;
  backups: number;
}

/** Everything recorded at start, for either kind of daemon. */
interface RecordBase {
  format: 1;
  name: string;
  /** The process the pidfile names: the command, or its watchdog. */
  pid: number;
  /** Field 22 of /proc/PID/stat at start: the pid-reuse guard. */
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
  /**
   * The command's file, absolute, as found in PATH at start: restart runs
   * the same one. (The environment it was found with is recorded in the
   * environ file, which only its owner may read: environ-codec.ts.) Absent
   * in records of older tdaemons.
   */
  commandPath?: string;
  /** --ready as given (ready-spec.ts), and --ready-timeout: restart waits the same way. */
  ready?: string;
  readyTimeoutMs?: number;
  /**
   * A watched daemon's watchdog copies the output into the log (and takes
   * `tdaemon reopen`); null for a plain daemon. Absent in a record of an
   * older tdaemon, whose watched child writes to the log itself.
   */
  logRotation?: LogRotation | null;
  /**
   * The cgroup2 group the daemon was started in (os/cgroup.ts), or null.
   * Absent in records written before it existed: read as null.
   */
  cgroup?: string | null;
  /** Started with --forking: the pid recorded is the one the command wrote to its own pidfile. */
  forking?: ForkingRecord | null;
}

/**
 * A server that puts itself in the background (start --forking): the
 * command ran, exited 0, and left its main process behind, which wrote
 * COMMAND_PIDFILE. The record's pid and startTicks are that process's.
 */
export interface ForkingRecord {
  commandPidfile: string;
  /** The main process's session, and its leader's start time (or the launch's, when the leader is gone). */
  sid: number;
  sidStartTicks: string;
}

/** The pidfile names the command itself. */
export interface PlainRecord extends RecordBase {
  respawn: null;
  watchdog: null;
}

/** The pidfile names a watchdog, which runs the command as its child. */
export interface WatchedRecord extends RecordBase {
  respawn: RespawnPolicy;
  watchdog: WatchdogReport;
}

export type DaemonRecord = PlainRecord | WatchedRecord;

export function isWatched(record: DaemonRecord): record is WatchedRecord {
  return record.watchdog !== null;
}

export type StateReading =
  | { kind: 'absent' }
  | { kind: 'ok'; record: DaemonRecord }
  | { kind: 'invalid'; reason: string };

export type PidfileReading =
  | { kind: 'absent' }
  | { kind: 'pid'; pid: number; text: string }
  | { kind: 'invalid'; problem: 'empty' | 'symlink' | 'not-a-pid' | 'unreadable'; reason: string };
