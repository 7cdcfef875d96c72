import { sha256Hex } from '../../common/sha256';
import path = require('node:path');
import { ConfigError, loadConfig, POLICY_DEFAULTS, type LoadedConfig, type SupervisorConfig } from '../../config';
import { DaemonError } from '../../model/errors';
import { logDirectory, runtimeDirectory } from '../../os/paths';
import { lookupGroup, lookupUser } from '../../os/users';
import { DEFAULTS } from '../../policy/defaults';
import { nodeConfigDeps } from '../config-deps';

/** Reads a config file as the supervisor runs it; a bad file is one DaemonError naming file, line, key and value. */
export function readConfig(file: string, options: { programs?: boolean } = {}): LoadedConfig {
  const deps = nodeConfigDeps({
    lookupUser: (name) => {
      try {
        return lookupUser(name);
      } catch {
        return undefined;
      }
    },
    lookupGroup: (name) => {
      try {
        return { name, gid: lookupGroup(name) };
      } catch {
        return undefined;
      }
    },
  });
  const r = DEFAULTS.respawn;
  const policyDefaults = {
    ...POLICY_DEFAULTS,
    minUptimeSecs: r.minUptimeMs / 1000,
    backoffMaxSecs: r.backoffMaxMs / 1000,
    crashLimit: r.maxRestarts,
    crashWindowSecs: r.restartWindowMs / 1000,
  };
  try {
    return loadConfig(file, deps, { policyDefaults, programs: options.programs });
  } catch (error) {
    if (error instanceof ConfigError) {
      const code = error.exitCode === 6 ? 'NOT_CONFIGURED' : error.exitCode === 4 ? 'PRIVILEGE' : 'CONFIG';
      throw new DaemonError(code, error.message, { cause: error });
    }
    throw error;
  }
}

/** Where a supervisor of this config keeps its socket, pidfile and log. */
export interface SupervisorFiles {
  socket: string;
  pidfile: string;
  logfile: string;
  /** What tdaemon's own verbs connect to: [supervisorctl] serverurl (unix:// or http://), else the socket. */
  serverUrl: string;
  /** In the runtime directory, while the supervisor runs: its config and pid, for `tdaemon list`. */
  registry: string;
}

/**
 * The config's own paths where it gives them; for a file without them (a
 * bare [program:x] file) a place in tdaemon's runtime directory named after
 * the config's path, so two configs never share a socket.
 */
export function supervisorFiles(config: SupervisorConfig): SupervisorFiles {
  // Named only when needed: a config that names its files spares a client verb the hash.
  let id: string | null = null;
  const name = (): string => (id ??= `supervisor-${sha256Hex(config.file).slice(0, 12)}`);
  const base = (): string => path.join(runtimeDirectory(), name());
  const socket = config.unixHttpServer?.file ?? `${base()}.sock`;
  const settings = config.supervisord;
  const pidfile = config.hasSupervisordSection && settings.explicit.includes('pidfile') ? settings.pidfile : `${base()}.pid`;
  const logfile = config.hasSupervisordSection && settings.explicit.includes('logfile') ? settings.logfile : path.join(logDirectory(), `${name()}.log`);
  // As supervisorctl reads it: unix:// or http:// from [supervisorctl] serverurl. Without one (or with
  // supervisorctl's default http://localhost:9001 and no [inet_http_server] to answer it) the socket.
  const configured = config.supervisorctl?.serverurl ?? '';
  const useHttp = configured.startsWith('http://') && (configured !== 'http://localhost:9001' || config.inetHttpServers.length > 0);
  const serverUrl = configured.startsWith('unix://') || useHttp ? configured : `unix://${socket}`;
  return {
    socket,
    pidfile,
    logfile,
    serverUrl,
    get registry() {
      return `${base()}.json`;
    },
  };
}
