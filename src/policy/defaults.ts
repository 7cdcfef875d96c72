/**
 * Every default of tdaemon, in one table: the CLI parses with these, --help
 * prints them, the man page states them (test/integration/man.test.ts checks
 * it does), and the supervisor's config will fall back to them.
 */
export const DEFAULTS = {
  /** start: seconds the command must stay up for start to succeed. */
  waitMs: 1000,
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 10000,
  reloadSignal: 'SIGHUP',
  /** logs: lines printed before following. */
  logLines: 20,
  respawn: {
    restart: 'on-failure',
    minUptimeMs: 10000,
    backoffMaxMs: 30000,
    maxRestarts: 10,
    restartWindowMs: 60000,
  },
} as const;

/** "TERM" for SIGTERM, "1" for 1000 ms: how --help and the man page write a default. */
export function shownDefault(value: string | number, unit: 'signal' | 'seconds' | 'plain'): string {
  if (unit === 'signal') return String(value).replace(/^SIG/, '');
  if (unit === 'seconds') return String(Number(value) / 1000);
  return String(value);
}
