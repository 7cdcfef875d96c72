import { describeExit, formatSeconds } from './describe';
import type { UnitLogEvent } from './machine';

/**
 * A unit's event as the watchdog writes it in the daemon's log, or null for
 * events it does not log (its host says "SIGTERM: stopping" itself, and its
 * exit line ends a stop).
 */
export function describeUnitEvent(event: UnitLogEvent): string | null {
  switch (event.kind) {
    case 'started':
      return `started pid ${event.pid}`;
    case 'adopted':
      return `adopted pid ${event.pid}`;
    case 'spawn-failed':
      return `cannot start: ${event.error}`;
    case 'exited':
      return `pid ${event.pid} ${describeExit(event.code, event.signal)} after ${formatSeconds(event.uptimeMs)}`;
    case 'entered-running':
      return `pid ${event.pid} has run ${formatSeconds(event.startMs)}: running`;
    case 'restarting-in':
      return `restarting in ${formatSeconds(event.delayMs)}`;
    case 'not-restarting':
      return `not restarting: ${event.reason}`;
    case 'giving-up':
      return /^\d/.test(event.reason) ? `giving up after ${event.reason}` : `giving up: ${event.reason}`;
    case 'restart-now':
      return 'SIGUSR2: restarting now, counters reset';
    case 'killing':
      return `did not stop within ${formatSeconds(event.afterMs)}; sending SIGKILL`;
    case 'survivors':
      return 'processes survived SIGKILL (stuck in the kernel?); no longer waiting for them';
    case 'stopping':
    case 'stopped':
      return null;
  }
}
