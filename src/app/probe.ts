import { isLiveState, readProcStat, secondsSinceStart } from '../common/proc';
import type { DaemonPaths } from '../model/daemon-paths';
import { leftoversOf } from '../os/daemon-family';
import { familyMembers, isSameProcess } from '../os/family';
import { readPidfile } from '../os/pidfile';
import { readState } from '../os/state-file';
import { evaluateStatus, type StatusVerdict } from '../policy/status-verdict';

/** Looks at the pidfile, the state file and /proc, and says what runs. */
export function probe(paths: DaemonPaths): StatusVerdict {
  const pidfile = readPidfile(paths.pidfile);
  const state = pidfile.kind === 'absent' ? ({ kind: 'absent' } as const) : readState(paths.statefile);
  const record = state.kind === 'ok' ? state.record : null;
  let pidIsOurs = false;
  let pidAlive = false;
  let childIsOurs = false;
  let leftovers: number[] = [];
  let uptimeSeconds: number | null = null;
  if (pidfile.kind === 'pid') {
    const stat = readProcStat(pidfile.pid);
    pidAlive = stat !== null && isLiveState(stat.state);
    const recorded = record !== null && record.pid === pidfile.pid ? record : null;
    pidIsOurs = recorded !== null && pidAlive && stat!.startTicks === recorded.startTicks;
    const watch = recorded?.watchdog ?? null;
    if (watch?.childPid && watch.childStartTicks) {
      childIsOurs = isSameProcess(watch.childPid, watch.childStartTicks);
      // The child's process started earlier, as a ready shell: its run began at childStartedAt.
      if (childIsOurs) uptimeSeconds = Math.max(0, (Date.now() - Date.parse(watch.childStartedAt ?? '')) / 1000) || 0;
    } else if (pidIsOurs) {
      uptimeSeconds = secondsSinceStart(recorded!.startTicks);
    }
    if (recorded && !pidIsOurs && !childIsOurs) leftovers = familyMembers(leftoversOf(paths, recorded)).map((p) => p.pid);
  }
  return evaluateStatus({
    name: paths.name,
    pidfilePath: paths.pidfile,
    statefilePath: paths.statefile,
    pidfile,
    state,
    pidIsOurs,
    pidAlive,
    childIsOurs,
    leftovers,
    uptimeSeconds,
  });
}
