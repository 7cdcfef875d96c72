import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { describeErrno } from '../common/errors';
import { pathsFor, pidfileBase, type DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';

export type { DaemonPaths } from '../model/daemon-paths';

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

export { pathsFor };

export function resolvePaths(options: { pidfile?: string; name?: string }, env: NodeJS.ProcessEnv, create: boolean): DaemonPaths {
  if (options.pidfile !== undefined && options.pidfile !== '') {
    const pidfile = path.resolve(options.pidfile);
    return pathsFor(pidfile, options.name ?? path.basename(pidfileBase(pidfile)));
  }
  if (options.name === undefined || options.name === '') {
    throw new DaemonError('USAGE', 'give --pidfile FILE or --name NAME to say which daemon');
  }
  if (!NAME_PATTERN.test(options.name)) {
    throw new DaemonError('USAGE', `invalid --name '${options.name}': ${nameProblem(options.name)}`);
  }
  const dir = runtimeDirectory(env);
  if (create) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: process.getuid?.() === 0 ? 0o755 : 0o700 });
    } catch (error) {
      throw new DaemonError(isPermission(error) ? 'PRIVILEGE' : 'IO', `cannot create ${dir}: ${describeErrno(error)}`, { cause: error });
    }
  }
  return pathsFor(path.join(dir, `${options.name}.pid`), options.name);
}

/** Why NAME is not a daemon name: its first character, or the first character it may not hold. */
export function nameProblem(name: string): string {
  const bad = [...name].find((c) => !/[A-Za-z0-9_.@-]/.test(c));
  if (bad !== undefined) return `it holds '${bad}'; use letters, digits and . _ @ - only`;
  return `it begins with '${name[0]}'; begin it with a letter, a digit or _`;
}

export function isPermission(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}
