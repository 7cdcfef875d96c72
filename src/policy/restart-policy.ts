import type { RespawnPolicy } from '../model/record';

/** What the watchdog remembers between deaths; the clock is passed in. */
export interface DeathHistory {
  /** Times (ms) of the deaths inside the restart window. */
  deaths: number[];
  /** The wait before the last restart, or null before the first death. */
  lastDelayMs: number | null;
  /** Runs in a row, up to the last death, that lasted less than minUptime. */
  shortRuns: number;
}

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** How long this run lasted. */
  uptimeMs: number;
  at: number;
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; history: DeathHistory }
  | { action: 'stop'; reason: string; history: DeathHistory }
  | { action: 'give-up'; reason: string; history: DeathHistory };

export const FIRST_BACKOFF_MS = 100;

export function freshHistory(): DeathHistory {
  return { deaths: [], lastDelayMs: null, shortRuns: 0 };
}

/**
 * Decides what follows a child's death. A clean exit under on-failure, or an
 * exit code listed as final, ends the daemon. A run shorter than minUptime
 * failed: the wait before the next start doubles from 0.1 s up to
 * backoffMax, and maxRestarts restarts that all failed in a row are a crash
 * loop: the next failed run gives up. A run that lasted minUptime was
 * healthy: restart at once, and the count starts again. Apart from that,
 * more than maxRestarts deaths inside restartWindow, however long each run
 * lasted, give up too.
 *
 * Why a count in a row and not only the window: the backoff spaces failed
 * runs out, so with a long backoffMax no window of a minute ever holds
 * enough deaths, and a command that cannot start would be retried forever.
 * With the defaults (policy/defaults.ts) a command that cannot start, or
 * one that dies 1-2 s after every start, is given up at its 11th run,
 * within 50 s of the first (test/unit/restart-policy.test.ts).
 */
export function decideRestart(policy: RespawnPolicy, history: DeathHistory, exit: ChildExit): RestartDecision {
  const deaths = [...history.deaths.filter((t) => t > exit.at - policy.restartWindowMs), exit.at];
  const healthy = exit.uptimeMs >= policy.minUptimeMs;
  const shortRuns = healthy ? 0 : history.shortRuns + 1;
  const next: DeathHistory = { deaths, lastDelayMs: history.lastDelayMs, shortRuns };
  const clean = exit.signal === null && exit.code === 0;
  if (clean && policy.restart === 'on-failure') {
    return { action: 'stop', reason: 'exited with status 0 (--restart on-failure)', history: next };
  }
  if (exit.signal === null && exit.code !== null && policy.noRestartExitCodes.includes(exit.code)) {
    return { action: 'stop', reason: `exit status ${exit.code} is listed in --no-restart-exit`, history: next };
  }
  if (deaths.length > policy.maxRestarts) {
    return { action: 'give-up', reason: `${deaths.length} deaths in ${seconds(policy.restartWindowMs)} s`, history: next };
  }
  if (shortRuns > policy.maxRestarts) {
    return { action: 'give-up', reason: `${shortRuns} runs in a row lasted less than ${seconds(policy.minUptimeMs)} s`, history: next };
  }
  let delayMs: number;
  if (healthy) delayMs = 0;
  else if (!history.lastDelayMs) delayMs = Math.min(FIRST_BACKOFF_MS, policy.backoffMaxMs);
  else delayMs = Math.min(history.lastDelayMs * 2, policy.backoffMaxMs);
  return { action: 'restart', delayMs, history: { deaths, lastDelayMs: delayMs, shortRuns } };
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
