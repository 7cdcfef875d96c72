/**
 * What the control face needs from a supervisor engine. Methods are named
 * after supervisor's XML-RPC methods and keep their meaning; they return
 * values (or promises) and throw RpcFault with supervisor's codes. Waiting
 * ("start waits for RUNNING, stop for a stopped state") is the engine's job:
 * its promise settles when the process gets there.
 *
 * The control layer itself handles: namespecs of the form `group:*` on the
 * single-process methods (it calls the group method), SHUTDOWN_STATE while
 * getState() is below RUNNING, the process struct's statename, description
 * and `now`, reading and tailing log files by the path logFile() returns,
 * and everything of HTTP and XML-RPC.
 */
import type { ConfigChanges, ProcessFacts, ProcessResult, SupervisorStateInfo } from './protocol';

export type LogChannel = 'stdout' | 'stderr';

/** One program's configuration as `getAllConfigInfo` lists it (4.2.5's keys, in its order). */
export interface ConfigInfo {
  autostart: boolean;
  directory: string;
  uid: string | number;
  command: string;
  exitcodes: number[];
  group: string;
  group_prio: number;
  inuse: boolean;
  killasgroup: boolean;
  name: string;
  process_prio: number;
  redirect_stderr: boolean;
  startretries: number;
  startsecs: number;
  stdout_capture_maxbytes: number;
  stdout_events_enabled: boolean;
  stdout_logfile: string;
  stdout_logfile_backups: number;
  stdout_logfile_maxbytes: number;
  stdout_syslog: boolean;
  stopsignal: number;
  stopwaitsecs: number;
  stderr_capture_maxbytes: number;
  stderr_events_enabled: boolean;
  stderr_logfile: string;
  stderr_logfile_backups: number;
  stderr_logfile_maxbytes: number;
  stderr_syslog: boolean;
  serverurl: string;
}

type Maybe<T> = T | Promise<T>;

export interface SupervisorBackend {
  /** `[supervisord] identifier`, "supervisor" by default. */
  getIdentification(): Maybe<string>;
  /** The version string `supervisorctl version` prints. */
  getSupervisorVersion(): Maybe<string>;
  /** statecode RUNNING (1) normally; below it (RESTARTING 0, SHUTDOWN -1) every supervisor.* call gets SHUTDOWN_STATE. */
  getState(): Maybe<SupervisorStateInfo>;
  getPID(): Maybe<number>;

  /** Every process, sorted by group name then process name (supervisor's lexical order). */
  getAllProcessInfo(): Maybe<ProcessFacts[]>;
  /** One process by `name` or `group:name`; BAD_NAME if unknown. */
  getProcessInfo(namespec: string): Maybe<ProcessFacts>;
  /** Every configured program, sorted by process name. */
  getAllConfigInfo(): Maybe<ConfigInfo[]>;

  /** Faults: BAD_NAME, NO_FILE, NOT_EXECUTABLE, ALREADY_STARTED, FAILED, SPAWN_ERROR, ABNORMAL_TERMINATION. */
  startProcess(namespec: string, wait: boolean): Promise<true>;
  /** BAD_NAME for an unknown group; otherwise one result per process that was not running (see settleEach). */
  startProcessGroup(group: string, wait: boolean): Promise<ProcessResult[]>;
  startAllProcesses(wait: boolean): Promise<ProcessResult[]>;
  /** Faults: BAD_NAME, NOT_RUNNING, FAILED. */
  stopProcess(namespec: string, wait: boolean): Promise<true>;
  stopProcessGroup(group: string, wait: boolean): Promise<ProcessResult[]>;
  stopAllProcesses(wait: boolean): Promise<ProcessResult[]>;
  /** SIGNAL is a name (`HUP`, `SIGHUP`) or a number, as text. Faults: BAD_NAME, BAD_SIGNAL, NOT_RUNNING, FAILED. */
  signalProcess(namespec: string, signal: string): Maybe<true>;
  signalProcessGroup(group: string, signal: string): Maybe<ProcessResult[]>;
  signalAllProcesses(signal: string): Maybe<ProcessResult[]>;

  /**
   * The log file of a KNOWN process's channel, or null when it has none
   * (redirected, NONE); BAD_NAME for an unknown name. The only way a path
   * reaches the file system: `/logtail` and the read methods use it.
   */
  logFile(namespec: string, channel: LogChannel): Maybe<string | null>;
  /** Truncates both logs of a process (the writer must keep appending at the new end). Faults: BAD_NAME, FAILED. */
  clearProcessLogs(namespec: string): Maybe<true>;
  clearAllProcessLogs(): Maybe<ProcessResult[]>;

  /** Re-reads the configuration and reports group names; CANT_REREAD with the reason when it does not parse. */
  reloadConfig(): Maybe<ConfigChanges>;
  /** Faults: BAD_NAME (not in the re-read config), ALREADY_ADDED. */
  addProcessGroup(group: string): Maybe<true>;
  /** Faults: BAD_NAME, STILL_RUNNING. */
  removeProcessGroup(group: string): Maybe<true>;

  /** Begins the shutdown and returns at once (supervisor answers before it stops anything). */
  shutdown(): Maybe<true>;

  // Optional: without them the method is UNKNOWN_METHOD and not listed.
  /** supervisord's own log file, for readLog and /mainlogtail. */
  mainLogFile?(): Maybe<string | null>;
  clearLog?(): Maybe<true>;
  restart?(): Maybe<true>;
  sendProcessStdin?(namespec: string, chars: string): Maybe<true>;
  /** tdaemon's update of a changed group: stops removed processes, starts added ones, restarts changed ones, touches nothing else. */
  updateProcessGroup?(group: string): Promise<true>;
  /** Calls LISTENER after any process changes state (the web page pushes then); returns the unsubscribe. */
  watch?(listener: () => void): () => void;
}
