/**
 * Every failure below the CLI is a DaemonError: a code that says what kind
 * of failure it is (the CLI maps codes to exit statuses, in one place), a
 * message for the user, and the underlying error as its cause.
 */
export type ErrorCode =
  | 'USAGE' // a bad option, argument or name
  | 'PRIVILEGE' // not allowed: permissions, root-only options
  | 'NOT_INSTALLED' // the command cannot be found or run
  | 'NOT_RUNNING' // a verb that needs a running daemon found none
  | 'NOT_CONFIGURED' // supervisor mode: no config file
  | 'CONFIG' // supervisor mode: the config file is wrong
  | 'BUSY' // another tdaemon holds the daemon's lock or claim
  | 'BAD_RECORD' // a pidfile or state file that cannot be trusted
  | 'IO' // a file could not be read or written
  | 'SPAWN' // the daemon could not be started
  | 'FAILED'; // anything else that went wrong

export class DaemonError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DaemonError';
  }
}
