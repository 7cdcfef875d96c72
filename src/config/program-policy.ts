// Our extension keys and our stop scope: where tdaemon does better than
// supervisor on purpose, read from keys supervisord ignores.
import type { SignalScope, TdaemonPolicy } from '../model/program';
import type { SupervisordSettings } from '../model/settings';
import type { ExpansionNames } from './expand';
import type { SectionReader } from './reader';
import { parseBoolean, parseNonNegative, parseSeconds, ValueProblem } from './values';

export type PolicyDefaults = Pick<TdaemonPolicy, 'minUptimeSecs' | 'backoffMaxSecs' | 'crashLimit' | 'crashWindowSecs'>;

/**
 * `tdaemon start --respawn`'s --min-uptime, --backoff-max, --max-restarts and
 * --restart-window (policy/defaults.ts keeps the same numbers; config may not
 * import policy, so loadConfig takes them as an option and falls back to these).
 */
export const POLICY_DEFAULTS: PolicyDefaults = {
  minUptimeSecs: 10,
  backoffMaxSecs: 5,
  crashLimit: 10,
  crashWindowSecs: 60,
};

export function readPolicy(r: SectionReader, names: ExpansionNames, supervisord: SupervisordSettings): TdaemonPolicy {
  const defaults = r.ctx.policyDefaults;
  return {
    minUptimeSecs: r.value('tdaemon_min_uptime', names, parseSeconds, defaults.minUptimeSecs),
    backoffMaxSecs: r.value('tdaemon_backoff_max', names, parseSeconds, defaults.backoffMaxSecs),
    crashLimit: r.value('tdaemon_crash_limit', names, parseCrashLimit, defaults.crashLimit),
    crashWindowSecs: r.value('tdaemon_crash_window', names, parsePositiveSeconds, defaults.crashWindowSecs),
    waitPriority: r.value('tdaemon_wait_priority', names, parseBoolean, supervisord.tdaemonWaitPriority),
    fatalExits: r.value('tdaemon_fatal_exits', names, parseBoolean, supervisord.tdaemonFatalExits),
  };
}

/** A count, or `none`/`unlimited` for supervisor's "restart forever". */
function parseCrashLimit(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === 'none' || lower === 'unlimited') return null;
  return parseNonNegative(text);
}

function parsePositiveSeconds(text: string): number {
  const seconds = parseSeconds(text);
  if (seconds === 0) throw new ValueProblem('must be more than 0 seconds');
  return seconds;
}

export interface StopScopes {
  stopScope: SignalScope;
  killScope: SignalScope;
}

/**
 * supervisor signals only the main process unless stopasgroup is set, which
 * orphans what a wrapper such as `go run` started. Ours reaches the whole
 * family unless stopasgroup=false is written; killasgroup=false written
 * narrows the final SIGKILL alone (as in supervisor, it defaults to stopasgroup).
 */
export function decideStopScopes(stopasgroup: boolean | undefined, killasgroup: boolean | undefined): StopScopes {
  const stopScope: SignalScope = stopasgroup === false ? 'process' : 'family';
  const killScope: SignalScope = killasgroup === undefined ? stopScope : killasgroup ? 'family' : 'process';
  return { stopScope, killScope };
}
