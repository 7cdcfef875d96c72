import fs = require('node:fs');
import { removeOrphanTemps, unlinkIfPresent, writeFileAtomic } from '../../common/atomic-file';
import { describeErrno } from '../../common/errors';
import { closeInheritedDescriptors } from '../../common/inherited-fds';
import { deferSignals } from '../../common/signals';
import type { DaemonPaths } from '../../model/daemon-paths';
import { DaemonError } from '../../model/errors';
import { formatPidfileText } from '../../model/pidfile-codec';
import type { DaemonRecord } from '../../model/record';
import { leftoversOf } from '../../os/daemon-family';
import { familyMembers, isSameProcess, sleep } from '../../os/family';
import { clearDeadLock, lockWithin } from '../../os/lock';
import { writeEnvironment } from '../../os/environ-file';
import { prepareReadyCheck } from '../../os/ready-check';
import { readState, writeState } from '../../os/state-file';
import { describeProblem, describeStatus, foreignRefusal, recoveryHint } from '../../policy/status-text';
import { daemonIsUp, type StatusVerdict } from '../../policy/status-verdict';
import { claimRecord } from '../claim';
import { probe } from '../probe';
import { requireTrustedFiles } from '../trust';
import { watchFirstRun, type FirstRun } from './first-run';
import { checkForkingOptions, refuseRunningServer, watchForkingStart } from './forking';
import type { StartOptions } from './options';
import { preflight, type Plan } from './preflight';
import { spawnDaemon, type Started } from './spawn';

export type { StartOptions } from './options';

export type StartOutcome = FirstRun | { kind: 'already-running'; verdict: StatusVerdict };

const LOCK_TIMEOUT_MS = 10000;
const UNTRACKED_SETTLE_MS = 1000;

/**
 * Starts the daemon, as a recipe: check everything while the user's terminal
 * still hears us; take the record's claim (claim.ts), unless a daemon comes
 * up meanwhile; spawn and publish the record; watch the first run for
 * --wait, still holding the claim, so that no stop or restart can end the
 * new daemon before start has said how it went.
 */
export async function startDaemon(options: StartOptions): Promise<StartOutcome> {
  requireTrustedFiles(options.paths);
  refuseForeign(options.paths); // before preflight creates the log
  return withPlan(options, async (plan) => {
    const running = upVerdict(options.paths);
    if (running !== null) return { kind: 'already-running', verdict: running };
    refuseUnknown(options.paths);
    const claim = await claimRecord(options.paths, { giveUpWhen: () => upVerdict(options.paths) !== null });
    if (claim === null) {
      const up = upVerdict(options.paths);
      if (up === null) throw new DaemonError('BUSY', `another tdaemon is changing ${options.paths.name}; try again`);
      return { kind: 'already-running', verdict: up };
    }
    try {
      return await launch(options, plan);
    } finally {
      claim.release();
    }
  });
}

/** start, by a caller that already holds the record's claim (restart). */
export function startClaimed(options: StartOptions): Promise<StartOutcome> {
  return withPlan(options, (plan) => launch(options, plan));
}

async function withPlan(options: StartOptions, body: (plan: Plan) => Promise<StartOutcome>): Promise<StartOutcome> {
  closeInheritedDescriptors();
  checkForkingOptions(options);
  const checked = preflight(options);
  if (checked.plan === null) throw checked.problems[0];
  try {
    return await body(checked.plan);
  } finally {
    closePlan(checked.plan);
  }
}

/** The daemon has its own copies of the log descriptors once spawned. */
function closePlan(plan: Plan): void {
  for (const fd of plan.fds.splice(0)) fs.closeSync(fd);
}

/** Under the claim: judge what is there, clear what is stale, spawn, publish, watch. */
async function launch(options: StartOptions, plan: Plan): Promise<StartOutcome> {
  const { paths } = options;
  const verdict = await settledVerdict(paths);
  if (daemonIsUp(verdict)) return { kind: 'already-running', verdict };
  refuseUnknown(paths, verdict);
  refuseForeign(paths, verdict);
  refuseUntracked(paths, verdict);
  refuseLeftovers(paths);
  refuseRunningServer(options, plan);
  clearLeftovers(paths);
  const releaseLock = await lockWithin(paths, LOCK_TIMEOUT_MS, () => upVerdict(paths) !== null, undefined, { sync: true });
  if (releaseLock === null) return { kind: 'already-running', verdict: upVerdict(paths) ?? probe(paths) };
  // Before the spawn: what is already there (a listener, a file, log lines) is not the new daemon's.
  const readyCheck = options.ready ? prepareReadyCheck(options.ready, plan.cwd, plan.errorLog ? [plan.log, plan.errorLog] : [plan.log]) : null;
  let started: Started;
  // A hangup (ssh gone), ^C or TERM between the spawn and the pidfile would
  // leave a daemon no pidfile names: it takes effect once the record is out.
  const resumeSignals = deferSignals(['SIGHUP', 'SIGINT', 'SIGTERM']);
  try {
    started = spawnDaemon(options, plan);
    await started.ready;
    publish(paths, started.record, plan.environment);
  } finally {
    closePlan(plan);
    await releaseLock();
    resumeSignals();
  }
  if (options.commandPidfile !== undefined) return watchForkingStart(options, started, plan, (record) => publish(paths, record, plan.environment));
  return watchFirstRun(options, started, plan, readyCheck);
}

/**
 * What is there, given a moment to settle when processes carry the tag but
 * no pidfile names them: a watchdog that ended by its policy has removed its
 * pidfile and exits within milliseconds, while what a killed start left
 * runs on.
 */
async function settledVerdict(paths: DaemonPaths): Promise<StatusVerdict> {
  const deadline = Date.now() + UNTRACKED_SETTLE_MS;
  for (;;) {
    const verdict = probe(paths);
    if (verdict.kind !== 'untracked' || Date.now() >= deadline) return verdict;
    await sleep(50);
  }
}

/** Is a daemon up? Asked in polls: no scan for untracked processes, which are not up, nor for a dead one's leftovers. */
function upVerdict(paths: DaemonPaths): StatusVerdict | null {
  const verdict = probe(paths, false, false);
  return daemonIsUp(verdict) ? verdict : null;
}

/**
 * A state file that cannot be read beside a pidfile that names a pid: that
 * pid may be a daemon of ours, so nothing is removed and nothing started.
 * (An empty or garbled pidfile alone holds nothing to lose: it is replaced.)
 */
function refuseUnknown(paths: DaemonPaths, verdict = probe(paths, false, false)): void {
  if (verdict.kind === 'unknown' && verdict.problem?.file === 'state') {
    throw new DaemonError('BAD_RECORD', `${paths.name}: ${describeProblem(verdict)}; not starting a second copy${recoveryHint(verdict)}`);
  }
}

/** A pidfile tdaemon did not write, naming a live process: neither replaced nor joined by a second copy. */
function refuseForeign(paths: DaemonPaths, verdict = probe(paths, false, false)): void {
  if (verdict.kind === 'foreign') {
    throw new DaemonError('PRIVILEGE', `${paths.name}: ${foreignRefusal(verdict, paths.pidfile, 'not starting a second copy')}`);
  }
}

/** Processes of this daemon that no pidfile names (a start killed before it published): a second copy must not join them. */
function refuseUntracked(paths: DaemonPaths, verdict: StatusVerdict): void {
  if (verdict.kind === 'untracked' || verdict.kind === 'changing') {
    throw new DaemonError('FAILED', `${paths.name}: ${describeStatus(verdict, paths.pidfile)}; not starting a second copy`);
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

/**
 * What dead starts, verbs and watchdogs left: a pidfile and state whose
 * process is gone (or an empty pidfile, or a state file without one),
 * temporary files of writers that were killed, and a lock directory no
 * live process of the daemon can hold.
 */
function clearLeftovers(paths: DaemonPaths): void {
  for (const file of [paths.pidfile, paths.statefile, paths.environfile]) unlinkIfPresent(file);
  removeOrphanTemps(paths.pidfile, paths.statefile, paths.environfile, paths.stopfile, paths.claimfile);
  clearDeadLock(paths);
}

/**
 * The state and the environment first, then the pidfile that points at
 * them: a reader never sees a pidfile without its record. A write that fails
 * publishes nothing: the daemon is killed, and what was already published
 * goes too.
 */
function publish(paths: DaemonPaths, record: DaemonRecord, environment: Record<string, string>): void {
  let file = paths.statefile;
  try {
    writeState(paths.statefile, record);
    file = paths.environfile;
    writeEnvironment(paths, record, environment);
    file = paths.pidfile;
    writeFileAtomic(paths.pidfile, formatPidfileText(record.pid), 0o644);
  } catch (error) {
    try {
      process.kill(-record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    unlinkIfPresent(paths.statefile);
    unlinkIfPresent(paths.environfile);
    const what = file === paths.pidfile ? 'pidfile' : file === paths.statefile ? 'state file' : 'environment file';
    throw new DaemonError('IO', `cannot write ${what} ${file}: ${describeErrno(error)}; nothing started`, { cause: error });
  }
}
