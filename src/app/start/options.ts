import type { DaemonPaths } from '../../model/daemon-paths';
import type { ReadySpec } from '../../model/ready-spec';
import type { LogRotation, RespawnPolicy } from '../../model/record';

/** What `tdaemon start` was asked to do, parsed and defaulted by the CLI. */
export interface StartOptions {
  paths: DaemonPaths;
  command: string[];
  log?: string;
  errorLog?: string;
  chdir?: string;
  umask?: number;
  /** --env: set on top of the base environment. */
  env: Record<string, string>;
  /** The environment to start from: restart's recorded one; absent, the caller's. */
  baseEnv?: Record<string, string>;
  /** The file recorded at start: run again unless PATH now finds another (restart). */
  commandPath?: string;
  user?: string;
  group?: string;
  waitMs: number;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  reloadSignal: NodeJS.Signals;
  respawn: RespawnPolicy | null;
  /** --ready: start succeeds once this holds (instead of after --wait). */
  ready: ReadySpec | null;
  readyTimeoutMs: number;
  /** With respawn: how the watchdog rotates the log; absent, never. */
  logRotation?: LogRotation;
  /**
   * --forking --command-pidfile FILE (absolute): the command puts itself in
   * the background and writes its main process's pid to FILE (forking.ts).
   */
  commandPidfile?: string;
}
