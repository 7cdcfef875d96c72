// The supervisor-wide sections of a config, with supervisor 4's defaults.
import type { GroupSpec, SourceRef } from './program';

export interface SupervisordSettings {
  /** Absolute, or `syslog`. Default `supervisord.log` in the current directory. */
  logfile: string;
  logfileMaxbytes: number;
  logfileBackups: number;
  loglevel: 'critical' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'blather';
  pidfile: string;
  umask: number;
  nodaemon: boolean;
  silent: boolean;
  minfds: number;
  minprocs: number;
  nocleanup: boolean;
  childlogdir: string;
  user: string | null;
  directory: string | null;
  stripAnsi: boolean;
  environment: Record<string, string>;
  identifier: string;
  /** Defaults for the programs' tdaemon_wait_priority and tdaemon_fatal_exits. */
  tdaemonWaitPriority: boolean;
  tdaemonFatalExits: boolean;
  explicit: string[];
}

export interface Credentials {
  username: string | null;
  /** Plain, or `{SHA}` followed by the hex SHA-1 of the password. */
  password: string | null;
}

export interface UnixHttpServerSettings extends Credentials {
  file: string;
  chmod: number;
  /** null: leave the owner alone. gid -1: keep the group. */
  chown: { uid: number; gid: number } | null;
  source: SourceRef;
}

export interface InetHttpServerSettings extends Credentials {
  /** The part after `inet_http_server:`, null for the plain section. */
  name: string | null;
  /** '' for every interface (`*:port` or a bare port). */
  host: string;
  port: number;
  source: SourceRef;
}

export interface SupervisorctlSettings extends Credentials {
  serverurl: string;
  prompt: string;
  historyFile: string | null;
}

export interface RpcInterfaceSettings {
  name: string;
  factory: string;
  extras: Record<string, string>;
}

export interface SupervisorConfig {
  /** The main file, absolute. */
  file: string;
  /** Every file read, main first, includes in reading order. */
  files: string[];
  /** supervisord refuses a file without it; we run it with the defaults. */
  hasSupervisordSection: boolean;
  supervisord: SupervisordSettings;
  unixHttpServer: UnixHttpServerSettings | null;
  inetHttpServers: InetHttpServerSettings[];
  supervisorctl: SupervisorctlSettings | null;
  rpcInterfaces: RpcInterfaceSettings[];
  /** Sorted as supervisor sorts them: priority, then name. */
  groups: GroupSpec[];
}
