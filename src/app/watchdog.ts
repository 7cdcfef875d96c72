import { lookupCommand } from '../common/command-path';
import { readProcStat } from '../common/proc';
import { pathsFor, type DaemonPaths } from '../model/daemon-paths';
import { isWatched, type WatchdogReport, type WatchedRecord } from '../model/record';
import { familyOfRecord } from '../os/daemon-family';
import { sleep } from '../os/family';
import { readPidfile } from '../os/pidfile';
import { ReadyShellSpawner } from '../os/ready-shell';
import { readState, forgetRecord, writeState } from '../os/state-file';
import { readStopRequest, removeStopRequest, writeStopRequest } from '../os/stop-request-file';
import type { StopRequest } from '../model/stop-request';
import { lookupGroup, lookupUser } from '../os/users';
import { formatCommand } from '../policy/describe';
import type { Run, UnitRules, UnitStatus, UnitState } from '../policy/machine';
import { describeUnitEvent } from '../policy/unit-log';
import { Host } from '../supervise/host';
import { Unit } from '../supervise/unit';
import { realUnitDeps } from '../supervise/unit-deps';
import { WatchdogLog } from './watchdog-log';

/**
 * The watchdog of `tdaemon start --respawn`: a host with one unit. It runs
 * the command in a session of its own, starts it again when it dies (the
 * machine decides when), and keeps the state file current. It copies the
 * child's output into the log (watchdog-log.ts), with its own lines.
 */
export async function runWatchdog(pidfile: string, name: string): Promise<number> {
  const host = new Host(1, `tdaemon[${process.pid}]`);
  crashHost = host;
  const paths = pathsFor(pidfile, name);
  host.handleSignals({}); // a hangup (or a USR1) must not end us while we wait for our record
  // start publishes our pid, then releases the lock to us.
  const record = await waitForOwnRecord(paths, host);
  if (record === null) return 1;
  if (!(await host.holdLock(paths))) {
    host.log(`cannot take the lock ${paths.lockfile}; exiting`);
    return 1;
  }
  const watchdog = new Watchdog(host, paths, record);
  watchdog.begin();
  return new Promise<number>(() => {}); // ends through host.exit
}

/**
 * The command as typed, which the shell finds in PATH (the watchdog has the
 * environment start gave it); the file recorded at start if PATH now finds
 * another (a restart from the record that pinned it).
 */
function commandToRun(record: WatchedRecord): readonly string[] {
  const [name, ...args] = record.command;
  if (record.commandPath === undefined) return record.command;
  const found = lookupCommand(name, process.env.PATH, process.cwd());
  return !found.found || found.file !== record.commandPath ? [record.commandPath, ...args] : record.command;
}

/** The watchdog's rules: no start phase (every death is judged by the respawn policy). */
function rulesOf(record: WatchedRecord): UnitRules {
  return {
    startMs: 0,
    startRetries: 0,
    respawn: record.respawn,
    stopSignal: record.stopSignal,
    stopTimeoutMs: record.stopTimeoutMs,
    reloadSignal: record.reloadSignal,
  };
}

let crashHost: Host | null = null;

/** Says why the watchdog is ending abnormally, in its log (its stderr may be /dev/null by then). */
export function reportCrash(text: string): void {
  if (crashHost === null) {
    try {
      require('node:fs').writeSync(2, `tdaemon watchdog: ${text}\n`);
    } catch {
      // nowhere to say it
    }
  } else {
    crashHost.logNow(text);
  }
}

class Watchdog {
  private readonly unit: Unit;
  private readonly spawner: ReadyShellSpawner;
  private readonly output: WatchdogLog;
  /** The stop request being served, and whether its answer (killed) was written into it. */
  private request: StopRequest | null = null;
  private answered = false;

  constructor(
    private readonly host: Host,
    private readonly paths: DaemonPaths,
    private readonly record: WatchedRecord,
  ) {
    let uid: number | undefined;
    let gid: number | undefined;
    if (record.user) ({ uid, gid } = lookupUser(record.user));
    if (record.group) gid = lookupGroup(record.group);
    this.output = new WatchdogLog(record, (message) => host.log(message));
    const writer = this.output.hostWriter();
    if (writer !== null) host.useLogWriter(writer);
    this.spawner = new ReadyShellSpawner({
      command: commandToRun(record),
      uid,
      gid,
      ...this.output.spawnerOutput(),
      onOutput: (stdout, stderr, pid) => this.output.attach(stdout, stderr, pid),
      // Its last words first, then its death.
      onExit: (pid, code, signal) => void this.output.drained(pid).then(() => this.unit.childExited(pid, code, signal)),
      onError: (message) => host.log(message),
    });
    const deps = realUnitDeps({
      spawner: this.spawner,
      familyOf: (run, spare) => {
        const waiting = this.spawner.waitingPid();
        return familyOfRecord(paths, withChild(record, run), waiting === null ? spare : [...spare, waiting]);
      },
      log: (event) => {
        const line = describeUnitEvent(event);
        if (line !== null) host.log(line);
        if (event.kind === 'killing') this.answerKilled();
      },
      persist: (status) => this.save(status),
    });
    this.unit = new Unit(record.name, rulesOf(record), deps);
    this.unit.onChange((unit) => this.afterChange(unit.status));
  }

  begin(): void {
    this.host.handleSignals({
      stop: (signal) => {
        this.host.log(`${signal}: stopping`);
        // The end of the daemon: what left the child's session goes too, but
        // not the tdaemon that asked (it may run inside the daemon).
        const { request, problem } = readStopRequest(this.paths);
        if (problem !== null) this.host.log(`${problem}; stopping with the recorded signal and timeout`);
        if (request.requester !== undefined) this.request = request;
        this.unit.feed({
          type: 'want-down',
          signal: request.signal,
          timeoutMs: request.timeoutMs,
          spare: request.requester ? [request.requester] : [],
        });
      },
      restart: () => this.unit.feed({ type: 'restart-now', at: Date.now() }),
      reload: () => this.unit.feed({ type: 'reload' }),
      reopen: () => {
        this.host.log('USR1: reopening the log');
        this.output.reopen();
      },
    });
    this.host.logExit('watchdog');
    this.host.log(`watchdog ${process.pid} watching ${formatCommand(this.record.command)}`);
    this.unit.feed({ type: 'want-up' });
  }

  /** The unit at rest ends the watchdog: stopped or exited for good forget the record; fatal keeps it for status. */
  private afterChange(status: UnitStatus): void {
    if (status.state === 'fatal') void this.finish(false);
    else if (status.state === 'exited' || (status.state === 'stopped' && status.want === 'down')) void this.finish(true);
  }

  private async finish(forget: boolean): Promise<void> {
    this.spawner.dispose();
    // Its last lines are in the log before the record says it is gone.
    await this.host.flushLog();
    if (forget) forgetRecord(this.paths, process.pid);
    if (!this.answered) removeStopRequest(this.paths); // else the requester reads the answer and removes it
    await this.host.exit(0);
  }

  /** Tells the tdaemon that asked for this stop that SIGKILL was needed (its stop says so). */
  private answerKilled(): void {
    if (this.request === null || this.answered) return;
    try {
      writeStopRequest(this.paths, { ...this.request, killed: true });
      this.answered = true;
    } catch (error) {
      this.host.log(`cannot write ${this.paths.stopfile}: ${(error as Error).message}`);
    }
  }

  private save(status: UnitStatus): void {
    Object.assign(this.record.watchdog, reportOf(status, this.record.watchdog));
    this.record.watchdog.watchdogRssKb = Math.round(process.memoryUsage.rss() / 1024);
    try {
      // Only while the pidfile still names us: a stop may have removed it.
      const pid = readPidfile(this.paths.pidfile);
      if (pid.kind === 'pid' && pid.pid === process.pid) writeState(this.paths.statefile, this.record);
    } catch (error) {
      this.host.log(`cannot write ${this.paths.statefile}: ${(error as Error).message}`);
    }
  }
}

/** The record as it would be with RUN as its child: the family follows the run being stopped. */
function withChild(record: WatchedRecord, run: Run | null): WatchedRecord {
  return {
    ...record,
    watchdog: { ...record.watchdog, childPid: run?.pid ?? null, childStartTicks: run?.startTicks ?? null },
  };
}

const REPORT_STATE: Record<UnitState, WatchdogReport['state']> = {
  stopped: 'stopping',
  starting: 'starting',
  running: 'running',
  backoff: 'backoff',
  stopping: 'stopping',
  exited: 'stopping',
  fatal: 'gave-up',
};

/** The unit's status in the state file's words (its format is unchanged since format 1). */
export function reportOf(status: UnitStatus, previous: WatchdogReport): Partial<WatchdogReport> {
  const run = status.run;
  const last = status.lastExit;
  return {
    state: status.state === 'starting' && run ? 'running' : REPORT_STATE[status.state],
    childPid: run?.pid ?? null,
    childStartTicks: run ? run.startTicks || (readProcStat(run.pid)?.startTicks ?? null) : null,
    childStartedAt: run ? new Date(run.startedAt).toISOString() : previous.childStartedAt,
    restarts: status.restarts,
    lastExit: last ? { code: last.code, signal: last.signal, at: new Date(last.at).toISOString(), afterMs: last.uptimeMs } : null,
    nextRestartAt: status.state === 'backoff' && status.timerAt !== null ? new Date(status.timerAt).toISOString() : null,
    reason: status.state === 'fatal' || status.state === 'exited' ? status.reason : null,
  };
}

async function waitForOwnRecord(paths: DaemonPaths, host: Host): Promise<WatchedRecord | null> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const pid = readPidfile(paths.pidfile);
    if (pid.kind === 'pid' && pid.pid === process.pid) {
      const state = readState(paths.statefile);
      if (state.kind === 'ok' && state.record.pid === process.pid && isWatched(state.record)) return state.record;
    }
    await sleep(5);
  }
  host.log(`the pidfile ${paths.pidfile} never named this watchdog; exiting`);
  return null;
}
