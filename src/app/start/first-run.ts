import { removeCgroup } from '../../os/cgroup';
import { familyOfRecord, recordedCgroup } from '../../os/daemon-family';
import { findSuspects } from '../../os/escaped';
import { familyMembers, sleep, stopFamily } from '../../os/family';
import { lastLines } from '../../os/log-tail';
import { forgetRecord, readState } from '../../os/state-file';
import { describeExit } from '../../policy/describe';
import { formatReadySpec, type ReadySpec } from '../../model/ready-spec';
import type { ReadyCheck } from '../../os/ready-check';
import { stopClaimed } from '../stop';
import { commandProgram } from './forking';
import type { StartOptions } from './options';
import type { Plan } from './preflight';
import type { Started } from './spawn';

/** How long start waits for a new watchdog to start the command at all. */
export const WATCHDOG_START_LIMIT_MS = 10000;
const TAIL_LINES = 10;

export interface LogTail {
  file: string;
  lines: string[];
}

export type FirstRun =
  /**
   * PID null: a watched command whose first run already ended (with --wait
   * 0, nothing waits to judge it); FIRST_EXIT says how, and its watchdog
   * goes on by its policy.
   */
  | { kind: 'started'; pid: number | null; watchdog: number | null; log: string; firstExit: string | null }
  /** The command (or its watchdog) died within --wait: HOW says how. */
  | { kind: 'died-early'; how: string; waitMs: number; watchdogGoesOn: boolean; log: string; tails: LogTail[] }
  /** It exited 0 within --wait but left processes behind: it put itself in the background. */
  | { kind: 'went-background'; pids: number[] }
  /**
   * It exited 0 within --wait, and left nothing tdaemon can claim for sure
   * (no cgroup); SUSPECTS run its program, as its user, started since: named, not signalled.
   */
  | { kind: 'went-background-unsure'; suspects: number[] }
  /**
   * --forking: PROBLEM says what went wrong; STOPPED were stopped, SURVIVORS
   * outlived SIGKILL, SUSPECTS (no cgroup) are only named.
   */
  | { kind: 'forking-failed'; problem: string; stopped: number[]; survivors: number[]; suspects: number[]; log: string; tails: LogTail[] }
  | { kind: 'watchdog-silent'; watchdog: number; limitMs: number }
  /**
   * --ready did not hold: the command (or its watchdog) died first, as HOW
   * says, or it was not ready within the timeout (HOW null, WHY NOT says
   * what was missing). What start started has been stopped; STOP PROBLEM
   * says what of it could not be.
   */
  | { kind: 'not-ready'; ready: string; how: string | null; whyNot: string; timeoutMs: number; stopProblem: string | null; log: string; tails: LogTail[] };

/** What is known so far of the first run, whoever runs it. */
interface Sighting {
  /** The command has been seen running (or already ended). */
  seen: boolean;
  childPid: number | null;
  /** How the command ended, if it did. */
  exit: { code: number | null; signal: NodeJS.Signals | string | null } | null;
  /** How the watchdog ended, if it did (watched daemons only). */
  watchdogExit: string | null;
}

/**
 * Watches the command's first run for --wait, for either kind of daemon: the
 * clock starts when the command is first seen (a watchdog on a busy machine
 * may take longer than --wait to start it). A plain daemon that died is
 * cleaned up here; a watched one's watchdog goes on by its policy.
 */
export async function watchFirstRun(options: StartOptions, started: Started, plan: Plan, readyCheck: ReadyCheck | null): Promise<FirstRun> {
  if (options.ready !== null && readyCheck !== null) return watchUntilReady(options, started, plan, options.ready, readyCheck);
  const look = options.respawn ? watchedSighting(options, started) : plainSighting(started);
  const giveUpAt = Date.now() + Math.max(options.waitMs, 0) + WATCHDOG_START_LIMIT_MS;
  let deadline = Infinity;
  for (;;) {
    const sight = look();
    if (sight.seen && deadline === Infinity) deadline = Date.now() + options.waitMs;
    const ended = sight.exit ?? null;
    if (ended !== null && (options.waitMs > 0 || !sight.seen)) return died(options, started, plan, describeExit(ended.code, ended.signal), ended.code);
    if (sight.watchdogExit !== null) return died(options, started, plan, `the watchdog ${sight.watchdogExit}`, null);
    if (sight.seen && Date.now() >= deadline) {
      started.child.unref();
      const firstExit = sight.childPid === null && ended !== null ? describeExit(ended.code, ended.signal) : null;
      return { kind: 'started', pid: sight.childPid, watchdog: options.respawn ? started.record.pid : null, log: plan.log, firstExit };
    }
    if (!sight.seen && Date.now() > giveUpAt) return { kind: 'watchdog-silent', watchdog: started.record.pid, limitMs: WATCHDOG_START_LIMIT_MS };
    await Promise.race([sleep(options.respawn ? 10 : Math.max(1, deadline - Date.now())), started.exited]);
  }
}

/** A plain daemon: the command is the spawned process itself. */
function plainSighting(started: Started): () => Sighting {
  let exit: Sighting['exit'] = null;
  void started.exited.then((ended) => (exit = ended));
  return () => ({ seen: true, childPid: started.record.pid, exit, watchdogExit: null });
}

/** A watched daemon: what the watchdog reports in the state file. */
function watchedSighting(options: StartOptions, started: Started): () => Sighting {
  let watchdogExit: string | null = null;
  void started.exited.then(({ code, signal }) => (watchdogExit = describeExit(code, signal)));
  started.child.unref();
  return () => {
    const state = readState(options.paths.statefile);
    const report = state.kind === 'ok' && state.record.pid === started.record.pid ? state.record.watchdog : null;
    const last = report?.lastExit ?? null;
    return {
      seen: Boolean(report?.childPid || last),
      childPid: report?.childPid ?? null,
      exit: last ? { code: last.code, signal: last.signal } : null,
      watchdogExit,
    };
  };
}

/** How often --ready looks: a connect to a local port or a stat costs well under a millisecond. */
const READY_POLL_MS = 50;

/**
 * --ready: the first run is watched until the check holds, or until the
 * command dies (a failure at once: no point waiting for the timeout), or
 * until the timeout, counted from when the command is first seen. A failure
 * stops everything this start started, its watchdog too: nothing is left
 * half way.
 */
async function watchUntilReady(options: StartOptions, started: Started, plan: Plan, spec: ReadySpec, check: ReadyCheck): Promise<FirstRun> {
  const look = options.respawn ? watchedSighting(options, started) : plainSighting(started);
  const giveUpAt = Date.now() + WATCHDOG_START_LIMIT_MS;
  let deadline = Infinity;
  for (;;) {
    const sight = look();
    if (sight.seen && deadline === Infinity) deadline = Date.now() + options.readyTimeoutMs;
    if (sight.watchdogExit !== null) return notReady(options, started, plan, spec, `the watchdog ${sight.watchdogExit}`, null);
    if (sight.exit !== null) {
      const how = describeExit(sight.exit.code, sight.exit.signal);
      if (!options.respawn) {
        const outcome = await died(options, started, plan, how, sight.exit.code);
        if (outcome.kind !== 'died-early') return outcome;
        return { ...notReadyFields(options, spec, how, check), stopProblem: null, log: outcome.log, tails: outcome.tails };
      }
      return notReady(options, started, plan, spec, how, check);
    }
    if (sight.seen && (await check.isReady())) {
      started.child.unref();
      return { kind: 'started', pid: sight.childPid, watchdog: options.respawn ? started.record.pid : null, log: plan.log, firstExit: null };
    }
    if (sight.seen && Date.now() >= deadline) return notReady(options, started, plan, spec, null, check);
    if (!sight.seen && Date.now() > giveUpAt) {
      await stopStarted(options);
      return { kind: 'watchdog-silent', watchdog: started.record.pid, limitMs: WATCHDOG_START_LIMIT_MS };
    }
    await Promise.race([sleep(READY_POLL_MS), started.exited]);
  }
}

function notReadyFields(options: StartOptions, spec: ReadySpec, how: string | null, check: ReadyCheck | null) {
  return { kind: 'not-ready' as const, ready: formatReadySpec(spec), how, whyNot: check?.whyNot() ?? '', timeoutMs: options.readyTimeoutMs };
}

/** Stops what this start started (by the recorded stop signal and timeout), then reads the logs' last lines. */
async function notReady(options: StartOptions, started: Started, plan: Plan, spec: ReadySpec, how: string | null, check: ReadyCheck | null): Promise<FirstRun> {
  const fields = notReadyFields(options, spec, how, check);
  const stopProblem = await stopStarted(options);
  started.child.unref();
  const files = plan.errorLog ? [plan.log, plan.errorLog] : [plan.log];
  return { ...fields, stopProblem, log: plan.log, tails: files.map((file) => ({ file, lines: lastLines(file, TAIL_LINES) })) };
}

/** Stops the daemon this start published (start holds the record's claim); what could not be stopped, said in words. */
async function stopStarted(options: StartOptions): Promise<string | null> {
  const stop = await stopClaimed(options.paths, {});
  if (stop.kind === 'survivors') return `pids ${stop.pids.join(' ')} survived SIGKILL`;
  if (stop.kind === 'unknown') return 'its record could not be read to stop it';
  const problems = 'problems' in stop ? stop.problems : [];
  return problems.length > 0 ? problems.join('; ') : null;
}

async function died(options: StartOptions, started: Started, plan: Plan, how: string, code: number | null): Promise<FirstRun> {
  const { paths } = options;
  const watched = options.respawn !== null;
  if (!watched) {
    // Its session, and what left the session but still carries its tag: a
    // failed start leaves nothing running.
    // "now killed" must be true when it is said: wait until they are gone.
    const family = familyOfRecord(paths, started.record);
    const left = familyMembers(family).map((p) => p.pid);
    if (left.length > 0) await stopFamily(family, 'SIGKILL', 0);
    forgetRecord(paths, started.record.pid);
    const cgroup = recordedCgroup(paths, started.record);
    removeCgroup(cgroup);
    if (code === 0 && left.length > 0) return { kind: 'went-background', pids: left };
    if (code === 0 && cgroup === null) {
      // Without a cgroup, a server that called setsid and rewrote its
      // environment (nginx, redis) is found by program, user and age only.
      const program = commandProgram(options, plan);
      const uid = plan.uid ?? process.getuid?.() ?? 0;
      const suspects = program === null ? [] : findSuspects({ sinceTicks: started.record.startTicks, uid, program });
      if (suspects.length > 0) return { kind: 'went-background-unsure', suspects };
    }
  }
  const files = plan.errorLog ? [plan.log, plan.errorLog] : [plan.log];
  return {
    kind: 'died-early',
    how,
    waitMs: options.waitMs,
    watchdogGoesOn: watched && !how.startsWith('the watchdog'),
    log: plan.log,
    tails: files.map((file) => ({ file, lines: lastLines(file, TAIL_LINES) })),
  };
}
