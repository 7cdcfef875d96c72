import fs = require('node:fs');
import type { IncomingMessage, ServerResponse } from 'node:http';
import path = require('node:path');
import { removeIfHolds, unlinkIfPresent, writeFileAtomic } from '../../common/atomic-file';
import { readProcStat } from '../../common/proc';
import { diffGroups, diffProcesses, formatProblem, type GroupSpec, type ProcessSpec, type SupervisorConfig } from '../../config';
import { createFileLogReader } from '../../control/log-files';
import { Faults, RpcFault, type ConfigChanges } from '../../control/protocol';
import { startRpcServer, type RpcServer } from '../../control/rpc-server';
import { createWebFace, type WebFace } from '../../control/web';
import { DaemonError } from '../../model/errors';
import { makeFifos } from '../../os/fifo';
import { isSameProcess, stopFamily } from '../../os/family';
import { PipeHolder, retireHolders, type HolderId } from '../../os/pipe-holder';
import { PIDFILE_VARIABLE } from '../../os/tag';
import { isSettled } from '../../policy/machine';
import { Host } from '../../supervise/host';
import { createBackend } from './backend';
import { credentialsOf, planTcpListeners } from './listeners';
import { readConfig, supervisorFiles, type SupervisorFiles } from './load';
import { fifoPaths, openProcessLogs } from './logs';
import { SupervisedProcess } from './process';
import { runningSupervisor } from './running';
import { ProcessTable } from './table';

/**
 * The supervisor of `tdaemon -c FILE supervise`: a host with one unit of the
 * engine per process of the config file, and supervisor's XML-RPC on a unix
 * socket. It runs in the foreground; SIGTERM or SIGINT (or shutdown) stops
 * every program by its stop rules, then the supervisor, with status 0.
 */
export class Supervisor {
  readonly table = new ProcessTable();
  private readonly servers: RpcServer[] = [];
  private web: WebFace | null = null;
  private readonly watchers = new Set<() => void>();
  private stopping = false;
  private pending: SupervisorConfig | null = null;
  private readonly startedTicks = readProcStat(process.pid)?.startTicks ?? '0';
  private readonly holder: PipeHolder;
  /** Pipe holders an earlier supervisor left, ended once ours holds every pipe. */
  private retiring: HolderId[] = [];

  constructor(
    private config: SupervisorConfig,
    readonly files: SupervisorFiles,
    private readonly host: Host,
  ) {
    this.holder = new PipeHolder({ log: (line) => this.host.log(line), onChange: () => this.saveRuns() });
  }

  /**
   * Builds every process, adopts the runs an earlier supervisor of this
   * config left alive, serves the socket, then starts the autostart
   * programs in priority order (an adopted one already runs).
   */
  async run(): Promise<void> {
    this.makeFifosFor(this.config.groups.flatMap((g) => g.processes)); // one mkfifo for all
    for (const group of this.config.groups) this.addGroupProcesses(group);
    await this.adoptSurvivors();
    this.refreshHolder();
    retireHolders(this.retiring);
    this.retiring = [];
    this.saveRuns();
    const backend = createBackend({
      table: this.table,
      identifier: this.config.supervisord.identifier,
      shuttingDown: () => this.stopping,
      // Not in this turn of the loop: with nothing left to stop, the server would close
      // the connection before the reply to this very call went out ("socket hang up").
      shutdown: () => void setImmediate(() => void this.shutdown('shutdown requested')),
      reread: () => this.reread(),
      addGroup: (group) => this.addGroup(group),
      removeGroup: (group) => this.removeGroup(group),
      updateGroup: (group) => this.updateGroup(group),
      mainLogFile: () => this.files.logfile,
      watch: (listener) => (this.watchers.add(listener), () => this.watchers.delete(listener)),
    });
    const onError = (error: unknown): void => this.host.log(`control: ${(error as Error)?.message ?? String(error)}`);
    // Made at the first request for the page: its session secret and event hub cost an idle supervisor memory.
    const web = (): WebFace => (this.web ??= createWebFace({ backend, onError }));
    // One server per listener: the socket and each [inet_http_server] have their own credentials.
    const common = { backend, logs: createFileLogReader(), fallback: (req: IncomingMessage, res: ServerResponse) => web().handle(req, res), onError };
    const unix = this.config.unixHttpServer;
    this.servers.push(
      await startRpcServer({ ...common, socketPath: this.files.socket, chmod: unix?.chmod ?? 0o700, chown: unix?.chown ?? undefined, credentials: credentialsOf(unix) }),
    );
    this.host.log(`supervisor ${process.pid} serving ${this.files.socket} for ${this.config.file}`);
    for (const listener of planTcpListeners(this.config)) {
      const server = await startRpcServer({ ...common, tcp: { host: listener.host, port: listener.port }, credentials: listener.credentials });
      this.servers.push(server);
      this.host.log(`supervisor ${process.pid} serving http://${listener.host}:${server.tcpPort}/ (${listener.credentials ? 'with' : 'without'} a password)`);
    }
    await this.startAll(this.table.byPriority().filter((p) => p.spec.autostart));
  }

  /**
   * Starts PROCESSES in priority order. With tdaemon_wait_priority, a
   * priority waits until every program before it is RUNNING (or has failed).
   */
  private async startAll(processes: SupervisedProcess[]): Promise<void> {
    let previous: SupervisedProcess[] = [];
    for (const process of processes) {
      if (this.stopping) return;
      if (process.spec.tdaemon.waitPriority) {
        const earlier = previous.filter((p) => p.spec.priority < process.spec.priority);
        await Promise.all(earlier.map((p) => p.waitFor((s) => s.state === 'running' || isSettled(s))));
      }
      process.start();
      previous = [...previous, process];
    }
  }

  private addGroupProcesses(group: GroupSpec): SupervisedProcess[] {
    const settings = this.config.supervisord;
    this.makeFifosFor(group.processes);
    return group.processes.map((spec) => {
      const process = new SupervisedProcess({
        spec,
        env: this.environmentFor(spec),
        logs: openProcessLogs(spec, settings.childlogdir, settings.identifier, this.pipesDir, (message) => this.host.log(message)),
        // What carries the tag and started since this supervisor (or since an adopted run).
        tagFamily: (run) => ({ tag: { pidfile: this.tagOf(spec), sinceTicks: run ? String(Math.min(Number(run.startTicks), Number(this.startedTicks))) : this.startedTicks } }),
        log: (line) => this.host.log(line),
        onChange: (p) => this.afterChange(p),
        onRunChange: () => this.saveRuns(),
      });
      this.table.add(group.name, group.priority, process);
      return process;
    });
  }

  /** Where the FIFOs of the programs' output are (os/fifo.ts); they outlive a supervisor that is killed. */
  private get pipesDir(): string {
    return `${this.files.pidfile}.pipes`;
  }

  /** Creates the FIFOs SPECS need that are not there yet (one that is, an earlier supervisor's, is read again). */
  private makeFifosFor(specs: readonly ProcessSpec[]): void {
    const { childlogdir, identifier } = this.config.supervisord;
    const paths = specs.flatMap((spec) => Object.values(fifoPaths(spec, childlogdir, identifier, this.pipesDir))).filter((p) => p !== '');
    if (paths.length === 0) return;
    fs.mkdirSync(this.pipesDir, { recursive: true, mode: 0o700 });
    makeFifos(paths);
  }

  /** The pipe holder holds the FIFOs of the processes there are now. */
  private refreshHolder(): void {
    this.holder.hold(this.table.all().flatMap((p) => p.options.logs.fifos));
  }

  /** Where the supervisor records each program's run, so that a supervisor after it can adopt them. */
  private get runsFile(): string {
    return `${this.files.pidfile}.runs`;
  }

  private runsPending = false;
  private runsClosed = false;

  /**
   * Records every live run (pid, start time) at the end of this turn of the
   * loop: a supervisor that is SIGKILLed loses none of them, and a respawn
   * (a run ends, the next starts) or an up of 100 programs writes once,
   * after the spawns.
   */
  private saveRuns(): void {
    if (this.runsPending) return;
    this.runsPending = true;
    setImmediate(() => {
      this.runsPending = false;
      if (!this.runsClosed) this.writeRuns();
    });
  }

  private writeRuns(): void {
    const runs: Record<string, SavedRun> = {};
    for (const p of this.table.all()) {
      const run = p.status.run;
      if (run && run.startTicks) runs[p.spec.namespec] = { pid: run.pid, startTicks: run.startTicks, startedAt: run.startedAt };
    }
    const holders = [this.holder.current, ...this.retiring].filter((h): h is HolderId => h !== null);
    try {
      // Not fsynced: the file matters while the machine runs (a power loss ends every run it names).
      writeFileAtomic(this.runsFile, `${JSON.stringify({ format: 1, runs, holders })}\n`, 0o644, false);
    } catch (error) {
      this.host.log(`cannot write ${this.runsFile}: ${(error as Error).message}`);
    }
  }

  /**
   * The runs an earlier supervisor of this config recorded and that still
   * live: a program still in the config is adopted (never started twice); a
   * program no longer in it is stopped, whole family, by its old tag.
   */
  private async adoptSurvivors(): Promise<void> {
    const { runs: saved, holders } = readSavedRuns(this.runsFile);
    this.retiring = holders;
    const strays: Array<Promise<number[]>> = [];
    for (const [namespec, run] of Object.entries(saved)) {
      if (!isSameProcess(run.pid, run.startTicks)) continue;
      const process = this.table.find(namespec);
      if (process) {
        process.adopt(run);
        continue;
      }
      this.host.log(`stopping pid ${run.pid} of '${namespec}', which is no longer in ${this.config.file}`);
      const family = { session: { sid: run.pid, leaderStartTicks: run.startTicks }, tag: { pidfile: `${this.files.pidfile}:${namespec}`, sinceTicks: run.startTicks } };
      strays.push(stopFamily(family, 'SIGTERM', 10000));
    }
    await Promise.all(strays);
    this.saveRuns();
  }

  /** What leaves a program's session keeps this in its environment: a stop finds it by the tag. */
  private tagOf(spec: ProcessSpec): string {
    return `${this.files.pidfile}:${spec.namespec}`;
  }

  /**
   * The supervisor's environment, the config's (environment= of
   * [supervisord] and the program), supervisor's own variables, and the
   * tag. user= also sets HOME, USER and LOGNAME, as a login would.
   */
  private environmentFor(spec: ProcessSpec): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SUPERVISOR_ENABLED: '1',
      SUPERVISOR_SERVER_URL: this.files.serverUrl,
      SUPERVISOR_PROCESS_NAME: spec.name,
      SUPERVISOR_GROUP_NAME: spec.group,
      ...spec.environment,
      [PIDFILE_VARIABLE]: this.tagOf(spec),
    };
    if (spec.user) Object.assign(env, { HOME: spec.user.home, USER: spec.user.name, LOGNAME: spec.user.name });
    return env;
  }

  private afterChange(process: SupervisedProcess): void {
    for (const watcher of this.watchers) watcher();
    if (process.status.state === 'fatal' && process.spec.tdaemon.fatalExits && !this.stopping) {
      void this.shutdown(`${process.spec.namespec} is FATAL (tdaemon_fatal_exits)`);
    }
  }

  /** reread: the groups added, changed and removed in the file since it was loaded. */
  private reread(): ConfigChanges {
    let next: SupervisorConfig;
    try {
      next = readConfig(this.config.file).config;
    } catch (error) {
      throw new RpcFault(Faults.CANT_REREAD, (error as Error).message);
    }
    this.pending = next;
    const active = this.table.groupNames().map((name) => this.config.groups.find((g) => g.name === name)!).filter(Boolean);
    const diff = diffGroups(active, next.groups);
    return [diff.added.map((g) => g.name), diff.changed.map((g) => g.name), diff.removed.map((g) => g.name)];
  }

  private addGroup(name: string): void {
    const next = this.pending ?? this.config;
    const group = next.groups.find((g) => g.name === name);
    if (!group) throw new RpcFault(Faults.BAD_NAME, name);
    if (this.table.hasGroup(name)) throw new RpcFault(Faults.ALREADY_ADDED, name);
    this.config = { ...this.config, groups: [...this.config.groups.filter((g) => g.name !== name), group] };
    const added = this.addGroupProcesses(group);
    this.refreshHolder();
    void this.startAll(added.filter((p) => p.spec.autostart));
  }

  private removeGroup(name: string): void {
    const processes = this.table.inGroup(name);
    if (processes.some((p) => !isSettled(p.status))) throw new RpcFault(Faults.STILL_RUNNING, name);
    for (const p of processes) void p.dispose();
    this.table.removeGroup(name);
    this.config = { ...this.config, groups: this.config.groups.filter((g) => g.name !== name) };
    this.refreshHolder();
  }

  /**
   * tdaemon's update of a changed group: removed processes are stopped and
   * dropped, added ones created (and started if autostart), changed ones
   * stopped and started again with their new spec; the others are not
   * touched (supervisorctl's update restarts the whole group).
   */
  private async updateGroup(name: string): Promise<void> {
    const next = (this.pending ?? this.config).groups.find((g) => g.name === name);
    const active = this.config.groups.find((g) => g.name === name);
    if (!next || !active) throw new RpcFault(Faults.BAD_NAME, name);
    const diff = diffProcesses([active], [next]);
    const gone = [...diff.removed, ...diff.changed.map((c) => c.before)].map((spec) => this.table.one(spec.namespec));
    for (const p of gone) p.stop();
    await Promise.all(gone.map((p) => p.whenDown()));
    for (const p of gone) {
      void p.dispose();
      this.table.removeProcess(name, p.spec.name);
    }
    this.config = { ...this.config, groups: this.config.groups.map((g) => (g.name === name ? next : g)) };
    const fresh = [...diff.added, ...diff.changed.map((c) => c.after)];
    const created = this.addGroupProcesses({ ...next, processes: fresh });
    this.refreshHolder();
    await this.startAll(created.filter((p) => p.spec.autostart));
  }

  /** Stops every program (highest priority number first), then the server, and exits 0. */
  async shutdown(why: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.host.log(`${why}: stopping every program`);
    const order = [...new Set(this.table.byPriority().map((p) => p.spec.priority))].sort((a, b) => b - a);
    for (const priority of order) {
      const batch = this.table.all().filter((p) => p.spec.priority === priority);
      for (const p of batch) p.stop();
      await Promise.all(batch.map((p) => p.whenDown()));
    }
    await Promise.all(this.table.all().map((p) => p.dispose()));
    this.holder.dispose();
    fs.rmSync(this.pipesDir, { recursive: true, force: true });
    this.web?.close();
    await Promise.all(this.servers.map((server) => server.close()));
    unlinkIfPresent(this.files.socket);
    this.runsClosed = true;
    unlinkIfPresent(this.runsFile);
    unlinkIfPresent(this.files.registry);
    removeIfHolds(this.files.pidfile, `${process.pid}\n`);
    await this.host.exit(0);
  }
}

/**
 * `tdaemon -c FILE supervise`: reads the config (a bad one is one line and
 * exit 2, before anything starts), refuses to run twice, writes the
 * pidfile, and runs the supervisor until it is stopped.
 */
export async function runSupervisor(configFile: string, warn: (line: string) => void): Promise<number> {
  const { config, warnings } = readConfig(configFile);
  const files = supervisorFiles(config);
  planTcpListeners(config); // an open port without a password is refused before anything starts
  const running = runningSupervisor(files);
  if (running !== null) throw new DaemonError('FAILED', `a supervisor already runs for ${config.file} (pid ${running})`);
  for (const file of [files.socket, files.pidfile, files.logfile]) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const logFd = fs.openSync(files.logfile, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  const host = new Host(logFd, `tdaemon-supervisor[${process.pid}]`);
  for (const warning of warnings) host.log(`config: ${formatProblem(warning)}`);
  if (process.pid === 1) warn('running as PID 1: Node cannot reap orphans it did not start; put an init in front (docker run --init, tini)');
  unlinkIfPresent(files.socket); // no supervisor runs (checked above): a stale socket
  writeFileAtomic(files.pidfile, `${process.pid}\n`, 0o644);
  try {
    fs.mkdirSync(path.dirname(files.registry), { recursive: true, mode: 0o755 });
    writeFileAtomic(files.registry, `${JSON.stringify({ config: config.file, pid: process.pid })}\n`, 0o644);
  } catch (error) {
    host.log(`cannot write ${files.registry} (tdaemon list will not show this supervisor): ${(error as Error).message}`);
  }
  const supervisor = new Supervisor(config, files, host);
  host.handleSignals({ stop: (signal) => void supervisor.shutdown(signal) });
  host.logExit('supervisor');
  await supervisor.run();
  return new Promise<number>(() => {}); // ends through host.exit
}

interface SavedRun {
  pid: number;
  startTicks: string;
  startedAt: number;
}

/** The runs file, strictly: anything not well-formed is ignored (nothing is adopted, and no holder ended, on a guess). */
function readSavedRuns(file: string): { runs: Record<string, SavedRun>; holders: HolderId[] } {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { runs: {}, holders: [] };
  }
  const runs = (value as { format?: unknown; runs?: unknown })?.runs;
  if ((value as { format?: unknown })?.format !== 1 || typeof runs !== 'object' || runs === null) return { runs: {}, holders: [] };
  const good: Record<string, SavedRun> = {};
  for (const [name, run] of Object.entries(runs as Record<string, Partial<SavedRun>>)) {
    if (Number.isInteger(run?.pid) && (run.pid as number) > 0 && typeof run.startTicks === 'string' && /^\d+$/.test(run.startTicks) && typeof run.startedAt === 'number') {
      good[name] = run as SavedRun;
    }
  }
  const listed = (value as { holders?: unknown }).holders;
  const holders = (Array.isArray(listed) ? (listed as Array<Partial<HolderId>>) : []).filter(
    (h): h is HolderId => Number.isInteger(h?.pid) && (h.pid as number) > 0 && typeof h.startTicks === 'string' && /^\d+$/.test(h.startTicks),
  );
  return { runs: good, holders };
}

