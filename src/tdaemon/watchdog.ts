import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import fs = require('node:fs');
import { onExit } from 'signal-exit';
import { SHELL } from '../common/hup-shim';
import { readProcStat } from '../common/proc';
import { parseSignal } from '../common/signals';
import { lockWithin, type Release } from './lock';
import { pathsFor, type DaemonPaths } from './paths';
import { readPidfile } from './pidfile';
import { decideRestart, freshHistory, type DeathHistory } from './restart-policy';
import { familyOfRecord } from './family';
import { sessionOf, signalFamily, sleep, stopFamily, trySignal, type Family } from './session';
import { forgetRecord, readState, writeState, type DaemonRecord, type RespawnPolicy, type WatchdogReport } from './state';
import { describeExit, formatCommand } from './status-eval';
import { lookupGroup, lookupUser } from './users';

/**
 * The watchdog: one detached Node process per watched daemon. It runs the
 * command in a session of its own, starts it again when it dies (by the
 * restart policy), and keeps the state file current. Its stdout and stderr
 * are the daemon's log; it copies none of the child's output.
 */
export async function runWatchdog(pidfile: string, name: string): Promise<number> {
  process.on('SIGHUP', () => watchdog?.forwardReload()); // also: a terminal hangup must not end us
  // signal-exit makes SIGXFSZ fatal (node-facts.md §3); with a listener of
  // our own it stands aside, and a log past RLIMIT_FSIZE fails with EFBIG,
  // which logEvent ignores, instead of killing the watchdog.
  process.on('SIGXFSZ', () => {});
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  const paths = pathsFor(pidfile, name);
  // start publishes our pid, then releases the lock to us.
  const record = await waitForOwnRecord(paths);
  if (record === null) return 1;
  const release = await lockWithRetry(paths);
  if (release === null) {
    logEvent(`cannot take the lock ${paths.lockfile}; exiting`);
    return 1;
  }
  watchdog = new Watchdog(paths, record, release);
  watchdog.begin();
  return new Promise<number>(() => {}); // ends through process.exit
}

let watchdog: Watchdog | null = null;

/** The next generation's shell: HUP ignored, waiting for its go on fd 3, which the command does not inherit. */
const SPARE_SCRIPT = 'trap "" HUP; IFS= read -r go <&3 || exit 0; exec "$@" 3<&-';

/** A fresh child gets the CPU to itself for a moment before the next shell is prepared. */
const SPARE_DELAY_MS = 50;

class Watchdog {
  private child: ChildProcess | null = null;
  private spare: ChildProcess | null = null;
  private spareTimer: NodeJS.Timeout | null = null;
  private childStartedAt = 0;
  private history: DeathHistory = freshHistory();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly policy: RespawnPolicy;
  private readonly report: WatchdogReport;
  private readonly uid?: number;
  private readonly gid?: number;

  constructor(
    private readonly paths: DaemonPaths,
    private readonly record: DaemonRecord,
    private readonly release: Release,
  ) {
    this.policy = record.respawn!;
    this.report = record.watchdog!;
    if (record.user) {
      const account = lookupUser(record.user);
      this.uid = account.uid;
      this.gid = account.gid;
    }
    if (record.group) this.gid = lookupGroup(record.group);
  }

  begin(): void {
    process.on('SIGTERM', () => void this.shutdown('SIGTERM'));
    process.on('SIGINT', () => void this.shutdown('SIGINT'));
    process.on('SIGUSR2', () => void this.restartNow());
    onExit((code, signal) => {
      logEvent(`watchdog exiting (${signal ? `signal ${signal}` : `status ${code}`})`);
    });
    logEvent(`watchdog ${process.pid} watching ${formatCommand(this.record.command)}`);
    this.spawnChild();
  }

  private spawnChild(): void {
    if (this.launch()) this.recordLaunch();
  }

  /**
   * Starts the command; the bookkeeping waits for recordLaunch, so the
   * restart is not delayed by it. The command's shell is usually ready
   * already (see prepareSpare): one byte on its socket and it execs.
   */
  private launch(): boolean {
    this.timer = null;
    const child = this.spare ?? this.spawnSpare();
    this.spare = null;
    if (child === null) {
      this.onChildExit(null, 127);
      return false;
    }
    this.child = child;
    this.childStartedAt = Date.now();
    const go = child.stdio[3] as Writable | null;
    go?.end('\n');
    if (this.spareTimer === null) this.spareTimer = setTimeout(() => this.prepareSpare(), SPARE_DELAY_MS);
    return true;
  }

  /**
   * A shell for the next generation: in a session of its own, SIGHUP
   * ignored, blocked reading its socket. launch() makes it exec the
   * command; if the watchdog dies it reads end-of-file and exits, so it can
   * never start the command unbidden.
   */
  private spawnSpare(): ChildProcess | null {
    const [command, ...args] = this.record.command;
    let child: ChildProcess;
    try {
      child = spawn(SHELL, ['-c', SPARE_SCRIPT, 'sh', command, ...args], {
        detached: true,
        stdio: ['ignore', 1, 2, 'pipe'],
        uid: this.uid,
        gid: this.gid,
      });
    } catch (error) {
      logEvent(`cannot start ${command}: ${(error as Error).message}`);
      return null;
    }
    (child.stdio[3] as Writable).on('error', () => {}); // it may be gone before its go
    child.once('error', (error) => logEvent(`cannot start ${command}: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.onChildExit(signal, code);
      else if (this.spare === child) this.spare = null; // killed before its turn
    });
    return child;
  }

  private prepareSpare(): void {
    this.spareTimer = null;
    if (this.spare === null && !this.stopping) this.spare = this.spawnSpare();
  }

  private dropSpare(): void {
    if (this.spareTimer) clearTimeout(this.spareTimer);
    this.spareTimer = null;
    if (this.spare?.pid) trySignal(this.spare.pid, 'SIGKILL');
    this.spare = null;
  }

  private recordLaunch(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    Object.assign(this.report, {
      state: 'running',
      childPid: pid,
      childStartTicks: readProcStat(pid)?.startTicks ?? null,
      childStartedAt: new Date(this.childStartedAt).toISOString(),
      nextRestartAt: null,
    });
    this.save();
    logEvent(`started pid ${pid}`);
  }

  private onChildExit(signal: NodeJS.Signals | null, code: number | null): void {
    const at = Date.now();
    const uptimeMs = at - this.childStartedAt;
    const old = { pid: this.report.childPid, ticks: this.report.childStartTicks };
    this.child = null;
    this.report.lastExit = { code, signal, at: new Date(at).toISOString(), afterMs: uptimeMs };
    this.report.childPid = null;
    const describe = `pid ${old.pid} ${describeExit(code, signal)} after ${(uptimeMs / 1000).toFixed(1)} s`;
    // A stop under way ends the rest of the family in its own time: the
    // other processes may still be shutting down cleanly, and the tdaemon
    // that asked for the stop may be among them.
    if (this.stopping) return logEvent(describe);
    // What the dead child left in its group would run beside the next one.
    // One signal now (the group id cannot be reused while members remain);
    // the scan of its whole session follows once the next child runs.
    if (old.pid) trySignal(-old.pid, 'SIGKILL');
    const logExit = () => {
      logEvent(describe);
      if (old.pid && old.ticks) signalFamily(sessionOf(old.pid, old.ticks), 'SIGKILL');
    };

    const decision = decideRestart(this.policy, this.history, { code, signal, uptimeMs, at });
    this.history = decision.history;
    if (decision.action === 'restart' && decision.delayMs === 0) {
      this.report.restarts++;
      const launched = this.launch();
      logExit();
      if (launched) this.recordLaunch();
      return;
    }
    logExit();
    if (decision.action === 'stop') {
      logEvent(`not restarting: ${decision.reason}`);
      void this.finish(0, true);
      return;
    }
    if (decision.action === 'give-up') {
      logEvent(`giving up after ${decision.reason}`);
      Object.assign(this.report, { state: 'gave-up', reason: decision.reason, nextRestartAt: null });
      this.save();
      // pidfile and state stay, so that status can say why; the lock goes.
      void this.finish(0, false);
      return;
    }
    this.report.restarts++;
    logEvent(`restarting in ${(decision.delayMs / 1000).toFixed(1)} s`);
    Object.assign(this.report, { state: 'backoff', nextRestartAt: new Date(at + decision.delayMs).toISOString() });
    this.save();
    this.timer = setTimeout(() => this.spawnChild(), decision.delayMs);
  }

  /** TERM or INT: stop the child as stop would, then end with status 0. */
  async shutdown(signal: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.dropSpare();
    const request = readStopRequest(this.paths);
    const stopSignal = request.signal ?? (this.record.stopSignal as NodeJS.Signals);
    const timeoutMs = request.timeoutMs ?? this.record.stopTimeoutMs;
    logEvent(`${signal}: stopping`);
    Object.assign(this.report, { state: 'stopping', nextRestartAt: null });
    this.save();
    // The end of the daemon: what left the child's session goes too, but
    // not the tdaemon that asked (it may run inside the daemon).
    const family = familyOfRecord(this.paths, this.record, request.requester ? [request.requester] : []);
    await this.stopChild(stopSignal, timeoutMs, family);
    await this.finish(0, true);
  }

  /** USR2: start the child again now, with the counters reset. */
  async restartNow(): Promise<void> {
    if (this.stopping) return;
    logEvent('SIGUSR2: restarting now, counters reset');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopping = true; // the exit that follows is ours, not a crash
    const { childPid, childStartTicks } = this.report;
    if (childPid && childStartTicks) {
      await this.stopChild(this.record.stopSignal as NodeJS.Signals, this.record.stopTimeoutMs, sessionOf(childPid, childStartTicks));
    }
    this.stopping = false;
    this.history = freshHistory();
    this.report.restarts = 0;
    this.spawnChild();
  }

  forwardReload(): void {
    if (this.report.childPid) trySignal(this.report.childPid, 'SIGHUP');
  }

  /** Stops FAMILY (the child's session, and perhaps more), and reaps the child. */
  private async stopChild(signal: NodeJS.Signals, timeoutMs: number, family: Family): Promise<void> {
    const exited = this.child ? new Promise((resolve) => this.child!.once('exit', resolve)) : Promise.resolve();
    await stopFamily(family, signal, timeoutMs);
    await Promise.race([exited, sleep(1000)]); // reap it: no zombie is left behind
  }

  private async finish(code: number, forget: boolean): Promise<void> {
    this.dropSpare();
    if (forget) forgetRecord(this.paths, process.pid);
    fs.rmSync(this.paths.stopfile, { force: true });
    try {
      await this.release();
    } catch {
      // already lost; nothing to give back
    }
    process.exit(code);
  }

  private save(): void {
    this.report.watchdogRssKb = Math.round(process.memoryUsage.rss() / 1024);
    try {
      // Only while the pidfile still names us: a stop may have removed it.
      const pid = readPidfile(this.paths.pidfile);
      if (pid.kind === 'pid' && pid.pid === process.pid) writeState(this.paths.statefile, this.record);
    } catch (error) {
      logEvent(`cannot write ${this.paths.statefile}: ${(error as Error).message}`);
    }
  }
}

async function waitForOwnRecord(paths: DaemonPaths): Promise<DaemonRecord | null> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const pid = readPidfile(paths.pidfile);
    if (pid.kind === 'pid' && pid.pid === process.pid) {
      const state = readState(paths.statefile);
      if (state.kind === 'ok' && state.record.pid === process.pid && state.record.respawn) return state.record;
    }
    await sleep(5);
  }
  logEvent(`the pidfile ${paths.pidfile} never named this watchdog; exiting`);
  return null;
}

/** start releases the lock just after it publishes our pid; take it over. */
async function lockWithRetry(paths: DaemonPaths): Promise<Release | null> {
  try {
    return await lockWithin(paths, 15000, () => false, (error) => onLockCompromised(paths, error));
  } catch {
    return null;
  }
}

/**
 * proper-lockfile's default throws from a timer and would crash us. The
 * daemon keeps running; the lock is taken again as soon as it can be.
 */
function onLockCompromised(paths: DaemonPaths, error: Error): void {
  logEvent(`lock ${paths.lockfile} compromised (${error.message}); taking it again`);
  void lockWithRetry(paths).then((release) => {
    if (release === null) logEvent(`could not take ${paths.lockfile} again; a second start may not be refused`);
  });
}

function readStopRequest(paths: DaemonPaths): { signal?: NodeJS.Signals; timeoutMs?: number; requester?: number } {
  try {
    const request = JSON.parse(fs.readFileSync(paths.stopfile, 'utf8'));
    return {
      signal: typeof request.signal === 'string' ? parseSignal(request.signal) ?? undefined : undefined,
      timeoutMs: typeof request.timeoutMs === 'number' ? request.timeoutMs : undefined,
      requester: Number.isInteger(request.requester) && request.requester > 0 ? request.requester : undefined,
    };
  } catch {
    return {};
  }
}

/** A timestamped line in the daemon's log. A write error (disk full, log gone) is never fatal. */
function logEvent(message: string): void {
  try {
    fs.writeSync(1, `${new Date().toISOString()} tdaemon[${process.pid}]: ${message}\n`);
  } catch {
    // the log is the only place to say it
  }
}
