import fs = require('node:fs');
import { writeFileAtomic } from '../common/atomic-file';
import { describeErrno } from '../common/errors';
import type { DaemonPaths } from '../model/daemon-paths';
import { formatEnvironmentText, parseEnvironmentText } from '../model/environ-codec';
import { DaemonError } from '../model/errors';
import type { DaemonRecord } from '../model/record';

/**
 * Written after the state file, mode 0600 whatever the umask: it may hold
 * secrets. Not fsynced: a power loss ends the daemon it belongs to, and a
 * file cut short is read as none (restart then takes the caller's).
 */
export function writeEnvironment(paths: DaemonPaths, record: DaemonRecord, environment: Record<string, string>): void {
  writeFileAtomic(paths.environfile, formatEnvironmentText({ format: 1, pid: record.pid, startTicks: record.startTicks, environment }), 0o600, false);
}

/**
 * The environment RECORD's start was given, for restart; null when there is
 * none to take (a record of an older tdaemon, or a file left by another
 * start). It becomes the environment of a command restart runs, so a file
 * that someone else could have written (another owner, writable by group or
 * others) is refused, not read: one line, exit 4, nothing stopped.
 */
export function readEnvironment(paths: DaemonPaths, record: DaemonRecord): Record<string, string> | null {
  const file = paths.environfile;
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw refuse(file, 'it is a symbolic link');
    throw new DaemonError(code === 'EACCES' || code === 'EPERM' ? 'PRIVILEGE' : 'IO', `cannot read ${file}: ${describeErrno(error)}`, { cause: error });
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw refuse(file, 'it is not a regular file');
    const uid = process.geteuid?.() ?? stat.uid;
    if (stat.uid !== uid) throw refuse(file, `it is owned by uid ${stat.uid}, not by ${uid}`);
    if ((stat.mode & 0o022) !== 0) throw refuse(file, `others may write it (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`);
    const parsed = parseEnvironmentText(fs.readFileSync(fd, 'utf8'));
    return parsed !== null && parsed.pid === record.pid && parsed.startTicks === record.startTicks ? parsed.environment : null;
  } finally {
    fs.closeSync(fd);
  }
}

function refuse(file: string, reason: string): DaemonError {
  return new DaemonError('PRIVILEGE', `refusing the recorded environment ${file}: ${reason}; remove it, or restart with --update-env`);
}
