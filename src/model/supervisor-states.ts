/**
 * supervisor's vocabulary for process and supervisor states: the numbers
 * travel in XML-RPC structs and the names appear in status lines, so both
 * must match supervisor 4 exactly (supervisor/states.py).
 */

export const ProcessStates = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const;

export type ProcessStateName = keyof typeof ProcessStates;
export type ProcessStateCode = (typeof ProcessStates)[ProcessStateName];

/** States in which supervisor counts a process as "running" (start refuses, stop acts). */
export const RUNNING_STATES: readonly ProcessStateCode[] = [ProcessStates.RUNNING, ProcessStates.BACKOFF, ProcessStates.STARTING];
/** States `status` reports as not running (exit status 3). */
export const STOPPED_STATES: readonly ProcessStateCode[] = [ProcessStates.STOPPED, ProcessStates.EXITED, ProcessStates.FATAL, ProcessStates.UNKNOWN];
/** States in which a process has a pid that `signal` may reach. */
export const SIGNALLABLE_STATES: readonly ProcessStateCode[] = [ProcessStates.RUNNING, ProcessStates.STARTING, ProcessStates.STOPPING];

const processNames = new Map<number, ProcessStateName>(
  Object.entries(ProcessStates).map(([name, code]) => [code, name as ProcessStateName]),
);

/** The name of a process state code, or undefined for a number supervisor does not define. */
export function processStateName(code: number): ProcessStateName | undefined {
  return processNames.get(code);
}

export function isRunningState(code: number): boolean {
  return (RUNNING_STATES as readonly number[]).includes(code);
}

export function isStoppedState(code: number): boolean {
  return (STOPPED_STATES as readonly number[]).includes(code);
}

export function isSignallableState(code: number): boolean {
  return (SIGNALLABLE_STATES as readonly number[]).includes(code);
}

/** supervisord's own state, as `getState` reports it ("mood" below RUNNING refuses calls). */
export const SupervisorStates = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const;

export type SupervisorStateName = keyof typeof SupervisorStates;
export type SupervisorStateCode = (typeof SupervisorStates)[SupervisorStateName];

export function supervisorStateName(code: number): SupervisorStateName | undefined {
  for (const [name, value] of Object.entries(SupervisorStates)) if (value === code) return name as SupervisorStateName;
  return undefined;
}
