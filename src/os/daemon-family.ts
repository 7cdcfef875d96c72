import type { DaemonPaths } from '../model/daemon-paths';
import type { DaemonRecord } from '../model/record';
import type { Family } from './family';

/**
 * The processes a stop of this daemon must end: the command's session (a
 * plain daemon leads its own; a watched one's child leads another), and the
 * processes that left it but carry the daemon's tag, started no earlier than
 * the process the pidfile names. SPARE is spared, as this process always is.
 */
export function familyOfRecord(paths: DaemonPaths, record: DaemonRecord, spare: readonly number[] = []): Family {
  const watch = record.watchdog;
  let session: Family['session'];
  if (!watch) session = { sid: record.pid, leaderStartTicks: record.startTicks };
  else if (watch.childPid && watch.childStartTicks) session = { sid: watch.childPid, leaderStartTicks: watch.childStartTicks };
  return { session, tag: { pidfile: paths.pidfile, sinceTicks: record.startTicks }, spare };
}

/**
 * What is left of a daemon whose pidfile's process is gone: its family,
 * sparing the pid the pidfile names (a watchdog on its way out, or a
 * stranger that now holds the pid).
 */
export function leftoversOf(paths: DaemonPaths, record: DaemonRecord): Family {
  return familyOfRecord(paths, record, [record.pid]);
}

/**
 * Every process that carries the daemon's tag, when no record names any:
 * what a start killed between spawning and publishing left running. The tag
 * is in the environment the command (or its watchdog) starts with, so none
 * of them escapes it.
 */
export function untrackedOf(paths: DaemonPaths, spare: readonly number[] = []): Family {
  return { tag: { pidfile: paths.pidfile, sinceTicks: '0' }, spare };
}
