import { removeCgroup } from '../../os/cgroup';
import { familyOfRecord, recordedCgroup } from '../../os/daemon-family';
import { findSuspects } from '../../os/escaped';
import { familyMembers, sleep, stopFamily } from '../../os/family';
import { lastLines } from '../../os/log-tail';
import { forgetRecord, readState } from '../../os/state-file';
import { describeExit } from '../../policy/describe';
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
  | { kind: 'watchdog-silent'; watchdog: number; limitMs: number };

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
export async function watchFirstRun(options: StartOptions, started: Started, plan: Plan): Promise<FirstRun> {
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
