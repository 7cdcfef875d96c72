// Our crash-loop rules (tdaemon_* keys, `start --respawn`) in systemd's
// terms. systemd has one start limit where we have two phases, and its
// restart delay grows with every restart until the unit is started again by
// hand, where ours starts over after a healthy run: close, not equal, and the
// unit says so in a comment.
import { comment, directive, formatSeconds, type UnitLine } from './systemd-syntax';
import { FIRST_BACKOFF_MS } from './restart-policy';

export interface CrashRules {
  /** A run shorter than this is short: the next wait doubles. */
  minUptimeSecs: number;
  backoffMaxSecs: number;
  /** Give up after more than this many deaths in the window; null: never. */
  crashLimit: number | null;
  crashWindowSecs: number;
}

/**
 * RestartSec= is our first wait (0.1 s); RestartSteps= and
 * RestartMaxDelaySec= (systemd 254 and later; older versions ignore them
 * with a warning and keep RestartSec=) grow it to backoffMax in about as
 * many steps as our doubling takes.
 */
export function backoffLines(rules: CrashRules): UnitLine[] {
  const first = FIRST_BACKOFF_MS / 1000;
  const lines: UnitLine[] = [
    comment(`Backoff: ${first} s after a short run, doubling up to ${rules.backoffMaxSecs} s; a run of ${rules.minUptimeSecs} s or more`),
    comment('restarts at once under tdaemon, while systemd keeps the grown delay until the next manual start.'),
    comment('RestartSteps= and RestartMaxDelaySec= need systemd 254; older versions keep RestartSec=.'),
  ];
  if (rules.backoffMaxSecs <= first) return [...lines, directive('RestartSec', formatSeconds(rules.backoffMaxSecs))];
  return [
    ...lines,
    directive('RestartSec', formatSeconds(first)),
    directive('RestartSteps', String(Math.ceil(Math.log2(rules.backoffMaxSecs / first)))),
    directive('RestartMaxDelaySec', formatSeconds(rules.backoffMaxSecs)),
  ];
}

/**
 * StartLimitBurst= counts starts, we count deaths: more than N deaths is
 * N + 1 starts allowed in the window. START_PHASE_STARTS (supervisor's
 * startretries + 1 attempts at a failing start) raises the burst when it is
 * larger, so systemd never gives up sooner than we would in either phase.
 */
export function startLimitLines(rules: CrashRules, startPhaseStarts: number, why: string[]): UnitLine[] {
  const notes = why.map(comment);
  if (rules.crashLimit === null) {
    return [...notes, comment('No crash limit: systemd restarts it for ever.'), directive('StartLimitIntervalSec', '0')];
  }
  const burst = Math.max(rules.crashLimit + 1, startPhaseStarts);
  return [...notes, directive('StartLimitIntervalSec', formatSeconds(rules.crashWindowSecs)), directive('StartLimitBurst', String(burst))];
}
