import type { DaemonPaths } from '../../model/daemon-paths';
import type { RespawnPolicy } from '../../model/record';

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
  /**
   * --forking --command-pidfile FILE (absolute): the command puts itself in
   * the background and writes its main process's pid to FILE (forking.ts).
   */
  commandPidfile?: string;
}
