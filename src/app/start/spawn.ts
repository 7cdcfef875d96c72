import type { ChildProcess } from 'node:child_process';
import path = require('node:path');
import { describeErrno } from '../../common/errors';
import { hupIgnoringArgv, SHELL } from '../../common/hup-shim';
import { LEAN_NODE_FLAGS } from '../../common/lean-node';
import { readProcStat } from '../../common/proc';
import { DaemonError } from '../../model/errors';
import { formatReadySpec } from '../../model/ready-spec';
import { daemonCgroup, joiningShellArgv, prepareCgroup, spawnInCgroup } from '../../os/cgroup';
import type { DaemonRecord, WatchdogReport } from '../../model/record';
import { withCredentials } from '../../os/privileges';
import type { StartOptions } from './options';
import type { Plan } from './preflight';

// Loaded when start spawns: status and stop do not pay the 5 ms
// child_process costs to load.
function spawn(...args: Parameters<typeof import('node:child_process').spawn>): ChildProcess {
  return (require('node:child_process') as typeof import('node:child_process')).spawn(...args);
}

/** The watchdog's own bundle, beside the CLI's in dist/. */
const WATCHDOG_ENTRY = path.join(__dirname, 'tdaemon-watchdog.js');

export interface Started {
  child: ChildProcess;
  record: DaemonRecord;
  /** Resolves once the process runs and its start time is known. */
  ready: Promise<void>;
  /** Resolves when the process ends; listened to from the spawn on, so no exit is missed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns the daemon's first process in a session of its own, stdin
 * /dev/null, output to the logs: the command itself (SIGHUP ignored, through
 * a shell that execs it) for a plain daemon, or the watchdog that will run
 * it for a watched one. The watchdog runs as root and drops privileges for
 * the child only; it reads everything else from the state file start writes.
 */
export function spawnDaemon(options: StartOptions, plan: Plan): Started {
  const record = initialRecord(options, plan);
  const watched = options.respawn !== null;
  // The watchdog runs as root and switches for the command itself; a plain daemon switches here, with the user's groups.
  const run = watched ? { command: options.command, uid: undefined, gid: undefined } : withCredentials([plan.exec, ...options.command.slice(1)], plan);
  // A plain daemon starts in a cgroup of its own where one can be made: what
  // it forks away (setsid, a rewritten environment) is still found there.
  // Its shell joins the group itself when it runs as root (no user, or
  // setpriv switching after the join); otherwise this process moves in for
  // the spawn and back.
  const cgroup = watched ? null : daemonCgroup(options.paths.pidfile);
  const procs = run.uid === undefined ? prepareCgroup(cgroup) : null;
  const [file, argv] = watched
    ? [process.execPath, [...LEAN_NODE_FLAGS, WATCHDOG_ENTRY, options.paths.pidfile, options.paths.name]]
    : [SHELL, procs !== null ? joiningShellArgv(procs, run.command[0], run.command.slice(1)) : hupIgnoringArgv(run.command[0], run.command.slice(1))];
  const spawnIt = (): ChildProcess =>
    spawnWithUmask(options.umask, () =>
      spawn(file, argv, {
        cwd: plan.cwd,
        env: plan.env,
        detached: true,
        stdio: ['ignore', plan.logFd, plan.errorFd],
        uid: run.uid,
        gid: run.gid,
      }),
    );
  const { result: child, joined } = procs !== null ? { result: spawnIt(), joined: true } : spawnInCgroup(watched ? null : cgroup, spawnIt);
  if (joined) record.cgroup = cgroup;
  const exited: Started['exited'] = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new DaemonError('SPAWN', `cannot start: ${describeErrno(error)}`, { cause: error })));
    child.once('spawn', () => {
      record.pid = child.pid!;
      record.startTicks = readProcStat(child.pid!)?.startTicks ?? '';
      resolve();
    });
  });
  return { child, record, ready, exited };
}

function initialRecord(options: StartOptions, plan: Plan): DaemonRecord {
  const base = {
    format: 1 as const,
    name: options.paths.name,
    pid: 0,
    startTicks: '',
    startedAt: new Date().toISOString(),
    command: options.command,
    cwd: plan.cwd,
    log: plan.log,
    errorLog: plan.errorLog,
    env: options.env,
    umask: options.umask ?? null,
    user: options.user ?? null,
    group: options.group ?? null,
    stopSignal: options.stopSignal,
    stopTimeoutMs: options.stopTimeoutMs,
    reloadSignal: options.reloadSignal,
    commandPath: plan.commandPath,
    ...(options.ready ? { ready: formatReadySpec(options.ready), readyTimeoutMs: options.readyTimeoutMs } : {}),
  };
  if (options.respawn === null) return { ...base, respawn: null, watchdog: null, logRotation: null };
  const watchdog: WatchdogReport = {
    state: 'starting',
    childPid: null,
    childStartTicks: null,
    childStartedAt: null,
    restarts: 0,
    lastExit: null,
    nextRestartAt: null,
    reason: null,
    watchdogRssKb: null,
  };
  return { ...base, respawn: options.respawn, watchdog, logRotation: options.logRotation ?? { maxBytes: 0, backups: 0 } };
}

/** Node has no umask option for spawn: a child inherits the umask at fork. */
function spawnWithUmask(umask: number | undefined, start: () => ChildProcess): ChildProcess {
  const previous = umask === undefined ? null : process.umask(umask);
  try {
    return start();
  } catch (error) {
    throw new DaemonError('SPAWN', `cannot start: ${describeErrno(error)}`, { cause: error });
  } finally {
    if (previous !== null) process.umask(previous);
  }
}
