import type { RespawnPolicy } from '../model/record';
import { decideRestart, freshHistory, type DeathHistory } from './restart-policy';

/**
 * The supervision machine: one program's life as a pure function
 * `step(unit, event, rules) -> { unit, effects }`. It decides; a unit
 * (supervise/unit.ts) carries out the effects and feeds back the events.
 *
 * State (what is) is kept apart from want (what was asked for), as runit
 * does: a control request only changes want and feeds an event, so a stop
 * that arrives in the middle of a restart is never lost, it only changes
 * what follows the stop already under way.
 *
 * The state names are supervisor's, so its status lines and XML-RPC state
 * codes follow directly. Two phases decide restarts: before the run has
 * lasted startMs (supervisor's startsecs) a death is a failed start, retried
 * after 1, 2, 3... s and FATAL after startRetries; after that, the respawn
 * policy (restart-policy.ts) decides, with exponential backoff and a
 * crash-loop limit. With startMs 0, as the watchdog runs, every death is
 * judged by the respawn policy.
 */

export type UnitState = 'stopped' | 'starting' | 'running' | 'backoff' | 'stopping' | 'exited' | 'fatal';
export type Want = 'up' | 'down';

export interface Run {
  pid: number;
  /** Field 22 of /proc/PID/stat: with the pid, the run's identity. */
  startTicks: string;
  startedAt: number;
}

export interface LastExit {
  code: number | null;
  signal: string | null;
  at: number;
  uptimeMs: number;
}

/** A stop under way: how, and what has ended so far. */
export interface Stopping {
  signal: string;
  timeoutMs: number;
  /** Pids the stop must not touch (the tdaemon that asked for it). */
  spare: number[];
  /** SIGKILL went out after timeoutMs. */
  killed: boolean;
  mainGone: boolean;
  familyGone: boolean;
}

export interface UnitStatus {
  state: UnitState;
  want: Want;
  run: Run | null;
  stopping: Stopping | null;
  /** A restart-now is under way: after the stop, start again with the counters reset. */
  restartPending: boolean;
  history: DeathHistory;
  /** Failed starts in a row (supervisor's backoff count). */
  startFailures: number;
  restarts: number;
  lastExit: LastExit | null;
  /** When the one timer fires: the backoff's end, startsecs, or the stop's escalation. */
  timerAt: number | null;
  /** Why the program is exited for good or fatal, or why its last spawn failed. */
  reason: string | null;
}

export interface UnitRules {
  startMs: number;
  startRetries: number;
  /**
   * supervisor's autorestart, judged before the respawn policy: 'false'
   * never restarts a run that reached RUNNING, 'unexpected' not after an
   * exit status listed in exitcodes. Absent: the respawn policy alone.
   */
  autorestart?: { mode: 'true' | 'false' | 'unexpected'; exitcodes: readonly number[] };
  respawn: RespawnPolicy;
  stopSignal: string;
  stopTimeoutMs: number;
  reloadSignal: string;
}

export type UnitEvent =
  | { type: 'want-up' }
  | { type: 'want-down'; signal?: string; timeoutMs?: number; spare?: number[] }
  | { type: 'spawned'; pid: number; startTicks: string; at: number }
  /** A run found alive from an earlier supervisor of the same program: it is taken over as running. */
  | { type: 'adopted'; pid: number; startTicks: string; startedAt: number }
  | { type: 'spawn-failed'; error: string; at: number }
  | { type: 'exited'; code: number | null; signal: string | null; at: number }
  | { type: 'family-gone'; at: number }
  | { type: 'timer'; at: number }
  | { type: 'restart-now'; at: number }
  | { type: 'reload' };

/** What a unit logs; log-events.ts puts it into words. */
export type UnitLogEvent =
  | { kind: 'started'; pid: number }
  | { kind: 'adopted'; pid: number }
  | { kind: 'spawn-failed'; error: string }
  | { kind: 'exited'; pid: number; code: number | null; signal: string | null; uptimeMs: number }
  | { kind: 'entered-running'; pid: number; startMs: number }
  | { kind: 'restarting-in'; delayMs: number }
  | { kind: 'not-restarting'; reason: string }
  | { kind: 'giving-up'; reason: string }
  | { kind: 'stopping'; signal: string }
  | { kind: 'restart-now' }
  | { kind: 'killing'; afterMs: number }
  | { kind: 'survivors' }
  | { kind: 'stopped' };

export type UnitEffect =
  | { type: 'spawn' }
  /** SIGNALS to every process of the run's family; the unit then watches for family-gone. */
  | { type: 'signal-family'; signals: string[]; spare: number[] }
  | { type: 'signal-main'; pid: number; signal: string }
  /** SIGKILL what a run that died on its own left behind (its group and session). */
  | { type: 'reap-remains'; run: Run }
  | { type: 'set-timer'; ms: number }
  /** The stop's escalation: the timer, fired while stopping, sends SIGKILL. */
  | { type: 'escalate-after'; ms: number }
  | { type: 'cancel-timer' }
  | { type: 'persist' }
  | { type: 'log'; event: UnitLogEvent };

export interface Step {
  unit: UnitStatus;
  effects: UnitEffect[];
}

/** How long after SIGKILL a stop stops waiting for processes the kernel will not end (D state). */
export const KILL_GRACE_MS = 5000;

export function initialStatus(): UnitStatus {
  return {
    state: 'stopped',
    want: 'down',
    run: null,
    stopping: null,
    restartPending: false,
    history: freshHistory(),
    startFailures: 0,
    restarts: 0,
    lastExit: null,
    timerAt: null,
    reason: null,
  };
}

/** A program that is down and will stay down until asked: its unit may be let go. */
export function isSettled(unit: UnitStatus): boolean {
  return unit.state === 'stopped' || unit.state === 'exited' || unit.state === 'fatal';
}

export function step(unit: UnitStatus, event: UnitEvent, rules: UnitRules): Step {
  const handler = TABLE[unit.state][event.type] as Handler<typeof event> | undefined;
  if (handler === undefined) return { unit, effects: [] }; // the event means nothing in this state
  const next: UnitStatus = { ...unit };
  const effects: UnitEffect[] = [];
  handler(next, event, rules, effects);
  return { unit: next, effects };
}

type Handler<E extends UnitEvent> = (u: UnitStatus, e: E, rules: UnitRules, fx: UnitEffect[]) => void;
type Row = { [T in UnitEvent['type']]?: Handler<Extract<UnitEvent, { type: T }>> };

// ---- the cells: each a small named function, as s6-supervise has them ----

function beginSpawn(u: UnitStatus, fx: UnitEffect[]): void {
  u.state = 'starting';
  u.run = null;
  u.timerAt = null;
  fx.push({ type: 'spawn' });
}

/** want-up from rest: a fresh start, with supervisor's start counters reset. */
const startFresh: Handler<{ type: 'want-up' } | { type: 'restart-now'; at: number }> = (u, e, _r, fx) => {
  u.want = 'up';
  u.startFailures = 0;
  u.reason = null;
  if (e.type === 'restart-now') resetCounters(u);
  beginSpawn(u, fx);
};

function resetCounters(u: UnitStatus): void {
  u.history = freshHistory();
  u.restarts = 0;
}

const onSpawned: Handler<{ type: 'spawned'; pid: number; startTicks: string; at: number }> = (u, e, r, fx) => {
  u.run = { pid: e.pid, startTicks: e.startTicks, startedAt: e.at };
  u.reason = null;
  if (r.startMs > 0) {
    fx.push({ type: 'set-timer', ms: r.startMs });
    u.timerAt = e.at + r.startMs;
  } else {
    u.state = 'running';
  }
  fx.push({ type: 'persist' }, { type: 'log', event: { kind: 'started', pid: e.pid } });
};

/** A program whose run outlived the supervisor that started it: RUNNING, wanted up, never spawned twice. */
const adopt: Handler<{ type: 'adopted'; pid: number; startTicks: string; startedAt: number }> = (u, e, _r, fx) => {
  u.want = 'up';
  u.state = 'running';
  u.run = { pid: e.pid, startTicks: e.startTicks, startedAt: e.startedAt };
  u.reason = null;
  fx.push({ type: 'persist' }, { type: 'log', event: { kind: 'adopted', pid: e.pid } });
};

const onSpawnFailed: Handler<{ type: 'spawn-failed'; error: string; at: number }> = (u, e, r, fx) => {
  u.reason = e.error;
  fx.push({ type: 'log', event: { kind: 'spawn-failed', error: e.error } });
  if (r.startMs > 0) failStart(u, e.at, r, fx);
  // Without a start phase, a spawn failure is judged as the shell's "cannot run" would be.
  else judgeDeath(u, { code: 127, signal: null, at: e.at, uptimeMs: 0 }, r, fx);
};

/** startsecs passed: the run counts as started, and its start failures are forgotten. */
const enterRunning: Handler<{ type: 'timer'; at: number }> = (u, _e, r, fx) => {
  u.state = 'running';
  u.timerAt = null;
  u.startFailures = 0;
  fx.push({ type: 'persist' }, { type: 'log', event: { kind: 'entered-running', pid: u.run!.pid, startMs: r.startMs } });
};

/** The run died on its own (not in a stop of ours). */
const onDeath: Handler<{ type: 'exited'; code: number | null; signal: string | null; at: number }> = (u, e, r, fx) => {
  const run = u.run!;
  const exit: LastExit = { code: e.code, signal: e.signal, at: e.at, uptimeMs: e.at - run.startedAt };
  u.lastExit = exit;
  u.run = null;
  // Its remains are ended first, and the death is logged before any next
  // generation is spawned: a reader of the log sees causes before effects.
  fx.push(
    { type: 'reap-remains', run },
    { type: 'log', event: { kind: 'exited', pid: run.pid, code: e.code, signal: e.signal, uptimeMs: exit.uptimeMs } },
  );
  if (u.state === 'starting') {
    fx.push({ type: 'cancel-timer' });
    u.timerAt = null;
    failStart(u, e.at, r, fx);
  } else {
    judgeDeath(u, exit, r, fx);
  }
};

/** A failed start (supervisor's rule): BACKOFF 1, 2, 3... s, FATAL after startRetries. */
function failStart(u: UnitStatus, at: number, r: UnitRules, fx: UnitEffect[]): void {
  u.startFailures++;
  u.run = null;
  if (u.startFailures > r.startRetries) {
    u.state = 'fatal';
    u.reason = 'too many start retries too quickly';
    fx.push({ type: 'log', event: { kind: 'giving-up', reason: u.reason } }, { type: 'persist' });
    return;
  }
  backOff(u, at, u.startFailures * 1000, fx);
}

/** A death after the start phase: autorestart, then the respawn policy, decide. */
function judgeDeath(u: UnitStatus, exit: LastExit, r: UnitRules, fx: UnitEffect[]): void {
  const expected = r.autorestart ? expectedExit(r.autorestart, exit) : null;
  if (expected !== null) {
    u.state = 'exited';
    u.reason = expected;
    fx.push({ type: 'log', event: { kind: 'not-restarting', reason: expected } }, { type: 'persist' });
    return;
  }
  const decision = decideRestart(r.respawn, u.history, { code: exit.code, signal: exit.signal, uptimeMs: exit.uptimeMs, at: exit.at });
  u.history = decision.history;
  switch (decision.action) {
    case 'restart':
      u.restarts++;
      if (decision.delayMs === 0) beginSpawn(u, fx);
      else backOff(u, exit.at, decision.delayMs, fx);
      return;
    case 'stop':
      u.state = 'exited';
      u.reason = decision.reason;
      fx.push({ type: 'log', event: { kind: 'not-restarting', reason: decision.reason } }, { type: 'persist' });
      return;
    case 'give-up':
      u.state = 'fatal';
      u.reason = decision.reason;
      fx.push({ type: 'log', event: { kind: 'giving-up', reason: decision.reason } }, { type: 'persist' });
      return;
  }
}

/** Why autorestart says not to restart this exit, or null when it says to. */
function expectedExit(rule: NonNullable<UnitRules['autorestart']>, exit: LastExit): string | null {
  if (rule.mode === 'false') return 'autorestart is false';
  const listed = exit.signal === null && exit.code !== null && rule.exitcodes.includes(exit.code);
  if (rule.mode === 'unexpected' && listed) return `exit status ${exit.code} is expected (exitcodes)`;
  return null;
}

function backOff(u: UnitStatus, at: number, delayMs: number, fx: UnitEffect[]): void {
  u.state = 'backoff';
  u.timerAt = at + delayMs;
  fx.push({ type: 'log', event: { kind: 'restarting-in', delayMs } }, { type: 'set-timer', ms: delayMs }, { type: 'persist' });
}

/** want-down while a run is up (or in backoff, for what earlier runs left): stop the whole family. */
const beginStop: Handler<{ type: 'want-down'; signal?: string; timeoutMs?: number; spare?: number[] }> = (u, e, r, fx) => {
  u.want = 'down';
  u.restartPending = false;
  stopFamily(u, e.signal ?? r.stopSignal, e.timeoutMs ?? r.stopTimeoutMs, e.spare ?? [], fx);
  fx.push({ type: 'log', event: { kind: 'stopping', signal: e.signal ?? r.stopSignal } }, { type: 'persist' });
};

function stopFamily(u: UnitStatus, signal: string, timeoutMs: number, spare: number[], fx: UnitEffect[]): void {
  if (u.state === 'backoff' || u.timerAt !== null) fx.push({ type: 'cancel-timer' });
  u.state = 'stopping';
  u.stopping = { signal, timeoutMs, spare, killed: false, mainGone: u.run === null, familyGone: false };
  // CONT wakes a stopped (T) process, which would never act on the signal.
  fx.push({ type: 'signal-family', signals: [signal, 'SIGCONT'], spare }, { type: 'escalate-after', ms: timeoutMs });
  u.timerAt = null;
}

/** USR2: stop the run in its own time, then start again with the counters reset. */
const restartRunning: Handler<{ type: 'restart-now'; at: number }> = (u, _e, r, fx) => {
  u.restartPending = true;
  fx.push({ type: 'log', event: { kind: 'restart-now' } });
  stopFamily(u, r.stopSignal, r.stopTimeoutMs, [], fx);
  fx.push({ type: 'persist' });
};

const restartFromBackoff: Handler<{ type: 'restart-now'; at: number }> = (u, _e, _r, fx) => {
  fx.push({ type: 'log', event: { kind: 'restart-now' } }, { type: 'cancel-timer' });
  resetCounters(u);
  beginSpawn(u, fx);
};

const reloadRun: Handler<{ type: 'reload' }> = (u, _e, r, fx) => {
  if (u.run) fx.push({ type: 'signal-main', pid: u.run.pid, signal: r.reloadSignal });
};

// ---- while stopping ----

const mainExitedWhileStopping: Handler<{ type: 'exited'; code: number | null; signal: string | null; at: number }> = (u, e, r, fx) => {
  if (u.run) u.lastExit = { code: e.code, signal: e.signal, at: e.at, uptimeMs: e.at - u.run.startedAt };
  if (u.run) fx.push({ type: 'log', event: { kind: 'exited', pid: u.run.pid, code: e.code, signal: e.signal, uptimeMs: e.at - u.run.startedAt } });
  u.run = null;
  u.stopping = { ...u.stopping!, mainGone: true };
  finishStopIfDone(u, r, fx);
};

const familyGoneWhileStopping: Handler<{ type: 'family-gone'; at: number }> = (u, _e, r, fx) => {
  u.stopping = { ...u.stopping!, familyGone: true };
  finishStopIfDone(u, r, fx);
};

/** Escalation: SIGKILL after the stop timeout; after that, stop waiting for what the kernel will not end. */
const escalate: Handler<{ type: 'timer'; at: number }> = (u, _e, r, fx) => {
  const stopping = u.stopping!;
  if (!stopping.killed) {
    u.stopping = { ...stopping, killed: true };
    fx.push(
      { type: 'log', event: { kind: 'killing', afterMs: stopping.timeoutMs } },
      { type: 'signal-family', signals: ['SIGKILL'], spare: stopping.spare },
      { type: 'escalate-after', ms: KILL_GRACE_MS },
    );
    return;
  }
  fx.push({ type: 'log', event: { kind: 'survivors' } });
  u.stopping = { ...stopping, mainGone: true, familyGone: true };
  finishStopIfDone(u, r, fx);
};

function finishStopIfDone(u: UnitStatus, _r: UnitRules, fx: UnitEffect[]): void {
  const stopping = u.stopping!;
  if (!stopping.mainGone || !stopping.familyGone) return;
  u.stopping = null;
  u.run = null;
  fx.push({ type: 'cancel-timer' });
  u.timerAt = null;
  if (u.want === 'up') {
    // A restart: by restart-now, or want-up during a stop.
    if (u.restartPending) resetCounters(u);
    u.restartPending = false;
    u.startFailures = 0;
    beginSpawn(u, fx);
    return;
  }
  u.state = 'stopped';
  fx.push({ type: 'log', event: { kind: 'stopped' } }, { type: 'persist' });
}

const wantDownWhileStopping: Handler<{ type: 'want-down'; signal?: string; timeoutMs?: number; spare?: number[] }> = (u, e) => {
  // The stop under way goes on in its own time; only what follows changes.
  u.want = 'down';
  u.restartPending = false;
  if (e.spare?.length) u.stopping = { ...u.stopping!, spare: [...u.stopping!.spare, ...e.spare] };
};

/** A spawn whose event came after the stop began: that run is part of the stop too. */
const spawnedWhileStopping: Handler<{ type: 'spawned'; pid: number; startTicks: string; at: number }> = (u, e, _r, fx) => {
  u.run = { pid: e.pid, startTicks: e.startTicks, startedAt: e.at };
  u.stopping = { ...u.stopping!, mainGone: false, familyGone: false };
  fx.push({ type: 'signal-family', signals: [u.stopping.signal, 'SIGCONT'], spare: u.stopping.spare });
};

const wantUpWhileStopping: Handler<{ type: 'want-up' }> = (u) => {
  u.want = 'up';
};

const restartWhileStopping: Handler<{ type: 'restart-now'; at: number }> = (u) => {
  if (u.want === 'up') u.restartPending = true;
};

// ---- at rest ----

const wantDownAtRest: Handler<{ type: 'want-down' }> = (u) => {
  u.want = 'down';
};

const wantUpNoop: Handler<{ type: 'want-up' }> = (u) => {
  u.want = 'up';
};

/** The machine, state by event. A missing cell: the event changes nothing in that state. */
const TABLE: Record<UnitState, Row> = {
  stopped: {
    'want-up': startFresh,
    'want-down': wantDownAtRest,
    'restart-now': startFresh,
    adopted: adopt,
  },
  starting: {
    'want-up': wantUpNoop,
    'want-down': beginStop,
    spawned: onSpawned,
    'spawn-failed': onSpawnFailed,
    exited: onDeath,
    timer: enterRunning,
    'restart-now': restartRunning,
    reload: reloadRun,
  },
  running: {
    'want-up': wantUpNoop,
    'want-down': beginStop,
    exited: onDeath,
    'restart-now': restartRunning,
    reload: reloadRun,
  },
  backoff: {
    'want-up': wantUpNoop,
    'want-down': beginStop,
    timer: (u, _e, _r, fx) => beginSpawn(u, fx),
    'restart-now': restartFromBackoff,
  },
  stopping: {
    'want-up': wantUpWhileStopping,
    'want-down': wantDownWhileStopping,
    exited: mainExitedWhileStopping,
    'family-gone': familyGoneWhileStopping,
    spawned: spawnedWhileStopping,
    timer: escalate,
    'restart-now': restartWhileStopping,
  },
  exited: {
    'want-up': startFresh,
    'want-down': wantDownAtRest,
    'restart-now': startFresh,
  },
  fatal: {
    'want-up': startFresh,
    'want-down': wantDownAtRest,
    'restart-now': startFresh,
  },
};
