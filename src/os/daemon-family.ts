import fs = require('node:fs');
import type { DaemonPaths } from '../model/daemon-paths';
import type { DaemonRecord } from '../model/record';
import { daemonCgroup } from './cgroup';
import type { Family } from './family';

/**
 * The processes a stop of this daemon must end: the command's session (a
 * plain daemon leads its own; a watched one's child leads another; a forking
 * server's main process is in the session it made for itself), and the
 * processes that left it but carry the daemon's tag, started no earlier than
 * the process the pidfile names, and everything in the daemon's cgroup when
 * it was started in one. SPARE is spared, as this process always is.
 */
export function familyOfRecord(paths: DaemonPaths, record: DaemonRecord, spare: readonly number[] = []): Family {
  const watch = record.watchdog;
  let session: Family['session'];
  let main: Family['process'];
  if (record.forking) {
    session = { sid: record.forking.sid, leaderStartTicks: record.forking.sidStartTicks };
    main = { pid: record.pid, startTicks: record.startTicks };
  } else if (!watch) session = { sid: record.pid, leaderStartTicks: record.startTicks };
  else if (watch.childPid && watch.childStartTicks) session = { sid: watch.childPid, leaderStartTicks: watch.childStartTicks };
  const family: Family = { session, tag: { pidfile: paths.pidfile, sinceTicks: record.forking ? record.forking.sidStartTicks : record.startTicks }, spare };
  if (main) {
    family.process = main;
    family.descendantsOf = main;
  }
  const cgroup = recordedCgroup(paths, record);
  if (cgroup !== null) family.cgroup = cgroup;
  return family;
}

/**
 * The daemon's cgroup, when its record says it was started in one: only the
 * group derived from the pidfile's path is trusted, whatever the record says.
 */
export function recordedCgroup(paths: DaemonPaths, record: DaemonRecord): string | null {
  const expected = daemonCgroup(paths.pidfile);
  return record.cgroup && record.cgroup === expected ? expected : null;
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
 * Every process that carries the daemon's tag, or sits in its cgroup, when
 * no record names any: what a start killed between spawning and publishing
 * left running. The tag is in the environment the command (or its watchdog)
 * starts with, so none of them escapes both, unless it rewrites its
 * environment and no cgroup could be made.
 */
export function untrackedOf(paths: DaemonPaths, spare: readonly number[] = []): Family {
  const family: Family = { tag: { pidfile: paths.pidfile, sinceTicks: '0' }, spare };
  const cgroup = daemonCgroup(paths.pidfile);
  if (cgroup !== null && fs.existsSync(cgroup)) family.cgroup = cgroup;
  return family;
}
