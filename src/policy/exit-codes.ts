/** LSB init-script exit statuses (tdaemon(1), EXIT STATUS). */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_RUNNING_STATUS: 3,
  /** LSB's "unimplemented feature": reopen of a daemon that writes its log itself. */
  UNIMPLEMENTED: 3,
  PRIVILEGE: 4,
  UNKNOWN_STATUS: 4,
  NOT_INSTALLED: 5,
  NOT_CONFIGURED: 6,
  NOT_RUNNING: 7,
} as const;
