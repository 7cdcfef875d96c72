import fs = require('node:fs');
import { writeFileAtomic } from '../../common/atomic-file';
import { describeErrno } from '../../common/errors';
import { closeInheritedDescriptors } from '../../common/inherited-fds';
import type { DaemonPaths } from '../../model/daemon-paths';
import { DaemonError } from '../../model/errors';
import { formatPidfileText } from '../../model/pidfile-codec';
import type { DaemonRecord } from '../../model/record';
import { leftoversOf } from '../../os/daemon-family';
import { familyMembers, isSameProcess } from '../../os/family';
import { readState, writeState } from '../../os/state-file';
import { describeProblem, recoveryHint } from '../../policy/status-text';
import { daemonIsUp, type StatusVerdict } from '../../policy/status-verdict';
import { probe } from '../probe';
import { claimStart } from './claim';
import { watchFirstRun, type FirstRun } from './first-run';
import type { StartOptions } from './options';
import { preflight } from './preflight';
import { spawnDaemon, type Started } from './spawn';

export type { StartOptions } from './options';

export type StartOutcome = FirstRun | { kind: 'already-running'; verdict: StatusVerdict };

/**
 * Starts the daemon, as a recipe: check everything while the user's terminal
 * still hears us; take the exclusive right to start; spawn and publish the
 * record under it; then watch the first run for --wait.
 */
export async function startDaemon(options: StartOptions): Promise<StartOutcome> {
  const { paths } = options;
  closeInheritedDescriptors();
  const checked = preflight(options);
  if (checked.plan === null) throw checked.problems[0];
  const { plan } = checked;
  let started: Started;
  try {
    const running = upVerdict(paths);
    if (running !== null) return { kind: 'already-running', verdict: running };
    refuseUnknown(paths);
    const claim = await claimStart(paths, () => upVerdict(paths) !== null);
    if (claim === null) {
      const up = upVerdict(paths);
      if (up === null) throw new DaemonError('BUSY', `another start of ${paths.name} is in progress`);
      return { kind: 'already-running', verdict: up };
    }
    try {
      refuseUnknown(paths);
      refuseLeftovers(paths);
      // A pidfile and state whose process is gone, or an empty pidfile.
      for (const file of [paths.pidfile, paths.statefile]) fs.rmSync(file, { force: true });
      started = spawnDaemon(options, plan);
      await started.ready;
      publish(paths, started.record);
    } finally {
      await claim.release();
    }
  } finally {
    for (const fd of plan.fds) fs.closeSync(fd);
  }
  return watchFirstRun(options, started, plan);
}

function upVerdict(paths: DaemonPaths): StatusVerdict | null {
  const verdict = probe(paths);
  return daemonIsUp(verdict) ? verdict : null;
}

/**
 * A state file that cannot be read beside a pidfile that names a pid: that
 * pid may be a daemon of ours, so nothing is removed and nothing started.
 * (An empty or garbled pidfile alone holds nothing to lose: it is replaced.)
 */
function refuseUnknown(paths: DaemonPaths): void {
  const verdict = probe(paths);
  if (verdict.kind === 'unknown' && verdict.problem?.file === 'state') {
    throw new DaemonError('BAD_RECORD', `${paths.name}: ${describeProblem(verdict)}; not starting a second copy${recoveryHint(verdict)}`);
  }
}

/** A dead daemon's children still in its session would be orphaned by a second copy. */
function refuseLeftovers(paths: DaemonPaths): void {
  const state = readState(paths.statefile);
  if (state.kind !== 'ok' || state.record.watchdog) return;
  if (isSameProcess(state.record.pid, state.record.startTicks)) return;
  const left = familyMembers(leftoversOf(paths, state.record)).map((p) => p.pid);
  if (left.length > 0) {
    throw new DaemonError(
      'FAILED',
      `${paths.name}: pid ${state.record.pid} is gone but pids ${left.join(' ')} of it still run; 'tdaemon stop' ends them`,
    );
  }
}

/** State first, then the pidfile that points at it: a reader never sees a pidfile without its record. */
function publish(paths: DaemonPaths, record: DaemonRecord): void {
  try {
    writeState(paths.statefile, record);
    writeFileAtomic(paths.pidfile, formatPidfileText(record.pid), 0o644);
  } catch (error) {
    try {
      process.kill(-record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    throw new DaemonError('IO', `cannot write pidfile ${paths.pidfile}: ${describeErrno(error)}`, { cause: error });
  }
}
