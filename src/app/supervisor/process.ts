import { lookupCommand } from '../../common/command-path';
import type { ProcessSpec } from '../../model/program';
import { ReadyShellSpawner } from '../../os/ready-shell';
import { isSameProcess, type Family } from '../../os/family';
import { isSettled, type UnitRules, type UnitState, type UnitStatus } from '../../policy/machine';
import { Unit } from '../../supervise/unit';
import { realUnitDeps } from '../../supervise/unit-deps';
import { describeSupervisorEvent } from './log-lines';
import type { ProcessLogs } from './logs';

/** supervisor's state codes (supervisor/states.py), by machine state. */
export const STATE_CODE: Record<UnitState, number> = {
  stopped: 0,
  starting: 10,
  running: 20,
  backoff: 30,
  stopping: 40,
  exited: 100,
  fatal: 200,
};

/** What the control face reports of a process besides its state (supervisor's process struct). */
export interface ProcessTimes {
  /** Epoch seconds of the last start and stop (0: never). */
  start: number;
  stop: number;
  exitstatus: number;
  spawnerr: string;
}

/** The machine's rules for one program of a config file. */
export function rulesFor(spec: ProcessSpec): UnitRules {
  const t = spec.tdaemon;
  return {
    startMs: spec.startsecs * 1000,
    startRetries: spec.startretries,
    autorestart: { mode: spec.autorestart, exitcodes: spec.exitcodes },
    respawn: {
      restart: 'always',
      noRestartExitCodes: [],
      minUptimeMs: t.minUptimeSecs * 1000,
      backoffMaxMs: t.backoffMaxSecs * 1000,
      maxRestarts: t.crashLimit ?? Number.MAX_SAFE_INTEGER,
      restartWindowMs: t.crashWindowSecs * 1000,
    },
    stopSignal: spec.stopsignal,
    stopTimeoutMs: spec.stopwaitsecs * 1000,
    reloadSignal: 'SIGHUP',
  };
}

export interface ProcessOptions {
  spec: ProcessSpec;
  /** The environment the program starts with (the supervisor's, the config's, supervisor's own variables, the tag). */
  env: NodeJS.ProcessEnv;
  logs: ProcessLogs;
  /** The processes a stop must end besides the run's session: those carrying the program's tag. */
  tagFamily(run: { pid: number; startTicks: string } | null): Family;
  log(line: string): void;
  /** Called after every change of state. */
  onChange(process: SupervisedProcess): void;
  /** Called when the run starts or ends (the supervisor records runs, to adopt them if it dies). */
  onRunChange?(): void;
}

type Waiter = (status: UnitStatus) => boolean;

/**
 * One process of a config file under supervision: a unit of the engine, its
 * spawner and logs, and what supervisor's process struct reports (start and
 * stop times, exit status, spawn error). Requests from the control face
 * arrive as want-up and want-down; waiters resolve when the state gets there.
 */
export class SupervisedProcess {
  readonly unit: Unit;
  readonly times: ProcessTimes = { start: 0, stop: 0, exitstatus: 0, spawnerr: '' };
  private readonly spawner: ReadyShellSpawner;
  private waiters: Waiter[] = [];

  constructor(readonly options: ProcessOptions) {
    const { spec, env, logs } = options;
    this.spawner = new ReadyShellSpawner({
      command: spec.argv,
      cwd: spec.directory ?? undefined,
      env,
      uid: spec.user?.uid,
      gid: spec.user?.gid,
      umask: spec.umask ?? undefined,
      keepReady: 'after-exit',
      stdout: logs.stdout,
      stderr: logs.stderr,
      onExit: (pid, code, signal) => this.unit.childExited(pid, code, signal),
      onError: (message) => options.log(`${spec.namespec}: ${message}`),
    });
    const deps = realUnitDeps({
      spawner: this.spawner,
      // Our stop ends the whole family; stopasgroup=false written keeps supervisor's: the main process alone.
      familyOf: (run, spare) => {
        if (spec.stopScope === 'process') return { process: run && run.startTicks ? run : undefined, spare };
        const session = run && run.startTicks ? { sid: run.pid, leaderStartTicks: run.startTicks } : undefined;
        return { ...options.tagFamily(run), session, spare };
      },
      log: (event) => {
        if (event.kind === 'spawn-failed') this.times.spawnerr = event.error;
        if (event.kind === 'started') this.times.spawnerr = '';
        const line = describeSupervisorEvent(spec.namespec, event);
        if (line !== null) options.log(line);
      },
      persist: () => {},
      precheck: () => this.commandProblem(),
    });
    this.unit = new Unit(spec.namespec, rulesFor(spec), deps);
    this.unit.onChange((unit) => this.afterChange(unit.status));
  }

  get spec(): ProcessSpec {
    return this.options.spec;
  }

  get status(): UnitStatus {
    return this.unit.status;
  }

  get stateCode(): number {
    return STATE_CODE[this.status.state];
  }

  /** supervisor's check before a spawn: the command must exist and be executable. */
  commandProblem(): string | null {
    const { spec, env } = this.options;
    const found = lookupCommand(spec.argv[0], env.PATH, spec.directory ?? process.cwd());
    if (found.found) return null;
    return found.errno === 'ENOENT' ? `can't find command '${spec.argv[0]}'` : `command at '${spec.argv[0]}' is not executable`;
  }

  start(): void {
    this.unit.feed({ type: 'want-up' });
  }

  private adoptedWatch: NodeJS.Timeout | null = null;

  /**
   * Takes over RUN, left running by a supervisor that died. It is not our
   * child, so its end is seen by looking at /proc (once a second, and
   * often while it is being stopped), and its exit status is unknown: its
   * end counts as unexpected.
   */
  adopt(run: { pid: number; startTicks: string; startedAt: number }): void {
    this.unit.feed({ type: 'adopted', ...run });
    const look = () => {
      this.adoptedWatch = null;
      if (this.status.run?.pid !== run.pid) return;
      if (!isSameProcess(run.pid, run.startTicks)) {
        this.unit.childExited(run.pid, null, null);
        return;
      }
      this.adoptedWatch = setTimeout(look, this.status.state === 'stopping' ? 20 : 1000);
    };
    this.adoptedWatch = setTimeout(look, 1000);
    this.wakeAdoptedWatch = () => {
      if (this.adoptedWatch) clearTimeout(this.adoptedWatch);
      this.adoptedWatch = setTimeout(look, 20);
    };
  }

  private wakeAdoptedWatch: (() => void) | null = null;

  stop(): void {
    this.unit.feed({ type: 'want-down' });
  }

  /** Resolves once the state satisfies DONE; FAILED (if given) rejects with its reason. */
  waitFor(done: (status: UnitStatus) => boolean, failed?: (status: UnitStatus) => Error | null): Promise<void> {
    return new Promise((resolve, reject) => {
      const check: Waiter = (status) => {
        const error = failed?.(status) ?? null;
        if (error) {
          reject(error);
          return true;
        }
        if (done(status)) {
          resolve();
          return true;
        }
        return false;
      };
      if (!check(this.status)) this.waiters.push(check);
    });
  }

  whenDown(): Promise<void> {
    return this.waitFor((s) => isSettled(s));
  }

  /** Ends the watch and the spawner; resolves once the logs have read what is left in their pipes and are closed. */
  dispose(): Promise<void> {
    if (this.adoptedWatch) clearTimeout(this.adoptedWatch);
    this.spawner.dispose();
    return this.options.logs.close();
  }

  private previous: UnitStatus | null = null;

  /** Keeps supervisor's start and stop times and exit status, then wakes the waiters. */
  private afterChange(status: UnitStatus): void {
    const before = this.previous;
    this.previous = status;
    if (status.run && status.run !== before?.run) this.times.start = Math.floor(status.run.startedAt / 1000);
    if (status.lastExit && status.lastExit !== before?.lastExit) {
      this.times.stop = Math.floor(status.lastExit.at / 1000);
      this.times.exitstatus = status.lastExit.signal ? -1 : (status.lastExit.code ?? 0);
    }
    if (status.state === 'stopped' && before?.state !== 'stopped' && this.times.start) this.times.stop = Math.floor(Date.now() / 1000);
    // A run that ended before startsecs: supervisor's spawn error for it.
    const startFailed = before?.state === 'starting' && before.run !== null && status.run === null;
    if (startFailed && (status.state === 'backoff' || status.state === 'fatal')) this.times.spawnerr = 'Exited too quickly (process log may have details)';
    if (status.state === 'stopping' && before?.state !== 'stopping') this.wakeAdoptedWatch?.();
    if (status.run !== before?.run) this.options.onRunChange?.();
    this.waiters = this.waiters.filter((check) => !check(status));
    this.options.onChange(this);
  }
}
