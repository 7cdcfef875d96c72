// How a program is stopped, in systemd's words: the signal, the wait before
// SIGKILL, and who the signals reach (KillMode=).
import type { ProcessSpec } from '../model/program';
import { comment, directive, formatSeconds, type UnitLine } from './systemd-syntax';

/**
 * Our stop ends the whole family by default: KillMode=control-group, which
 * reaches every process of the unit's cgroup, even one that left the session.
 * stopasgroup=false written keeps supervisor's narrow stop, and so does the
 * unit: KillMode=process signals the main process alone and leaves the rest
 * running, as supervisor and `tdaemon -c` do; with killasgroup=true also
 * written, KillMode=mixed sends the final SIGKILL to the whole cgroup.
 * killasgroup=false under a whole-family stop has no systemd form.
 */
export function stopLines(spec: Pick<ProcessSpec, 'stopScope' | 'killScope' | 'stopsignal' | 'stopwaitsecs'>, lost: (text: string) => UnitLine): UnitLine[] {
  const lines: UnitLine[] = [];
  if (spec.stopScope === 'family') {
    if (spec.killScope === 'process') lines.push(lost('killasgroup=false: the final SIGKILL reaches the whole control group, as the stop signal does'));
    lines.push(comment('The stop reaches every process the program started (tdaemon stops the whole family).'));
    lines.push(directive('KillMode', 'control-group'));
  } else if (spec.killScope === 'family') {
    lines.push(comment('stopasgroup=false, killasgroup=true: the stop signal reaches the main process, SIGKILL all that is left.'));
    lines.push(directive('KillMode', 'mixed'));
  } else {
    lines.push(comment('stopasgroup=false: only the main process is signalled; what it started keeps running, as under supervisor.'));
    lines.push(directive('KillMode', 'process'));
  }
  lines.push(directive('KillSignal', spec.stopsignal));
  if (spec.stopwaitsecs === 0) {
    // systemd reads TimeoutStopSec=0 as "no timeout at all".
    lines.push(comment('stopwaitsecs=0: SIGKILL at once (systemd reads 0 as no timeout).'));
    lines.push(directive('TimeoutStopSec', '1ms'));
  } else {
    lines.push(directive('TimeoutStopSec', formatSeconds(spec.stopwaitsecs)));
  }
  return lines;
}
