import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import type { DaemonRecord } from '../model/record';
import { readState } from '../os/state-file';
import { claimRecord } from './claim';
import { startClaimed, type StartOptions, type StartOutcome } from './start';
import { stopClaimed, type StopOutcome } from './stop';

/** Start options given on the restart command line; undefined means "as recorded". */
export type StartOverrides = Partial<Omit<StartOptions, 'paths' | 'command'>>;

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
): Promise<RestartOutcome> {
  const claim = await claimRecord(paths);
  try {
    return await restartClaimed(paths, command, overrides, defaults);
  } finally {
    claim!.release();
  }
}

async function restartClaimed(
  paths: DaemonPaths,
  command: string[] | undefined,
  overrides: StartOverrides,
  defaults: Omit<StartOptions, 'paths' | 'command'>,
): Promise<RestartOutcome> {
  const state = readState(paths.statefile);
  const record = state.kind === 'ok' ? state.record : null;
  if (!command?.length && record === null) {
    throw new DaemonError('USAGE', `nothing is recorded for ${paths.name}; give the command: tdaemon restart -- COMMAND [ARG]...`);
  }
  const stop = await stopClaimed(paths, { stopSignal: overrides.stopSignal, stopTimeoutMs: overrides.stopTimeoutMs });
  if (stop.kind === 'unknown' || stop.kind === 'survivors') return { stop, start: null };
  const recorded = record ? fromRecord(record) : {};
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

function fromRecord(record: DaemonRecord): StartOverrides {
  return definedOnly({
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
    commandPidfile: record.forking?.commandPidfile,
  });
}

/** OBJECT without its undefined entries, so that spreading it overrides nothing with undefined. */
export function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
