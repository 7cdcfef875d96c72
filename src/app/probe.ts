import { isLiveState, readProcStat, secondsSinceStart } from '../common/proc';
import type { DaemonPaths } from '../model/daemon-paths';
import { leftoversOf, untrackedOf } from '../os/daemon-family';
import { familyMembers, isSameProcess } from '../os/family';
import { readPidfile } from '../os/pidfile';
import { readState } from '../os/state-file';
import { claimHolder } from './claim';
import { requireTrustedFiles } from './trust';
import { evaluateStatus, type StatusVerdict } from '../policy/status-verdict';

/**
 * Looks at the pidfile, the state file and /proc, and says what runs. With
 * no pidfile, every process's environment is read for the daemon's tag
 * (untracked processes), unless FIND_UNTRACKED is false: a poll that only
 * asks whether a daemon is up spares itself that scan. FIND_LEFTOVERS
 * false spares the scan for a dead daemon's live processes too (the kind
 * judged is the same; only the list of them is left empty). Run as root,
 * files another user could have forged are refused first (trust.ts).
 */
export function probe(paths: DaemonPaths, findUntracked = true, findLeftovers = true): StatusVerdict {
  requireTrustedFiles(paths);
  const pidfile = readPidfile(paths.pidfile);
  const state = pidfile.kind === 'absent' ? ({ kind: 'absent' } as const) : readState(paths.statefile);
  const record = state.kind === 'ok' ? state.record : null;
  let pidIsOurs = false;
  let pidAlive = false;
  let childIsOurs = false;
  let leftovers: number[] = [];
  let uptimeSeconds: number | null = null;
  let untracked: number[] = [];
  let claimedBy: number | null = null;
  if (pidfile.kind === 'absent' && findUntracked) {
    // Nothing recorded, yet processes may carry the daemon's tag: a start
    // killed between spawning and publishing left them, or one is doing so.
    untracked = familyMembers(untrackedOf(paths)).map((p) => p.pid);
    if (untracked.length > 0) claimedBy = claimHolder(paths);
  }
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
    if (recorded && !pidIsOurs && !childIsOurs && findLeftovers) leftovers = familyMembers(leftoversOf(paths, recorded)).map((p) => p.pid);
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
    untracked,
    claimedBy,
    uptimeSeconds,
  });
}
