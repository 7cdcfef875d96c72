import { familyMembers, signalFamily, trySignal, sessionOf, type Family } from '../os/family';
import type { ReadyShellSpawner } from '../os/ready-shell';
import type { Run, UnitLogEvent, UnitStatus } from '../policy/machine';
import type { UnitDeps } from './unit';

export interface RealDepsOptions {
  spawner: ReadyShellSpawner;
  /** The processes a stop of RUN must end (run null: what earlier runs left). */
  familyOf(run: Run | null, spare: readonly number[]): Family;
  log(event: UnitLogEvent): void;
  persist(status: UnitStatus): void;
  /** Asked before each launch: a reason the program cannot be started (its command is gone), or null. */
  precheck?(): string | null;
}

/** A unit's dependencies on the real machine: timers, /proc, kill(2) and a ready-shell spawner. */
export function realUnitDeps(options: RealDepsOptions): UnitDeps {
  const { spawner, familyOf } = options;
  return {
    now: () => Date.now(),
    setTimer: (ms, fire) => setTimeout(fire, ms),
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
    launch: () => {
      const problem = options.precheck?.() ?? null;
      return problem === null ? spawner.launch() : { error: problem };
    },
    signalFamily: (run, signals, spare) => {
      signalFamily(familyOf(run, spare), ...(signals as NodeJS.Signals[]));
    },
    familyAlive: (run, spare) => familyMembers(familyOf(run, spare)).length > 0,
    signalMain: (pid, signal) => {
      trySignal(pid, signal as NodeJS.Signals);
    },
    // The group id cannot be reused while members remain: one signal is safe.
    killGroup: (run) => {
      trySignal(-run.pid, 'SIGKILL');
    },
    killSession: (run) => {
      if (run.startTicks) signalFamily(sessionOf(run.pid, run.startTicks), 'SIGKILL');
    },
    log: options.log,
    persist: options.persist,
  };
}
