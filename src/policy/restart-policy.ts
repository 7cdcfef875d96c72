import type { RespawnPolicy } from '../model/record';

/** What the watchdog remembers between deaths; the clock is passed in. */
export interface DeathHistory {
  /** Times (ms) of the deaths inside the restart window. */
  deaths: number[];
  /** The wait before the last restart, or null before the first death. */
  lastDelayMs: number | null;
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
  return { deaths: [], lastDelayMs: null };
}

/**
 * Decides what follows a child's death. A clean exit under on-failure, or an
 * exit code listed as final, ends the daemon. More than maxRestarts deaths
 * inside restartWindow, whatever the phase, is a crash loop: give up. A run
 * that lasted minUptime was healthy: restart at once. Otherwise the wait
 * doubles from 0.1 s up to backoffMax.
 */
export function decideRestart(policy: RespawnPolicy, history: DeathHistory, exit: ChildExit): RestartDecision {
  const deaths = [...history.deaths.filter((t) => t > exit.at - policy.restartWindowMs), exit.at];
  const next: DeathHistory = { deaths, lastDelayMs: history.lastDelayMs };
  const clean = exit.signal === null && exit.code === 0;
  if (clean && policy.restart === 'on-failure') {
    return { action: 'stop', reason: 'exited with status 0 (--restart on-failure)', history: next };
  }
  if (exit.signal === null && exit.code !== null && policy.noRestartExitCodes.includes(exit.code)) {
    return { action: 'stop', reason: `exit status ${exit.code} is listed in --no-restart-exit`, history: next };
  }
  if (deaths.length > policy.maxRestarts) {
    const seconds = Math.round(policy.restartWindowMs / 100) / 10;
    return { action: 'give-up', reason: `${deaths.length} deaths in ${seconds} s`, history: next };
  }
  let delayMs: number;
  if (exit.uptimeMs >= policy.minUptimeMs) delayMs = 0;
  else if (!history.lastDelayMs) delayMs = Math.min(FIRST_BACKOFF_MS, policy.backoffMaxMs);
  else delayMs = Math.min(history.lastDelayMs * 2, policy.backoffMaxMs);
  return { action: 'restart', delayMs, history: { deaths, lastDelayMs: delayMs } };
}
