import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { CliError, describeErrno } from '../common/errors';
import { EXIT } from './exit-codes';

/** Where one daemon's files live. */
export interface DaemonPaths {
  /** What messages call the daemon: --name, or the pidfile's base name. */
  name: string;
  pidfile: string;
  /** Beside the pidfile: what restart and status need beyond the pid. */
  statefile: string;
  /** proper-lockfile's lock directory for the pidfile. */
  lockfile: string;
  /** A start in progress claims the pidfile here (see start.ts). */
  claimfile: string;
  /** stop leaves its stop signal and timeout here for a watchdog. */
  stopfile: string;
  /** The default log: the pidfile's path with .log in place of .pid. */
  defaultLog: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

/**
 * The per-user directory --name uses: /run/tdaemon for root, else
 * $XDG_RUNTIME_DIR/tdaemon (cleared at boot, like /run), else
 * ~/.local/state/tdaemon.
 */
export function runtimeDirectory(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return '/run/tdaemon';
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'tdaemon');
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'tdaemon');
}

export function resolvePaths(options: { pidfile?: string; name?: string }, env: NodeJS.ProcessEnv, create: boolean): DaemonPaths {
  if (options.pidfile !== undefined && options.pidfile !== '') {
    const pidfile = path.resolve(options.pidfile);
    return pathsFor(pidfile, options.name ?? path.basename(baseOf(pidfile)));
  }
  if (options.name === undefined || options.name === '') {
    throw new CliError('give --pidfile FILE or --name NAME to say which daemon', EXIT.USAGE);
  }
  if (!NAME_PATTERN.test(options.name)) {
    throw new CliError(`invalid --name '${options.name}': use letters, digits and . _ @ - only`, EXIT.USAGE);
  }
  const dir = runtimeDirectory(env);
  if (create) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: process.getuid?.() === 0 ? 0o755 : 0o700 });
    } catch (error) {
      throw new CliError(`cannot create ${dir}: ${describeErrno(error)}`, isPermission(error) ? EXIT.PRIVILEGE : EXIT.FAILURE);
    }
  }
  return pathsFor(path.join(dir, `${options.name}.pid`), options.name);
}

/** Every file of the daemon whose absolute pidfile is PIDFILE. */
export function pathsFor(pidfile: string, name: string): DaemonPaths {
  const base = baseOf(pidfile);
  return {
    name,
    pidfile,
    statefile: `${base}.state`,
    lockfile: `${pidfile}.lock`,
    claimfile: `${pidfile}.starting`,
    stopfile: `${pidfile}.stop`,
    defaultLog: `${base}.log`,
  };
}

/** The pidfile's path without a final .pid: state and log are named after it. */
function baseOf(pidfile: string): string {
  return pidfile.endsWith('.pid') ? pidfile.slice(0, -4) : pidfile;
}

export function isPermission(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}
