import fs = require('node:fs');
import { lookupCommand } from '../../common/command-path';
import { isLiveState, procStatusField, readProcStat, type ProcStat } from '../../common/proc';
import { DaemonError } from '../../model/errors';
import type { DaemonRecord } from '../../model/record';
import { cgroupPids, removeCgroup } from '../../os/cgroup';
import { familyOfRecord, recordedCgroup } from '../../os/daemon-family';
import { programOf, findSuspects } from '../../os/escaped';
import { familyMembers, isSameProcess, sleep, stopFamily } from '../../os/family';
import { lastLines } from '../../os/log-tail';
import { readPidfile } from '../../os/pidfile';
import { forgetRecord } from '../../os/state-file';
import { describeExit } from '../../policy/describe';
import type { FirstRun, LogTail } from './first-run';
import type { StartOptions } from './options';
import type { Plan } from './preflight';
import type { Started } from './spawn';

/**
 * start --forking --command-pidfile FILE: a server that puts itself in the
 * background (systemd's Type=forking with PIDFile=, start-stop-daemon's
 * --pidfile). The command runs as a plain daemon would, its exit 0 says the
 * server is up, and the pid it wrote to FILE becomes the daemon's: the
 * record (and tdaemon's pidfile) name that process for every verb.
 */

/** How long the command may take to put itself in the background (systemd gives 90 s; a launch is usually milliseconds). */
export const FORKING_LAUNCH_LIMIT_MS = 30000;
/** How long after its exit the command's pidfile may take to name the server. */
export const COMMAND_PIDFILE_LIMIT_MS = 10000;
const TAIL_LINES = 10;

/** Checked before anything starts. */
export function checkForkingOptions(options: StartOptions): void {
  const file = options.commandPidfile;
  if (file === undefined) return;
  if (options.respawn !== null) {
    // The watchdog's machine restarts a child it waits for; a server that
    // leaves its launch is no child of it. A clear no, rather than a poll.
    throw new DaemonError(
      'USAGE',
      "--forking cannot be combined with --respawn: run the server in the foreground under --respawn (nginx -g 'daemon off;', redis-server --daemonize no)",
    );
  }
  if (file === options.paths.pidfile || file === options.paths.statefile) {
    throw new DaemonError('USAGE', `--command-pidfile ${file} is tdaemon's own file: give the pidfile the command writes`);
  }
}

/**
 * Under the claim, before the launch: a command pidfile that names a live
 * process running the command's program means the server runs already,
 * outside tdaemon; a second copy would fail on its port, or take over the
 * pidfile. A pid now held by another program is a stale file: the server
 * will write its own.
 */
export function refuseRunningServer(options: StartOptions, plan: Plan): void {
  const file = options.commandPidfile;
  if (file === undefined) return;
  const reading = readPidfile(file);
  if (reading.kind !== 'pid') return;
  const stat = readProcStat(reading.pid);
  if (stat === null || !isLiveState(stat.state)) return;
  const program = commandProgram(options, plan);
  if (program !== null && programOf(reading.pid) !== program) return;
  throw new DaemonError(
    'FAILED',
    `${options.paths.name}: ${file} names pid ${reading.pid}, which runs ${program ?? options.command[0]}: the server already runs outside tdaemon; stop it first`,
  );
}

/**
 * Watches a forking launch: the command must exit 0 within the launch
 * limit, then FILE must name a live process of this launch (started no
 * earlier than the command, in its cgroup when there is one, else of the
 * daemon's user); that process is published as the daemon and must then
 * stay up for --wait. Any failure stops what the launch left.
 */
export async function watchForkingStart(options: StartOptions, started: Started, plan: Plan, publish: (record: DaemonRecord) => void): Promise<FirstRun> {
  const file = options.commandPidfile!;
  const launch = started.record;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), FORKING_LAUNCH_LIMIT_MS)));
  const exit = await Promise.race([started.exited, limit]);
  clearTimeout(timer);
  if (exit === null) {
    return failed(options, plan, launch, `the command (pid ${launch.pid}) did not exit within ${FORKING_LAUNCH_LIMIT_MS / 1000} s: with --forking it must put itself in the background and exit 0`);
  }
  started.child.unref();
  if (exit.code !== 0) return failed(options, plan, launch, `the command ${describeExit(exit.code, exit.signal)} (with --forking it must exit 0 once the server is in the background)`);
  const deadline = Date.now() + COMMAND_PIDFILE_LIMIT_MS;
  let main: ProcStat | string;
  for (;;) {
    main = findMain(options, launch, plan.uid ?? process.getuid?.() ?? 0);
    if (typeof main !== 'string' || Date.now() >= deadline) break;
    await sleep(20);
  }
  if (typeof main === 'string') return failed(options, plan, launch, `the command exited 0, but ${main} within ${COMMAND_PIDFILE_LIMIT_MS / 1000} s`);
  const record: DaemonRecord = { ...launch, pid: main.pid, startTicks: main.startTicks, forking: { commandPidfile: file, ...sessionOf(main, launch) } };
  publish(record);
  const upUntil = Date.now() + options.waitMs;
  while (Date.now() < upUntil) {
    if (!isSameProcess(main.pid, main.startTicks)) {
      return failed(options, plan, record, `the server (pid ${main.pid} of ${file}) ended within ${options.waitMs / 1000} s of starting`);
    }
    await sleep(Math.min(20, Math.max(1, upUntil - Date.now())));
  }
  if (!isSameProcess(main.pid, main.startTicks)) return failed(options, plan, record, `the server (pid ${main.pid} of ${file}) ended within ${options.waitMs / 1000} s of starting`);
  return { kind: 'started', pid: main.pid, watchdog: null, log: plan.log, firstExit: null };
}

/** The process FILE names, if it is this launch's; else why not. */
function findMain(options: StartOptions, launch: DaemonRecord, uid: number): ProcStat | string {
  const file = options.commandPidfile!;
  const reading = readPidfile(file);
  if (reading.kind === 'absent') return `${file} was not written`;
  if (reading.kind === 'invalid') return `${file} ${reading.reason}`;
  const stat = readProcStat(reading.pid);
  if (stat === null || !isLiveState(stat.state)) return `${file} names pid ${reading.pid}, which does not run`;
  if (Number(stat.startTicks) < Number(launch.startTicks)) return `${file} names pid ${reading.pid}, which ran before this start (a stale pidfile, or another copy)`;
  const cgroup = launch.cgroup ?? null;
  if (cgroup !== null) {
    if (!cgroupPids(cgroup).includes(stat.pid)) return `${file} names pid ${reading.pid}, which this start did not run`;
  } else if (Number(procStatusField(stat.pid, 'Uid')?.split(/\s+/)[0]) !== uid) {
    return `${file} names pid ${reading.pid}, which runs as another user`;
  }
  return stat;
}

/**
 * The main process's session: its own when it called setsid (nginx,
 * redis), or one its launch made. A session's id is its leader's pid; a
 * leader that is gone is stood for by the launch's start time, the floor
 * of every process of the session.
 */
function sessionOf(main: ProcStat, launch: DaemonRecord): { sid: number; sidStartTicks: string } {
  if (main.session === main.pid) return { sid: main.pid, sidStartTicks: main.startTicks };
  const leader = readProcStat(main.session);
  return { sid: main.session, sidStartTicks: leader !== null && Number(leader.startTicks) >= Number(launch.startTicks) ? leader.startTicks : launch.startTicks };
}

/**
 * A failed forking start leaves nothing running: what the launch left is
 * stopped the way stop would (the server may clean up its files), its
 * record goes, and the last lines of the log say why. Without a cgroup,
 * processes only suspected to be the launch's are named, not signalled.
 */
async function failed(options: StartOptions, plan: Plan, record: DaemonRecord, problem: string): Promise<FirstRun> {
  const { paths } = options;
  const family = familyOfRecord(paths, record);
  const stopped = familyMembers(family).map((p) => p.pid);
  const survivors = stopped.length > 0 ? await stopFamily(family, options.stopSignal, options.stopTimeoutMs) : [];
  let suspects: number[] = [];
  if (recordedCgroup(paths, record) === null) {
    const program = commandProgram(options, plan);
    if (program !== null) suspects = findSuspects({ sinceTicks: record.forking?.sidStartTicks ?? record.startTicks, uid: plan.uid ?? process.getuid?.() ?? 0, program });
  }
  forgetRecord(paths, record.pid);
  removeCgroup(recordedCgroup(paths, record));
  const files = plan.errorLog ? [plan.log, plan.errorLog] : [plan.log];
  const tails: LogTail[] = files.map((file) => ({ file, lines: lastLines(file, TAIL_LINES) }));
  return { kind: 'forking-failed', problem, stopped: stopped.filter((pid) => !survivors.includes(pid)), survivors, suspects, log: plan.log, tails };
}

/** The command's program as the kernel names it in /proc/PID/exe (symlinks resolved). */
export function commandProgram(options: StartOptions, plan: Plan): string | null {
  const found = lookupCommand(options.command[0], plan.env.PATH, plan.cwd);
  if (!found.found) return null;
  try {
    return fs.realpathSync(found.file);
  } catch {
    return null;
  }
}
