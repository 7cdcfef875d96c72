import type { Options } from 'yargs';
import type { DaemonPaths } from '../../model/daemon-paths';
import type { Words } from '../parse-words';

export interface CommandContext {
  /** The daemon's files, resolved from --pidfile or --name on first use. */
  paths(): DaemonPaths;
  /** Supervisor mode: the config file, from -c/--config or supervisord's search path. */
  config(): string;
  /** -c/--config was given: supervisor mode. */
  supervisorMode: boolean;
  argv: Words;
  /** COMMAND [ARG]... after the options, for verbs that take one. */
  command: string[];
}

/**
 * One verb of tdaemon: its help, its options, and a handler that turns the
 * parsed words into a typed call of app/ and prints the outcome. Verbs are
 * registered in commands/index.ts.
 */
export interface Command {
  name: string;
  usage: string;
  describe: string;
  options: Record<string, Options>;
  /** Takes COMMAND [ARG]... (or, in supervisor mode, NAME...) after its options. */
  takesCommand: boolean;
  /**
   * Which daemons the verb works on: one by pidfile ('daemon'), the programs
   * of a supervisord config file ('supervisor', selected by -c), or either.
   * Two verbs of one name may exist, one per mode.
   */
  mode: 'daemon' | 'supervisor' | 'both';
  /** Creates the --name directory if it is missing (verbs that start a daemon). */
  createsFiles: boolean;
  /** Works on no one daemon: --pidfile and --name are not needed (list). */
  noIdentity?: boolean;
  run(context: CommandContext): Promise<number> | number;
}
