import type { DaemonPaths } from '../../model/daemon-paths';
import type { LogRotation, RespawnPolicy } from '../../model/record';

/** What `tdaemon start` was asked to do, parsed and defaulted by the CLI. */
export interface StartOptions {
  paths: DaemonPaths;
  command: string[];
  log?: string;
  errorLog?: string;
  chdir?: string;
  umask?: number;
  env: Record<string, string>;
  user?: string;
  group?: string;
  waitMs: number;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  reloadSignal: NodeJS.Signals;
  respawn: RespawnPolicy | null;
  /** With respawn: how the watchdog rotates the log; absent, never. */
  logRotation?: LogRotation;
}
