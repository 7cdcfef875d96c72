import type { ConfigInfo, LogChannel, SupervisorBackend } from '../../control/backend';
import { Faults, RpcFault, settleEach, type ConfigChanges, type ProcessFacts, type ProcessResult } from '../../control/protocol';
import { parseSignal } from '../../common/signals';
import { trySignal } from '../../os/family';
import { VERSION } from '../../common/version';
import type { UnitStatus } from '../../policy/machine';
import type { SupervisedProcess } from './process';
import type { ProcessTable } from './table';

/** What the backend asks of the supervisor that owns it. */
export interface SupervisorControl {
  table: ProcessTable;
  identifier: string;
  /** RUNNING while it serves, SHUTDOWN once a shutdown began. */
  shuttingDown(): boolean;
  shutdown(): void;
  /** Re-reads the config: the groups added, changed and removed since it was loaded. */
  reread(): ConfigChanges;
  addGroup(group: string): void;
  removeGroup(group: string): void;
  /** Applies a changed group's re-read config process by process. */
  updateGroup(group: string): Promise<void>;
  mainLogFile(): string | null;
  /** Calls LISTENER after any process changes; returns the unsubscribe. */
  watch?(listener: () => void): () => void;
}

const RUNNING_STATES = new Set(['starting', 'running', 'backoff']);
const STOPPED_STATES = new Set(['stopped', 'exited', 'fatal']);

/**
 * supervisor's XML-RPC methods over the engine's units. A request only
 * changes what a process wants; waiting ("start waits for RUNNING") is a
 * promise that settles when its state gets there, as supervisor's onwait does.
 */
export function createBackend(control: SupervisorControl): SupervisorBackend {
  const { table } = control;

  async function startProcess(namespec: string, wait: boolean): Promise<true> {
    const process = table.one(namespec);
    if (RUNNING_STATES.has(process.status.state)) throw new RpcFault(Faults.ALREADY_STARTED, namespec);
    const problem = process.commandProblem();
    if (problem !== null) throw new RpcFault(problem.startsWith("can't find") ? Faults.NO_FILE : Faults.NOT_EXECUTABLE, problem);
    process.start();
    if (!wait) return true;
    await process.waitFor(
      (s) => s.state === 'running',
      (s) => startFailure(process, s, namespec),
    );
    return true;
  }

  async function stopProcess(namespec: string, wait: boolean): Promise<true> {
    const process = table.one(namespec);
    if (!RUNNING_STATES.has(process.status.state)) throw new RpcFault(Faults.NOT_RUNNING, namespec);
    process.stop();
    if (wait) await process.waitFor((s) => STOPPED_STATES.has(s.state));
    return true;
  }

  function signalProcess(namespec: string, signal: string): true {
    const process = table.one(namespec);
    const parsed = parseSignal(signal);
    if (parsed === null) throw new RpcFault(Faults.BAD_SIGNAL, signal);
    const run = process.status.run;
    if (!RUNNING_STATES.has(process.status.state) || run === null) throw new RpcFault(Faults.NOT_RUNNING, namespec);
    if (!trySignal(run.pid, parsed)) throw new RpcFault(Faults.FAILED, `${namespec}: cannot signal pid ${run.pid}`);
    return true;
  }

  const targets = (processes: SupervisedProcess[]) => processes.map((p) => ({ group: p.spec.group, name: p.spec.name }));
  const notIn = (states: Set<string>) => (p: SupervisedProcess) => !states.has(p.status.state);

  return {
    watch: control.watch,
    getIdentification: () => control.identifier,
    getSupervisorVersion: () => `tdaemon ${VERSION}`,
    getState: () => (control.shuttingDown() ? { statecode: -1, statename: 'SHUTDOWN' } : { statecode: 1, statename: 'RUNNING' }),
    getPID: () => process.pid,
    getAllProcessInfo: () => table.all().map(factsOf),
    getProcessInfo: (namespec) => factsOf(table.one(namespec)),
    getAllConfigInfo: () => table.all().map(configInfoOf),

    startProcess,
    startProcessGroup: (group, wait) => settleEach(targets(table.inGroup(group).filter(notIn(RUNNING_STATES))), (n) => startProcess(n, wait)),
    startAllProcesses: (wait) => settleEach(targets(table.byPriority().filter(notIn(RUNNING_STATES))), (n) => startProcess(n, wait)),
    stopProcess,
    stopProcessGroup: (group, wait) => settleEach(targets(table.inGroup(group).filter((p) => RUNNING_STATES.has(p.status.state))), (n) => stopProcess(n, wait)),
    stopAllProcesses: (wait) => settleEach(targets(table.all().filter((p) => RUNNING_STATES.has(p.status.state))), (n) => stopProcess(n, wait)),
    signalProcess,
    signalProcessGroup: (group, signal) => signalEach(table.inGroup(group), signal, signalProcess),
    signalAllProcesses: (signal) => signalEach(table.all(), signal, signalProcess),

    logFile: (namespec: string, channel: LogChannel) => {
      const logs = table.one(namespec).options.logs;
      const file = channel === 'stdout' ? logs.stdoutPath : logs.stderrPath;
      return file === '' ? null : file;
    },
    clearProcessLogs: (namespec) => {
      try {
        table.one(namespec).options.logs.clear();
      } catch (error) {
        if (error instanceof RpcFault) throw error;
        throw new RpcFault(Faults.FAILED, namespec);
      }
      return true;
    },
    clearAllProcessLogs: () =>
      table.all().map((p) => {
        try {
          p.options.logs.clear();
          return { name: p.spec.name, group: p.spec.group, status: Faults.SUCCESS, description: 'OK' };
        } catch {
          return { name: p.spec.name, group: p.spec.group, status: Faults.FAILED, description: 'FAILED' };
        }
      }),

    reloadConfig: () => control.reread(),
    addProcessGroup: (group) => {
      control.addGroup(group);
      return true;
    },
    removeProcessGroup: (group) => {
      control.removeGroup(group);
      return true;
    },
    shutdown: () => {
      control.shutdown();
      return true;
    },
    updateProcessGroup: async (group) => {
      await control.updateGroup(group);
      return true;
    },
    mainLogFile: () => control.mainLogFile(),
  };
}

/** supervisor's onwait for start: a spawn error, or a run that ended before RUNNING, fails the wait. */
function startFailure(process: SupervisedProcess, status: UnitStatus, namespec: string): RpcFault | null {
  if (status.state === 'running') return null;
  if ((status.state === 'backoff' || status.state === 'fatal') && process.times.spawnerr) return new RpcFault(Faults.SPAWN_ERROR, namespec);
  if (status.state === 'backoff' || status.state === 'fatal' || status.state === 'exited' || status.state === 'stopped') {
    return new RpcFault(Faults.ABNORMAL_TERMINATION, namespec);
  }
  return null;
}

function signalEach(processes: SupervisedProcess[], signal: string, send: (namespec: string, signal: string) => true): ProcessResult[] {
  if (parseSignal(signal) === null) throw new RpcFault(Faults.BAD_SIGNAL, signal);
  return processes.map((p) => {
    try {
      send(p.spec.namespec, signal);
      return { name: p.spec.name, group: p.spec.group, status: Faults.SUCCESS, description: 'OK' };
    } catch (error) {
      const fault = error as RpcFault;
      return { name: p.spec.name, group: p.spec.group, status: fault.code, description: fault.text };
    }
  });
}

export function factsOf(p: SupervisedProcess): ProcessFacts {
  const { status } = p;
  return {
    name: p.spec.name,
    group: p.spec.group,
    start: p.times.start,
    stop: p.times.stop,
    state: p.stateCode,
    spawnerr: p.times.spawnerr,
    exitstatus: p.times.exitstatus,
    stdoutLogfile: p.options.logs.stdoutPath,
    stderrLogfile: p.options.logs.stderrPath,
    pid: status.run && status.state !== 'stopping' ? status.run.pid : status.run?.pid ?? 0,
    restarts: status.restarts,
  };
}

function configInfoOf(p: SupervisedProcess): ConfigInfo {
  const s = p.spec;
  return {
    autostart: s.autostart,
    directory: s.directory ?? '',
    uid: s.user?.uid ?? '',
    command: s.command,
    exitcodes: s.exitcodes,
    group: s.group,
    group_prio: s.priority,
    inuse: true,
    killasgroup: s.killasgroup,
    name: s.name,
    process_prio: s.priority,
    redirect_stderr: s.redirectStderr,
    startretries: s.startretries,
    startsecs: s.startsecs,
    stdout_capture_maxbytes: s.stdout.captureMaxbytes,
    stdout_events_enabled: s.stdout.eventsEnabled,
    stdout_logfile: p.options.logs.stdoutPath,
    stdout_logfile_backups: s.stdout.backups,
    stdout_logfile_maxbytes: s.stdout.maxbytes,
    stdout_syslog: s.stdout.syslog,
    stopsignal: s.stopsignalNumber,
    stopwaitsecs: s.stopwaitsecs,
    stderr_capture_maxbytes: s.stderr.captureMaxbytes,
    stderr_events_enabled: s.stderr.eventsEnabled,
    stderr_logfile: p.options.logs.stderrPath,
    stderr_logfile_backups: s.stderr.backups,
    stderr_logfile_maxbytes: s.stderr.maxbytes,
    stderr_syslog: s.stderr.syslog,
    serverurl: s.serverurl ?? 'AUTO',
  };
}
