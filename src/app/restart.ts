import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { parseReadySpec, type ReadySpec } from '../model/ready-spec';
import type { DaemonRecord } from '../model/record';
import { readEnvironment } from '../os/environ-file';
import { readState } from '../os/state-file';
import { claimRecord } from './claim';
import { requireTrustedFiles } from './trust';
import { startClaimed, type StartOptions, type StartOutcome } from './start';
import { probe } from './probe';
import { refusal, stopClaimed, type StopOutcome } from './stop';

/** Start options given on the restart command line; undefined means "as recorded". */
export type StartOverrides = Partial<Omit<StartOptions, 'paths' | 'command'>>;

/**
 * updateEnv: the caller's environment (and PATH to find the command in),
 * not the one recorded at start (pm2's --update-env).
 */
export interface RestartHow {
  updateEnv: boolean;
}

export interface RestartOutcome {
  stop: StopOutcome;
  /** Absent when the stop failed and nothing was started. */
  start: StartOutcome | null;
}

/**
 * Stops the daemon, then starts it again with the command and options
 * recorded at its last start, each replaced by any given now. A daemon that
 * gave up is started afresh, with its counters reset. The record's claim is
 * held from the first read to the end of the new start's --wait: concurrent
 * restarts take turns, each stopping the daemon the previous one started.
 */
export async function restartDaemon(
  paths: DaemonPaths,
  command: string[] | undefined,
  overrides: StartOverrides,
  defaults: Omit<StartOptions, 'paths' | 'command'>,
  how: RestartHow = { updateEnv: false },
): Promise<RestartOutcome> {
  requireTrustedFiles(paths);
  // A refusal (not ours, or not this user's to signal) needs no claim: said at once.
  const refused = refusal(paths, probe(paths, false));
  if (refused !== null) return { stop: refused, start: null };
  const claim = await claimRecord(paths);
  try {
    return await restartClaimed(paths, command, overrides, defaults, how);
  } finally {
    claim!.release();
  }
}

async function restartClaimed(
  paths: DaemonPaths,
  command: string[] | undefined,
  overrides: StartOverrides,
  defaults: Omit<StartOptions, 'paths' | 'command'>,
  how: RestartHow,
): Promise<RestartOutcome> {
  const state = readState(paths.statefile);
  const record = state.kind === 'ok' ? state.record : null;
  if (!command?.length && record === null) {
    throw new DaemonError('USAGE', `nothing is recorded for ${paths.name}; give the command: tdaemon restart -- COMMAND [ARG]...`);
  }
  // Read before the stop, which removes it; a file someone else could have written stops the restart here.
  const environment = record !== null && !how.updateEnv ? readEnvironment(paths, record) : null;
  const stop = await stopClaimed(paths, { stopSignal: overrides.stopSignal, stopTimeoutMs: overrides.stopTimeoutMs });
  if (stop.kind === 'unknown' || stop.kind === 'survivors' || stop.kind === 'foreign' || stop.kind === 'not-permitted') return { stop, start: null };
  const recorded = record ? fromRecord(record, environment, how.updateEnv, !command?.length) : {};
  const options: StartOptions = {
    ...defaults,
    ...recorded,
    ...definedOnly(overrides),
    env: { ...(recorded.env ?? {}), ...(overrides.env ?? {}) },
    paths,
    command: command?.length ? command : record!.command,
  };
  return { stop, start: await startClaimed(options) };
}

/**
 * The start options a record holds, with the ENVIRONMENT of its start (null
 * for a record of an older tdaemon, which then starts with the caller's);
 * its command file only when its command is run again.
 */
function fromRecord(record: DaemonRecord, environment: Record<string, string> | null, updateEnv: boolean, sameCommand: boolean): StartOverrides {
  return definedOnly({
    baseEnv: environment ?? undefined,
    commandPath: updateEnv || !sameCommand ? undefined : record.commandPath,
    ready: recordedReady(record.ready),
    readyTimeoutMs: record.readyTimeoutMs,
    log: record.log,
    errorLog: record.errorLog ?? undefined,
    chdir: record.cwd,
    umask: record.umask ?? undefined,
    env: record.env,
    user: record.user ?? undefined,
    group: record.group ?? undefined,
    stopSignal: record.stopSignal as NodeJS.Signals,
    stopTimeoutMs: record.stopTimeoutMs,
    reloadSignal: record.reloadSignal as NodeJS.Signals,
    respawn: record.respawn,
    logRotation: record.logRotation ?? undefined,
    commandPidfile: record.forking?.commandPidfile,
  });
}

/** A recorded --ready that no longer parses (edited by hand) is dropped, not fatal: the restart waits --wait instead. */
function recordedReady(text: string | undefined): ReadySpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseReadySpec(text);
  } catch {
    return undefined;
  }
}

/** OBJECT without its undefined entries, so that spreading it overrides nothing with undefined. */
export function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
