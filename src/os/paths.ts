import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { describeErrno } from '../common/errors';
import { namedPlaces, pathsFor, pidfileBase, type DaemonPaths, type NamedPlaces } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';

export type { DaemonPaths } from '../model/daemon-paths';

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

let places: NamedPlaces | null = null;

/** Where --name keeps this user's daemons (model/daemon-paths.ts namedPlaces says why there). */
export function namedDirectories(): NamedPlaces {
  if (places === null) {
    const uid = process.getuid?.() ?? 0;
    places = namedPlaces(uid, uid === 0 ? null : ownHome(uid));
  }
  return places;
}

/** The directory of --name's pidfiles, state files and (for supervisors) sockets. */
export function runtimeDirectory(): string {
  return namedDirectories().pidDir;
}

/** The directory of --name's default logs: /var/log/tdaemon for root. */
export function logDirectory(): string {
  return namedDirectories().logDir;
}

/** The home directory the password database gives UID (never $HOME), if it is a directory UID owns. */
function ownHome(uid: number): string | null {
  try {
    const home = os.userInfo().homedir;
    const stat = fs.statSync(home);
    return path.isAbsolute(home) && stat.isDirectory() && stat.uid === uid ? home : null;
  } catch {
    return null; // no entry (a container's arbitrary uid), or a home that is not there (/nonexistent)
  }
}

export { pathsFor };

export function resolvePaths(options: { pidfile?: string; name?: string }, create: boolean): DaemonPaths {
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
  const { pidDir, logDir } = namedDirectories();
  for (const dir of new Set([pidDir, logDir])) {
    if (create) createDirectory(dir);
    if (dir.startsWith('/tmp/')) checkOwnDirectory(dir);
  }
  return { ...pathsFor(path.join(pidDir, `${options.name}.pid`), options.name), defaultLog: path.join(logDir, `${options.name}.log`) };
}

function createDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: process.getuid?.() === 0 ? 0o755 : 0o700 });
  } catch (error) {
    throw new DaemonError(isPermission(error) ? 'PRIVILEGE' : 'IO', `cannot create ${dir}: ${describeErrno(error)}`, { cause: error });
  }
}

/**
 * /tmp/tdaemon-UID is in a directory everyone can write: another user could
 * have made it first, or put a link there, to feed us pidfiles. It must be a
 * directory of ours that no one else can write.
 */
function checkOwnDirectory(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return; // not there yet: nothing in it to trust
  }
  const uid = process.getuid?.();
  const problem = !stat.isDirectory() ? 'it is not a directory' : stat.uid !== uid ? `it belongs to uid ${stat.uid}` : (stat.mode & 0o022) !== 0 ? 'others can write it' : null;
  if (problem !== null) throw new DaemonError('PRIVILEGE', `refusing ${dir}: ${problem}`);
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
