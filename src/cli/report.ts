import { CliError } from '../common/errors';
import { writeQuietly } from '../common/say';
import { DaemonError, type ErrorCode } from '../model/errors';
import { EXIT } from '../policy/exit-codes';

/** The one map from failure codes to exit statuses (tdaemon(1), EXIT STATUS). */
export const EXIT_FOR: Record<ErrorCode, number> = {
  USAGE: EXIT.USAGE,
  PRIVILEGE: EXIT.PRIVILEGE,
  NOT_INSTALLED: EXIT.NOT_INSTALLED,
  NOT_RUNNING: EXIT.NOT_RUNNING,
  NOT_CONFIGURED: EXIT.NOT_CONFIGURED,
  CONFIG: EXIT.USAGE,
  BUSY: EXIT.FAILURE,
  BAD_RECORD: EXIT.FAILURE,
  IO: EXIT.FAILURE,
  SPAWN: EXIT.FAILURE,
  FAILED: EXIT.FAILURE,
};

/** A message for the user: `tdaemon: ` then one line, on stdout. */
export function say(line: string): void {
  writeQuietly(1, `tdaemon: ${line}\n`);
}

/** A problem: `tdaemon: ` then one line, on stderr. */
export function complain(line: string): void {
  writeQuietly(2, `tdaemon: ${line}\n`);
}

/** Prints ERROR as one line and returns its exit status; an unexpected error also shows its stack. */
export function reportError(error: unknown): number {
  // By name and code, not instanceof: supervisor mode's bundles carry their own copy of the class.
  if (error instanceof DaemonError || (error instanceof Error && error.name === 'DaemonError' && (error as DaemonError).code in EXIT_FOR)) {
    complain(error.message);
    return EXIT_FOR[(error as DaemonError).code];
  }
  if (error instanceof CliError) {
    complain(error.message);
    return error.exitCode;
  }
  writeQuietly(2, `tdaemon: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.FAILURE;
}
