/**
 * Every default of tdaemon, in one table: the CLI parses with these, --help
 * prints them, the man page states them (test/integration/man.test.ts checks
 * it does), and the supervisor's config will fall back to them.
 */
export const DEFAULTS = {
  /** start: seconds the command must stay up for start to succeed. */
  waitMs: 1000,
  /** start --ready: seconds the daemon has to become ready. */
  readyTimeoutMs: 30000,
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 10000,
  reloadSignal: 'SIGHUP',
  /** logs: lines printed before following. */
  logLines: 20,
  /** start --log-max-size: rotated logs kept (supervisor's default for *_logfile_backups). */
  logBackups: 10,
  /**
   * The crash-loop rule (restart-policy.ts): 10 restarts in a row after runs
   * shorter than 10 s, and the 11th short run gives up; so do 11 deaths in
   * 60 s. The backoff stops growing at 5 s so that those 11 runs fit in a
   * minute even when each lasts 2 s: 0.1+0.2+...+3.2 s, then 5 s four times,
   * is 26.3 s of waiting.
   */
  respawn: {
    restart: 'on-failure',
    minUptimeMs: 10000,
    backoffMaxMs: 5000,
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
