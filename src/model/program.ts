// The typed result of reading a supervisord-style config: one ProcessSpec per
// process (after numprocs expansion) and the groups that hold them. Pure
// data: this module imports nothing.

/** supervisor's autorestart: `true` restarts after any exit from RUNNING,
 * `unexpected` only after an exit status not listed in exitcodes. */
export type AutoRestart = 'true' | 'false' | 'unexpected';

/** `AUTO` (a file in childlogdir, named by the engine), `NONE` (no file), or
 * an absolute path whose directory existed when the config was read. */
export type LogTarget = 'AUTO' | 'NONE' | (string & {});

/** Who stop and kill signals reach: the program's whole family (its session
 * and what left it carrying its tag), or only the main process. */
export type SignalScope = 'family' | 'process';

export interface LogSpec {
  logfile: LogTarget;
  /** 0: no rotation. */
  maxbytes: number;
  backups: number;
  captureMaxbytes: number;
  eventsEnabled: boolean;
  syslog: boolean;
}

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * tdaemon's own keys. supervisord ignores keys it does not know, so a file
 * that sets them still runs under the real supervisord.
 *
 * | key                    | default | meaning                                                     |
 * |------------------------|---------|-------------------------------------------------------------|
 * | tdaemon_min_uptime     | 10      | seconds; a run after RUNNING shorter than this is "short"   |
 * | tdaemon_backoff_max    | 30      | seconds; each short run in a row doubles the wait, 0.1 s up to this |
 * | tdaemon_crash_limit    | 10      | FATAL after more than N deaths after RUNNING in the window; none: never |
 * | tdaemon_crash_window   | 60      | seconds over which those deaths are counted                 |
 * | tdaemon_wait_priority  | false   | start only when every program of a lower priority is RUNNING (also in [supervisord], as the default for all) |
 * | tdaemon_fatal_exits    | false   | end the supervisor when this program goes FATAL (also in [supervisord]) |
 *
 * The first four default to `tdaemon start --respawn`'s --min-uptime,
 * --backoff-max, --max-restarts and --restart-window.
 */
export interface TdaemonPolicy {
  minUptimeSecs: number;
  backoffMaxSecs: number;
  /** null: no limit. */
  crashLimit: number | null;
  crashWindowSecs: number;
  waitPriority: boolean;
  fatalExits: boolean;
}

export interface SourceRef {
  file: string;
  section: string;
  line: number;
}

export interface ProcessSpec {
  /** The process name (process_name expanded), e.g. `server_00`. */
  name: string;
  group: string;
  /** The text after `program:`. */
  program: string;
  /** `group:name`, or `name` alone when both are equal (supervisor's rule). */
  namespec: string;
  processNum: number;
  numprocs: number;
  /** The command after `%` expansion, and its words as shlex.split gives them. */
  command: string;
  argv: string[];
  directory: string | null;
  umask: number | null;
  priority: number;
  autostart: boolean;
  autorestart: AutoRestart;
  exitcodes: number[];
  startsecs: number;
  startretries: number;
  /** `SIGTERM` style, and its number on Linux. */
  stopsignal: string;
  stopsignalNumber: number;
  stopwaitsecs: number;
  /** As supervisor reads them (default false); see stopScope/killScope for ours. */
  stopasgroup: boolean;
  killasgroup: boolean;
  stopasgroupWritten: boolean;
  killasgroupWritten: boolean;
  /** Ours: the whole family unless stopasgroup=false is written. */
  stopScope: SignalScope;
  /** Ours: like stopScope, unless killasgroup=false is written. */
  killScope: SignalScope;
  user: RunAs | null;
  redirectStderr: boolean;
  stdout: LogSpec;
  /** logfile is NONE when redirect_stderr is set. */
  stderr: LogSpec;
  /** [supervisord] environment= overlaid by the program's environment=. */
  environment: Record<string, string>;
  /** null for AUTO (the supervisor's own URL). */
  serverurl: string | null;
  tdaemon: TdaemonPolicy;
  /** Keys written in the section (lower case), for "was it explicit?". */
  explicit: string[];
  source: SourceRef;
}

export interface GroupSpec {
  name: string;
  priority: number;
  /** `group` for a [group:x] section, `program` for a program's own group. */
  kind: 'group' | 'program';
  processes: ProcessSpec[];
  source: SourceRef;
}
