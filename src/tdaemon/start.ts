import type { ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import path = require('node:path');
import { removeIfHolds, writeFileAtomic } from '../common/atomic-file';
import { describeLookupError, lookupCommand } from '../common/command-path';
import { CliError, describeErrno } from '../common/errors';
import { hupIgnoringArgv, SHELL } from '../common/hup-shim';
import { closeInheritedDescriptors } from '../common/inherited-fds';
import { readProcStat } from '../common/proc';
import { writeQuietly } from '../common/say';
import { EXIT } from './exit-codes';
import { complain, say } from './messages';
import { lastLines } from './log-tail';
import { lockWithin } from './lock';
import { isPermission, type DaemonPaths } from './paths';
import { readPidfile } from './pidfile';
import { probe } from './probe';
import { familyOfRecord, leftoversOf } from './family';
import { familyMembers, isSameProcess, signalFamily, sleep } from './session';
import { PIDFILE_VARIABLE } from './tagged';
import { forgetRecord, readState, writeState, type DaemonRecord, type RespawnPolicy } from './state';
import { daemonIsUp, describeExit, type StatusVerdict } from './status-eval';
import { lookupGroup, lookupUser } from './users';

export interface StartOptions {
  paths: DaemonPaths;
  command: string[];
  log?: string;
  errorLog?: string;
  chdir?: string;
  umask?: number;
  env: Record<string, string>;
  user?: string;
  group?: string;
  waitMs: number;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  reloadSignal: NodeJS.Signals;
  respawn: RespawnPolicy | null;
}

const LOCK_TIMEOUT_MS = 10000;

// Loaded when start spawns: status and stop, which import this module for
// its messages, do not pay the 5 ms child_process costs to load.
function spawn(...args: Parameters<typeof import('node:child_process').spawn>): ChildProcess {
  return (require('node:child_process') as typeof import('node:child_process')).spawn(...args);
}
/** The watchdog's own bundle, beside this one in dist/. */
const WATCHDOG_ENTRY = path.join(__dirname, 'tdaemon-watchdog.js');
/**
 * The watchdog runs little JavaScript for a long time (npm run bench): a
 * young generation of 1 MiB keeps a crash loop from growing it to 32 MiB,
 * and lite mode (no optimizing compiler) saves about 1 MiB of RSS.
 * --no-expose-wasm avoids lite mode's warning about the conflict.
 */
const WATCHDOG_NODE_FLAGS = ['--max-semi-space-size=1', '--no-expose-wasm', '--lite-mode'];
const TAIL_LINES = 10;
/** How long start waits for a new watchdog to start the command at all. */
const WATCHDOG_START_LIMIT_MS = 10000;

/**
 * Starts the daemon. Everything is checked while the user's terminal still
 * hears us; then, under the pidfile's lock, it spawns and records the daemon
 * and watches it for --wait. Returns the exit status.
 */
export async function startDaemon(options: StartOptions): Promise<number> {
  const { paths } = options;
  closeInheritedDescriptors();
  const plan = prepare(options);

  const running = alreadyRunning(paths);
  if (running !== null) return running;

  const release = await lockWithin(paths, LOCK_TIMEOUT_MS, () => daemonIsUp(probe(paths)));
  if (release === null) return alreadyRunning(paths) ?? EXIT.FAILURE;
  let started: Started;
  try {
    const again = alreadyRunning(paths);
    if (again !== null) return again;
    refuseLeftovers(paths);
    try {
      await claim(paths);
    } catch (error) {
      if (error instanceof AlreadyStarted) return alreadyRunning(paths) ?? EXIT.FAILURE;
      throw error;
    }
    try {
      // Another holder of a lock taken over while stale may have started the
      // daemon and dropped its claim since we looked: look again, now that
      // the claim is ours and nobody else can be between here and the spawn.
      const meanwhile = alreadyRunning(paths);
      if (meanwhile !== null) return meanwhile;
      clearStale(paths);
      started = options.respawn ? spawnWatchdog(options, plan) : spawnCommand(options, plan);
      await started.ready;
      publish(paths, started.record);
    } finally {
      removeIfHolds(paths.claimfile, claimText());
    }
  } finally {
    for (const fd of plan.fds) fs.closeSync(fd);
    await release();
  }
  return options.respawn ? watchFirstRunOfWatchdog(options, started, plan) : watchFirstRun(options, started, plan);
}

/** What was checked and opened before anything starts. */
interface Plan {
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  log: string;
  errorLog: string | null;
  logFd: number;
  errorFd: number;
  fds: number[];
}

function prepare(options: StartOptions): Plan {
  const { paths } = options;
  const isRoot = process.getuid?.() === 0;
  if ((options.user !== undefined || options.group !== undefined) && !isRoot) {
    throw new CliError(`--user and --group need root; this is uid ${process.getuid?.()}`, EXIT.PRIVILEGE);
  }
  const cwd = options.chdir !== undefined ? path.resolve(options.chdir) : process.cwd();
  try {
    if (!fs.statSync(cwd).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (error) {
    throw new CliError(`--chdir ${cwd}: ${describeErrno(error)}`, EXIT.USAGE);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, [PIDFILE_VARIABLE]: paths.pidfile };
  let uid: number | undefined;
  let gid: number | undefined;
  if (options.user !== undefined) {
    const account = lookupUser(options.user);
    uid = account.uid;
    gid = account.gid;
    Object.assign(env, { HOME: account.home, USER: account.name, LOGNAME: account.name });
  }
  if (options.group !== undefined) gid = lookupGroup(options.group);

  const found = lookupCommand(options.command[0], env.PATH, cwd);
  if (!found.found) {
    const what = found.errno === 'ENOENT' ? 'command not found' : 'cannot run command';
    throw new CliError(`${what}: '${options.command[0]}': ${describeLookupError(found.errno)}`, EXIT.NOT_INSTALLED);
  }

  checkPidfileLocation(paths);
  const log = path.resolve(options.log ?? paths.defaultLog);
  const errorLog = options.errorLog !== undefined ? path.resolve(options.errorLog) : null;
  const umask = options.umask ?? process.umask();
  const fds: number[] = [];
  const logFd = openLog(log, umask, '--log');
  fds.push(logFd);
  let errorFd = logFd;
  if (errorLog !== null) {
    errorFd = openLog(errorLog, umask, '--error-log');
    fds.push(errorFd);
  }
  return { cwd, env, uid, gid, log, errorLog, logFd, errorFd, fds };
}

function checkPidfileLocation(paths: DaemonPaths): void {
  const dir = path.dirname(paths.pidfile);
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (error) {
    throw new CliError(`pidfile directory ${dir}: ${describeErrno(error)}`, EXIT.USAGE);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new CliError(`cannot write pidfile ${paths.pidfile}: ${describeErrno(error)}`, EXIT.PRIVILEGE);
  }
  const reading = readPidfile(paths.pidfile);
  if (reading.kind === 'invalid' && reading.problem === 'symlink') {
    throw new CliError(`refusing pidfile ${paths.pidfile}: it is a symbolic link`, EXIT.USAGE);
  }
  // An empty file holds nothing to lose (a writer killed mid-write, not ours:
  // ours are renamed into place); anything else might be the user's.
  if (reading.kind === 'invalid' && reading.problem !== 'empty') {
    throw new CliError(`pidfile ${paths.pidfile}: ${reading.reason}; remove it if it is stale`, EXIT.FAILURE);
  }
}

function openLog(file: string, umask: number, option: string): number {
  try {
    return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o666 & ~umask);
  } catch (error) {
    throw new CliError(`cannot open ${option} ${file}: ${describeErrno(error)}`, isPermission(error) ? EXIT.PRIVILEGE : EXIT.USAGE);
  }
}

function alreadyRunning(paths: DaemonPaths): number | null {
  const verdict = probe(paths);
  if (!daemonIsUp(verdict)) return null;
  say(`${paths.name} already running (${describeRunning(verdict)})`);
  return EXIT.OK;
}

/** "pid N", and for a watched daemon its watchdog too (the child may not have started yet). */
function describeRunning(verdict: StatusVerdict): string {
  const record = verdict.record;
  if (!record?.watchdog) return `pid ${verdict.pid}`;
  if (verdict.kind === 'watchdog-lost') return `pid ${verdict.pid}, watchdog lost`;
  if (verdict.kind === 'restarting') return `watchdog ${record.pid}, restarting`;
  return verdict.pid ? `pid ${verdict.pid}, watchdog ${record.pid}` : `watchdog ${record.pid}, starting`;
}

/** A dead daemon's children still in its session would be orphaned by a second copy. */
function refuseLeftovers(paths: DaemonPaths): void {
  const state = readState(paths.statefile);
  if (state.kind !== 'ok' || state.record.watchdog) return;
  if (isSameProcess(state.record.pid, state.record.startTicks)) return;
  const left = familyMembers(leftoversOf(paths, state.record)).map((p) => p.pid);
  if (left.length > 0) {
    throw new CliError(
      `${paths.name}: pid ${state.record.pid} is gone but pids ${left.join(' ')} of it still run; 'tdaemon stop' ends them`,
      EXIT.FAILURE,
    );
  }
}

function claimText(): string {
  return `${process.pid} ${readProcStat(process.pid)?.startTicks ?? ''}\n`;
}

/**
 * proper-lockfile can let two processes take over one stale lock at once.
 * Before the irreversible step each holder must also create the claim file
 * exclusively; the loser waits for the winner's pidfile.
 */
async function claim(paths: DaemonPaths): Promise<void> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.writeFileSync(paths.claimfile, claimText(), { flag: 'wx', mode: 0o644 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CliError(`cannot write ${paths.claimfile}: ${describeErrno(error)}`, isPermission(error) ? EXIT.PRIVILEGE : EXIT.FAILURE);
      }
    }
    const stale = readClaim(paths.claimfile);
    if (stale.pid !== null ? !isSameProcess(stale.pid, stale.ticks) : stale.ageMs > EMPTY_CLAIM_STALE_MS) {
      breakStaleClaim(paths.claimfile, stale.text); // its starter died mid-start
      continue;
    }
    if (daemonIsUp(probe(paths))) throw new AlreadyStarted();
    if (Date.now() > deadline) throw new CliError(`another start of ${paths.name} is in progress`, EXIT.FAILURE);
    await sleep(20);
  }
}

class AlreadyStarted extends Error {}

/**
 * A claim is written just after it is created; one still without a pid
 * after this long belongs to a start killed in between, or is garbage.
 */
const EMPTY_CLAIM_STALE_MS = 5000;

function readClaim(file: string): { pid: number | null; ticks: string; text: string; ageMs: number } {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const [pid, ticks] = text.trim().split(' ');
    const owner = Number(pid) > 0 ? Number(pid) : null;
    const ageMs = owner === null ? Date.now() - fs.statSync(file).mtimeMs : 0;
    return { pid: owner, ticks: ticks ?? '', text, ageMs };
  } catch {
    return { pid: null, ticks: '', text: '', ageMs: 0 };
  }
}

/**
 * Removes the claim file only if it still is the stale claim STALE_TEXT.
 * Unlinking by name could remove the fresh claim another starter made since
 * we read the stale one, and two starts would go on. So the file is moved
 * aside first (one atomic step), and put back if it turns out to be live.
 */
function breakStaleClaim(file: string, staleText: string): void {
  const aside = `${file}.${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // another starter moved it first
  }
  let taken = staleText;
  try {
    taken = fs.readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as the stale one
  }
  if (taken !== staleText) {
    try {
      fs.linkSync(aside, file); // a live claim: back where its owner left it
    } catch {
      // a third claim took its place meanwhile; that one stands
    }
  }
  fs.rmSync(aside, { force: true });
}

/** A pidfile and state whose process is gone, or an empty pidfile. */
function clearStale(paths: DaemonPaths): void {
  for (const file of [paths.pidfile, paths.statefile]) {
    try {
      fs.unlinkSync(file);
    } catch {
      // absent
    }
  }
}

interface Started {
  child: ChildProcess;
  record: DaemonRecord;
  /** Resolves once the process runs and its start time is known. */
  ready: Promise<void>;
  /** Resolves when the process ends; listened to from the spawn on, so no exit is missed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function baseRecord(options: StartOptions, plan: Plan): DaemonRecord {
  return {
    format: 1,
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
    respawn: options.respawn,
    watchdog: null,
  };
}

function spawnCommand(options: StartOptions, plan: Plan): Started {
  const record = baseRecord(options, plan);
  const child = spawnWithUmask(options.umask, () =>
    spawn(SHELL, hupIgnoringArgv(options.command[0], options.command.slice(1)), {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio: ['ignore', plan.logFd, plan.errorFd],
      uid: plan.uid,
      gid: plan.gid,
    }),
  );
  return { child, record, ready: whenRunning(child, record), exited: whenExited(child) };
}

function spawnWatchdog(options: StartOptions, plan: Plan): Started {
  const record = baseRecord(options, plan);
  record.watchdog = {
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
  // The watchdog runs as root and drops privileges for the child only; it
  // reads everything else from the state file start writes for it.
  const child = spawnWithUmask(options.umask, () =>
    spawn(process.execPath, [...WATCHDOG_NODE_FLAGS, WATCHDOG_ENTRY, options.paths.pidfile, options.paths.name], {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio: ['ignore', plan.logFd, plan.errorFd],
    }),
  );
  return { child, record, ready: whenRunning(child, record), exited: whenExited(child) };
}

/** Node has no umask option for spawn: a child inherits the umask at fork. */
function spawnWithUmask(umask: number | undefined, start: () => ChildProcess): ChildProcess {
  const previous = umask === undefined ? null : process.umask(umask);
  try {
    return start();
  } catch (error) {
    throw new CliError(`cannot start: ${describeErrno(error)}`, EXIT.FAILURE);
  } finally {
    if (previous !== null) process.umask(previous);
  }
}

function whenExited(child: ChildProcess): Started['exited'] {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function whenRunning(child: ChildProcess, record: DaemonRecord): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new CliError(`cannot start: ${describeErrno(error)}`, EXIT.FAILURE)));
    child.once('spawn', () => {
      record.pid = child.pid!;
      record.startTicks = readProcStat(child.pid!)?.startTicks ?? '';
      resolve();
    });
  });
}

/** State first, then the pidfile that points at it: a reader never sees a pidfile without its record. */
function publish(paths: DaemonPaths, record: DaemonRecord): void {
  try {
    writeState(paths.statefile, record);
    writeFileAtomic(paths.pidfile, `${record.pid}\n`, 0o644);
  } catch (error) {
    try {
      process.kill(-record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    throw new CliError(`cannot write pidfile ${paths.pidfile}: ${describeErrno(error)}`, EXIT.FAILURE);
  }
}

async function watchFirstRun(options: StartOptions, started: Started, plan: Plan): Promise<number> {
  const { paths } = options;
  const { child, record } = started;
  // --wait 0: the command runs; that is all start was asked to see.
  const outcome = options.waitMs === 0 ? null : await Promise.race([started.exited, sleep(options.waitMs).then(() => null)]);
  if (outcome === null) {
    child.unref();
    say(`${paths.name} started (pid ${record.pid}); log ${plan.log}`);
    return EXIT.OK;
  }
  // Its session, and what left the session but still carries its tag: a
  // failed start leaves nothing running.
  const family = familyOfRecord(paths, record);
  const left = signalFamily(family, 'SIGKILL').map((p) => p.pid);
  forgetRecord(paths, record.pid);
  if (outcome.code === 0 && left.length > 0) {
    complain(
      `${paths.name}: the command put itself in the background (pids ${left.join(' ')} still ran; now killed); ` +
        `run it in the foreground, without '&' or a daemonize option`,
    );
    return EXIT.FAILURE;
  }
  reportEarlyDeath(options, plan, describeExit(outcome.code, outcome.signal));
  return EXIT.FAILURE;
}

async function watchFirstRunOfWatchdog(options: StartOptions, started: Started, plan: Plan): Promise<number> {
  const { paths } = options;
  const { child, record } = started;
  child.unref();
  let watchdogExit: string | null = null;
  void started.exited.then(({ code, signal }) => (watchdogExit = describeExit(code, signal)));
  // --wait watches the command, not the watchdog: on a busy machine the
  // watchdog may take longer than --wait to start it, so the clock starts
  // when the command is first seen.
  const giveUpAt = Date.now() + Math.max(options.waitMs, 0) + WATCHDOG_START_LIMIT_MS;
  let deadline = Infinity;
  let childSeen = false;
  for (;;) {
    const state = readState(paths.statefile);
    const report = state.kind === 'ok' && state.record.pid === record.pid ? state.record.watchdog : null;
    if (!childSeen && (report?.childPid || report?.lastExit)) {
      childSeen = true;
      deadline = Date.now() + options.waitMs;
    }
    if (childSeen && options.waitMs === 0) break;
    if (report?.lastExit) {
      reportEarlyDeath(
        options,
        plan,
        describeExit(report.lastExit.code, report.lastExit.signal),
        "; its watchdog goes on by the restart policy ('tdaemon stop' ends it)",
      );
      return EXIT.FAILURE;
    }
    if (watchdogExit !== null) {
      reportEarlyDeath(options, plan, `the watchdog ${watchdogExit}`);
      return EXIT.FAILURE;
    }
    if (childSeen && Date.now() >= deadline) break;
    if (!childSeen && Date.now() > giveUpAt) {
      complain(`${paths.name}: the watchdog (pid ${record.pid}) did not start the command within ${WATCHDOG_START_LIMIT_MS / 1000} s`);
      return EXIT.FAILURE;
    }
    await sleep(10);
  }
  const state = readState(paths.statefile);
  const childPid = state.kind === 'ok' ? state.record.watchdog?.childPid : null;
  say(`${paths.name} started (pid ${childPid}, watchdog ${record.pid}); log ${plan.log}`);
  return EXIT.OK;
}

function reportEarlyDeath(options: StartOptions, plan: Plan, how: string, after = ''): void {
  const seconds = options.waitMs / 1000;
  complain(`${options.paths.name} ${how} within ${seconds} s of starting${after}; last lines of ${plan.log}:`);
  for (const file of plan.errorLog ? [plan.log, plan.errorLog] : [plan.log]) {
    const lines = lastLines(file, TAIL_LINES);
    if (file !== plan.log) writeQuietly(2, `  ${file}:\n`);
    for (const line of lines) writeQuietly(2, `  ${line}\n`);
  }
}

