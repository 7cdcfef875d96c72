/**
 * An in-memory SupervisorBackend for the control face's tests: a table of
 * fake processes whose state moves on start/stop after a short delay (so
 * "wait" is exercised), fixed clocks so status lines can be compared with
 * supervisor's captures byte for byte, and a scripted reread/update.
 */
import fs = require('node:fs');
import type { ConfigInfo, LogChannel, SupervisorBackend } from '../../src/control/backend';
import { Faults, makeNamespec, RpcFault, settleEach, splitNamespec, type ConfigChanges, type ProcessFacts, type ProcessResult } from '../../src/control/protocol';
import { isRunningState, isSignallableState, ProcessStates, SupervisorStates } from '../../src/model/supervisor-states';

export interface FakeProgram {
  group: string;
  name: string;
  state: number;
  pid?: number;
  start?: number;
  stop?: number;
  spawnerr?: string;
  stdoutLogfile?: string;
  stderrLogfile?: string;
  autostart?: boolean;
  /** What startProcess does: run (default), fail with a spawn error, or a missing command. */
  onStart?: 'run' | 'spawn-error' | 'no-file';
}

const SIGNALS = new Set(['HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2', 'TERM', 'CONT', 'STOP', 'WINCH']);

export class FakeSupervisor implements SupervisorBackend {
  readonly processes = new Map<string, FakeProgram>();
  /** Program definitions by group, for addProcessGroup (the "config file"). */
  readonly config = new Map<string, FakeProgram[]>();
  pendingChanges: ConfigChanges = [[], [], []];
  statecode: number = SupervisorStates.RUNNING;
  /** The supervisor's own log, for readLog and /mainlogtail. */
  mainLog: string | null = null;
  readonly signals: Array<[string, string]> = [];
  private nextPid = 20000;

  constructor(
    programs: FakeProgram[],
    /** Epoch seconds for start/stop times the fake sets. */
    private readonly clock: () => number,
    /** How long STARTING and STOPPING last. */
    private readonly transitionMs = 30,
  ) {
    for (const program of programs) this.define(program);
  }

  define(program: FakeProgram): void {
    const copy = { ...program };
    this.processes.set(makeNamespec(copy.group, copy.name), copy);
    const list = this.config.get(copy.group) ?? [];
    if (!list.some((p) => p.name === copy.name)) list.push({ ...program });
    this.config.set(copy.group, list);
  }

  private find(namespec: string): FakeProgram {
    const [group, name] = splitNamespec(namespec);
    const program = name === null ? undefined : [...this.processes.values()].find((p) => p.group === group && p.name === name);
    if (!program) throw new RpcFault(Faults.BAD_NAME, namespec);
    return program;
  }

  private members(group: string): FakeProgram[] {
    const list = this.sorted().filter((p) => p.group === group);
    if (!list.length) throw new RpcFault(Faults.BAD_NAME, group);
    return list;
  }

  private sorted(): FakeProgram[] {
    return [...this.processes.values()].sort((a, b) => (a.group === b.group ? (a.name < b.name ? -1 : 1) : a.group < b.group ? -1 : 1));
  }

  getIdentification(): string {
    return 'supervisor';
  }
  getSupervisorVersion(): string {
    return '4.2.5-fake';
  }
  getState() {
    return { statecode: this.statecode, statename: this.statecode === 1 ? 'RUNNING' : 'SHUTDOWN' };
  }
  getPID(): number {
    return process.pid;
  }

  private facts(p: FakeProgram): ProcessFacts {
    return {
      name: p.name,
      group: p.group,
      start: p.start ?? 0,
      stop: p.stop ?? 0,
      state: p.state,
      spawnerr: p.spawnerr ?? '',
      exitstatus: 0,
      stdoutLogfile: p.stdoutLogfile ?? '',
      stderrLogfile: p.stderrLogfile ?? '',
      pid: p.pid ?? 0,
    };
  }
  getAllProcessInfo(): ProcessFacts[] {
    return this.sorted().map((p) => this.facts(p));
  }
  getProcessInfo(namespec: string): ProcessFacts {
    return this.facts(this.find(namespec));
  }
  getAllConfigInfo(): ConfigInfo[] {
    return this.sorted()
      .map((p) => configOf(p))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async startProcess(namespec: string, wait: boolean): Promise<true> {
    const p = this.find(namespec);
    if (p.onStart === 'no-file') throw new RpcFault(Faults.NO_FILE, `can't find command '/nonexistent/bin/thing'`);
    if (isRunningState(p.state)) throw new RpcFault(Faults.ALREADY_STARTED, namespec);
    if (p.onStart === 'spawn-error') {
      p.state = ProcessStates.FATAL;
      p.spawnerr = 'Exited too quickly (process log may have details)';
      throw new RpcFault(Faults.SPAWN_ERROR, namespec);
    }
    p.state = ProcessStates.STARTING;
    p.start = this.clock();
    p.pid = this.nextPid++;
    const running = new Promise<void>((resolve) =>
      setTimeout(() => {
        if (p.state === ProcessStates.STARTING) p.state = ProcessStates.RUNNING;
        resolve();
      }, this.transitionMs),
    );
    if (wait) {
      await running;
      if (p.state !== ProcessStates.RUNNING) throw new RpcFault(Faults.ABNORMAL_TERMINATION, namespec);
    }
    return true;
  }
  async startProcessGroup(group: string, wait: boolean): Promise<ProcessResult[]> {
    return settleEach(this.members(group).filter((p) => !isRunningState(p.state)), (ns) => this.startProcess(ns, wait));
  }
  async startAllProcesses(wait: boolean): Promise<ProcessResult[]> {
    return settleEach(this.sorted().filter((p) => !isRunningState(p.state)), (ns) => this.startProcess(ns, wait));
  }

  async stopProcess(namespec: string, wait: boolean): Promise<true> {
    const p = this.find(namespec);
    if (!isRunningState(p.state)) throw new RpcFault(Faults.NOT_RUNNING, namespec);
    p.state = ProcessStates.STOPPING;
    const stopped = new Promise<void>((resolve) =>
      setTimeout(() => {
        p.state = ProcessStates.STOPPED;
        p.stop = this.clock();
        p.pid = 0;
        resolve();
      }, this.transitionMs),
    );
    if (wait) await stopped;
    return true;
  }
  async stopProcessGroup(group: string, wait: boolean): Promise<ProcessResult[]> {
    return settleEach(this.members(group).filter((p) => isRunningState(p.state)), (ns) => this.stopProcess(ns, wait));
  }
  async stopAllProcesses(wait: boolean): Promise<ProcessResult[]> {
    return settleEach(this.sorted().filter((p) => isRunningState(p.state)), (ns) => this.stopProcess(ns, wait));
  }

  signalProcess(namespec: string, signal: string): true {
    const p = this.find(namespec);
    const name = signal.toUpperCase().replace(/^SIG/, '');
    if (!SIGNALS.has(name) && !/^\d+$/.test(signal)) throw new RpcFault(Faults.BAD_SIGNAL, signal);
    if (!isSignallableState(p.state)) throw new RpcFault(Faults.NOT_RUNNING, namespec);
    this.signals.push([namespec, signal]);
    return true;
  }
  async signalProcessGroup(group: string, signal: string): Promise<ProcessResult[]> {
    return settleEach(this.members(group).filter((p) => isSignallableState(p.state)), async (ns) => this.signalProcess(ns, signal));
  }
  async signalAllProcesses(signal: string): Promise<ProcessResult[]> {
    return settleEach(this.sorted().filter((p) => isSignallableState(p.state)), async (ns) => this.signalProcess(ns, signal));
  }

  logFile(namespec: string, channel: LogChannel): string | null {
    const p = this.find(namespec);
    return (channel === 'stdout' ? p.stdoutLogfile : p.stderrLogfile) || null;
  }
  clearProcessLogs(namespec: string): true {
    const p = this.find(namespec);
    for (const file of [p.stdoutLogfile, p.stderrLogfile]) if (file && fs.existsSync(file)) fs.truncateSync(file, 0);
    return true;
  }
  async clearAllProcessLogs(): Promise<ProcessResult[]> {
    return settleEach(this.sorted(), async (ns) => this.clearProcessLogs(ns));
  }

  reloadConfig(): ConfigChanges {
    return this.pendingChanges;
  }
  addProcessGroup(group: string): true {
    const [added, changed] = this.pendingChanges;
    if ([...this.processes.values()].some((p) => p.group === group)) throw new RpcFault(Faults.ALREADY_ADDED, group);
    const programs = this.config.get(group);
    if (!programs) throw new RpcFault(Faults.BAD_NAME, group);
    for (const program of programs) this.processes.set(makeNamespec(group, program.name), { ...program });
    this.pendingChanges = [added.filter((g) => g !== group), changed.filter((g) => g !== group), this.pendingChanges[2]];
    return true;
  }
  removeProcessGroup(group: string): true {
    const members = [...this.processes.entries()].filter(([, p]) => p.group === group);
    if (!members.length) throw new RpcFault(Faults.BAD_NAME, group);
    if (members.some(([, p]) => isRunningState(p.state))) throw new RpcFault(Faults.STILL_RUNNING, group);
    for (const [key] of members) this.processes.delete(key);
    const [added, changed, removed] = this.pendingChanges;
    if (removed.includes(group)) this.config.delete(group);
    this.pendingChanges = [added, changed, removed.filter((g) => g !== group)];
    return true;
  }

  mainLogFile(): string | null {
    return this.mainLog;
  }

  shutdown(): true {
    this.statecode = SupervisorStates.SHUTDOWN;
    return true;
  }
}

function configOf(p: FakeProgram): ConfigInfo {
  return {
    autostart: p.autostart ?? true,
    directory: 'none',
    uid: 'none',
    command: `/bin/fake ${p.name}`,
    exitcodes: [0],
    group: p.group,
    group_prio: 999,
    inuse: true,
    killasgroup: false,
    name: p.name,
    process_prio: 999,
    redirect_stderr: false,
    startretries: 3,
    startsecs: 1,
    stdout_capture_maxbytes: 0,
    stdout_events_enabled: false,
    stdout_logfile: p.stdoutLogfile || 'none',
    stdout_logfile_backups: 10,
    stdout_logfile_maxbytes: 52428800,
    stdout_syslog: false,
    stopsignal: 15,
    stopwaitsecs: 10,
    stderr_capture_maxbytes: 0,
    stderr_events_enabled: false,
    stderr_logfile: p.stderrLogfile || 'none',
    stderr_logfile_backups: 10,
    stderr_logfile_maxbytes: 52428800,
    stderr_syslog: false,
    serverurl: 'none',
  };
}
