import fs = require('node:fs');
import path = require('node:path');

/**
 * A cgroup of its own for each plain daemon, where the machine lets us make
 * one: the identity that survives what servers do to put themselves in the
 * background. nginx and redis call setsid (a new session) and rewrite their
 * environment area for their process title (the TDAEMON_PIDFILE tag is
 * overwritten in /proc/PID/environ), but a process cannot leave its cgroup
 * without write access to cgroup.procs files only root has.
 *
 * Only the cgroup2 hierarchy is used (mounted at /sys/fs/cgroup on a unified
 * machine, at /sys/fs/cgroup/unified on a hybrid one): a group there needs no
 * controller, so making one changes nothing else of the daemon. Making it
 * needs root (or a delegated subtree); elsewhere daemons run without one, and
 * the session and the tag are all there is.
 */

/** The directory under the cgroup2 mount that holds every daemon's group. */
const PARENT = 'tdaemon';

/**
 * Where cgroup2 is mounted, from MOUNTINFO (this machine's
 * /proc/self/mountinfo when not given); null when it is not.
 */
export function cgroup2Mount(mountinfo?: string | null): string | null {
  if (mountinfo === undefined) return machineMount();
  for (const line of (mountinfo ?? '').split('\n')) {
    const [before, after] = line.split(' - ');
    if (after?.split(' ')[0] !== 'cgroup2') continue;
    const mountPoint = before.split(' ')[4];
    if (mountPoint) return mountPoint.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  }
  return null;
}

let knownMount: string | null | undefined;

/** This machine's cgroup2 mount, read once per process: a start asks for it four times. */
function machineMount(): string | null {
  if (knownMount === undefined) knownMount = cgroup2Mount(readQuietly('/proc/self/mountinfo'));
  return knownMount;
}

/**
 * The group of the daemon whose pidfile is PIDFILE: derived from the
 * pidfile's path alone, never read from a record (a record naming the root
 * group would make stop signal the whole machine). Null without cgroup2.
 */
export function daemonCgroup(pidfile: string, mount = cgroup2Mount()): string | null {
  if (mount === null) return null;
  const base = path.basename(pidfile).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return path.join(mount, PARENT, `${base}-${pathHash(pidfile)}`);
}

/** 64 bits of FNV-1a over the path (two 32-bit rounds with different seeds). */
export function pathHash(text: string): string {
  const round = (seed: number): string => {
    let hash = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, '0');
  };
  return round(0x811c9dc5) + round(0x050c5d1f);
}

/** The pids in the group DIR (none when it does not exist). */
export function cgroupPids(dir: string): number[] {
  const text = readQuietly(path.join(dir, 'cgroup.procs'));
  if (text === null) return [];
  return text.split('\n').filter(Boolean).map(Number);
}

/**
 * Runs SPAWN with this process inside the group DIR, made if need be, and
 * moves back: the child forks inside, so it and everything it forks is in
 * the group from its first instruction (a move after the spawn would race
 * with a server that forks at once). Moving ourselves rather than the
 * child also works for a child that runs as another user. Returns whether
 * the group is in use; when it cannot be made or joined (not root, no
 * cgroup2, a read-only mount), SPAWN runs where we are.
 */
export function spawnInCgroup<T>(dir: string | null, spawn: () => T): { result: T; joined: boolean } {
  const own = ownCgroup();
  if (dir === null || own === null) return { result: spawn(), joined: false };
  sweepEmptyCgroups(path.dirname(dir));
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), `${process.pid}\n`);
  } catch {
    return { result: spawn(), joined: false };
  }
  try {
    return { result: spawn(), joined: true };
  } finally {
    try {
      fs.writeFileSync(path.join(own, 'cgroup.procs'), `${process.pid}\n`);
    } catch {
      // Left in the daemon's group: this process is spared by every stop,
      // and ends soon.
    }
  }
}

/**
 * Makes the group DIR for a child that joins it itself (joiningShellArgv):
 * its cgroup.procs file, or null where no group can be made (not root, no
 * cgroup2, a read-only mount). Cheaper than spawnInCgroup: moving this
 * process, with its threads, in and out took 15 ms of a 110 ms start;
 * a one-threaded shell moving itself costs under 1 ms.
 */
export function prepareCgroup(dir: string | null): string | null {
  if (dir === null || ownCgroup() === null) return null;
  sweepEmptyCgroups(path.dirname(dir));
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.accessSync(path.join(dir, 'cgroup.procs'), fs.constants.W_OK);
    return path.join(dir, 'cgroup.procs');
  } catch {
    return null;
  }
}

/**
 * sh ARGV that writes its own pid to PROCS (joining the group before it
 * runs anything else, so all the command forks is inside), ignores SIGHUP
 * and execs COMMAND. The shell must run as root (a user switch, if any,
 * is setpriv's, after the join); a join that fails leaves the daemon
 * where it was, found by its session as without a group.
 */
export function joiningShellArgv(procs: string, command: string, args: readonly string[]): string[] {
  return ['-c', 'echo $$ > "$1" 2>/dev/null; shift; trap "" HUP; exec "$@"', 'sh', procs, command, ...args];
}

/** Removes the group DIR once nothing runs in it (the kernel refuses otherwise: EBUSY). */
export function removeCgroup(dir: string | null): void {
  if (dir === null) return;
  try {
    fs.rmdirSync(dir);
  } catch {
    // busy, gone, or not ours to remove
  }
}

/** A group made this long ago may be swept once empty: a start joins its group within milliseconds of making it. */
const SWEEP_AFTER_MS = 60000;

/**
 * Removes the groups of daemons that ended without a stop (killed, or
 * exited by themselves): the kernel refuses to remove one that still holds
 * a process (EBUSY), so only empty ones go. A start that was about to join
 * one just emptied finds it gone, and starts without a group.
 */
function sweepEmptyCgroups(parent: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(parent, { withFileTypes: true });
  } catch {
    return;
  }
  const before = Date.now() - SWEEP_AFTER_MS;
  for (const entry of entries) {
    // The parent's own files (cgroup.procs and the like) are not groups: only directories are looked at.
    if (!entry.isDirectory()) continue;
    const dir = path.join(parent, entry.name);
    try {
      if (fs.statSync(dir).mtimeMs < before) fs.rmdirSync(dir);
    } catch {
      // busy (it runs), or gone
    }
  }
}

/** This process's own cgroup2 directory, to move back to. */
function ownCgroup(): string | null {
  const mount = cgroup2Mount();
  const line = /^0::(.*)$/m.exec(readQuietly('/proc/self/cgroup') ?? '');
  if (mount === null || !line) return null;
  return path.join(mount, line[1]);
}

function readQuietly(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
