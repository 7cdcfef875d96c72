import { formatSeconds } from '../../policy/describe';
import type { UnitLogEvent } from '../../policy/machine';

/** A program's event as the supervisor's own log says it, in supervisord's words where it has them. */
export function describeSupervisorEvent(name: string, event: UnitLogEvent): string | null {
  switch (event.kind) {
    case 'started':
      return `spawned: '${name}' with pid ${event.pid}`;
    case 'spawn-failed':
      return `spawnerr: ${event.error}`;
    case 'entered-running':
      return `success: ${name} entered RUNNING state, process has stayed up for > than ${event.startMs / 1000} seconds (startsecs)`;
    case 'exited':
      return `exited: ${name} (${event.signal ? `terminated by ${event.signal}` : `exit status ${event.code}`}) after ${formatSeconds(event.uptimeMs)}`;
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
