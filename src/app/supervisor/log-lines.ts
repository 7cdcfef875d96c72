import { formatSeconds } from '../../policy/describe';
import type { UnitLogEvent } from '../../policy/machine';

/** A program's event as the supervisor's own log says it, in supervisord's words where it has them. */
export function describeSupervisorEvent(name: string, event: UnitLogEvent): string | null {
  switch (event.kind) {
    case 'started':
      return `spawned: '${name}' with pid ${event.pid}`;
    case 'adopted':
      return `adopted: '${name}' with pid ${event.pid}, left running by an earlier supervisor`;
    case 'spawn-failed':
      return `spawnerr: ${event.error}`;
    case 'entered-running':
      return `success: ${name} entered RUNNING state, process has stayed up for > than ${event.startMs / 1000} seconds (startsecs)`;
    case 'exited':
      return `exited: ${name} (${exitWords(event.code, event.signal)}) after ${formatSeconds(event.uptimeMs)}`;
    case 'restarting-in':
      return `${name}: restarting in ${formatSeconds(event.delayMs)}`;
    case 'not-restarting':
      return `${name}: not restarting: ${event.reason}`;
    case 'giving-up':
      return `gave up: ${name} entered FATAL state, ${event.reason}`;
    case 'stopping':
      return `stopping: ${name} (${event.signal})`;
    case 'stopped':
      return `stopped: ${name}`;
    case 'restart-now':
      return `${name}: restarting now`;
    case 'killing':
      return `${name}: did not stop within ${formatSeconds(event.afterMs)}; sending SIGKILL`;
    case 'survivors':
      return `${name}: processes survived SIGKILL (stuck in the kernel?); no longer waiting for them`;
  }
}

/** How a run ended; an adopted run is not our child, so its status cannot be known. */
function exitWords(code: number | null, signal: string | null): string {
  if (signal) return `terminated by ${signal}`;
  return code === null ? 'status unknown: an adopted run is not our child' : `exit status ${code}`;
}
