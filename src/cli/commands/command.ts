import type { Options } from 'yargs';
import type { DaemonPaths } from '../../model/daemon-paths';
import type { Words } from '../parse-words';

export interface CommandContext {
  /** The daemon's files, resolved from --pidfile or --name on first use. */
  paths(): DaemonPaths;
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
  /** Takes COMMAND [ARG]... after its options. */
  takesCommand: boolean;
  /** Creates the --name directory if it is missing (verbs that start a daemon). */
  createsFiles: boolean;
  run(context: CommandContext): Promise<number> | number;
}
