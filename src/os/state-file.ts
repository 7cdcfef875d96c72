import fs = require('node:fs');
import { readRegularFile, unlinkIfPresent, writeFileAtomic } from '../common/atomic-file';
import { describeErrno } from '../common/errors';
import type { DaemonPaths } from '../model/daemon-paths';
import { formatPidfileText } from '../model/pidfile-codec';
import type { DaemonRecord, StateReading } from '../model/record';
import { parseEnvironmentText } from '../model/environ-codec';
import { formatStateText, parseStateText } from '../model/state-codec';

/** The state file beside a pidfile, decoded strictly (state-codec.ts); a fifo or directory there is refused, not opened for reading. */
export function readState(file: string): StateReading {
  let text: string;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      if (!fs.fstatSync(fd).isFile()) return { kind: 'invalid', reason: 'it is not a regular file' };
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'invalid', reason: `it cannot be read: ${describeErrno(error)}` };
  }
  return parseStateText(text);
}

export function writeState(file: string, record: DaemonRecord): void {
  writeFileAtomic(file, formatStateText(record), 0o644);
}

/**
 * Removes pidfile and state once the daemon whose pidfile names PID has
 * ended, but only while they still describe it: another start may have
 * written its own since. With PID null, whatever is there goes (a stale
 * pidfile that tdaemon did not write). Never throws: the daemon is already
 * gone, so a file that cannot be removed (a file system gone read-only) is
 * returned, with why, for the caller to say.
 */
export function forgetRecord(paths: DaemonPaths, pid: number | null): string[] {
  const problems: string[] = [];
  let pidText: string | null = null;
  try {
    pidText = readRegularFile(paths.pidfile);
  } catch {
    // unreadable: not ours to judge, left alone
    return problems;
  }
  if (pid !== null && pidText !== null && pidText !== formatPidfileText(pid)) return problems;
  // Compared once more just before the unlink: a start may have renamed its own into place.
  if (pidText !== null && readRegularFileQuietly(paths.pidfile) === pidText) removeOrSay(paths.pidfile, problems);
  const state = readState(paths.statefile);
  if (state.kind !== 'absent' && (pid === null || state.kind !== 'ok' || state.record.pid === pid)) removeOrSay(paths.statefile, problems);
  if (environmentBelongsTo(paths, pid)) removeOrSay(paths.environfile, problems);
  return problems;
}

/** The environ file is the record of PID's start (or of no start that can be told: unreadable, garbled). */
function environmentBelongsTo(paths: DaemonPaths, pid: number | null): boolean {
  let text: string | null;
  try {
    text = readRegularFile(paths.environfile);
  } catch {
    return pid === null;
  }
  if (text === null) return false;
  const record = parseEnvironmentText(text);
  return pid === null || record === null || record.pid === pid;
}

function readRegularFileQuietly(file: string): string | null {
  try {
    return readRegularFile(file);
  } catch {
    return null;
  }
}

function removeOrSay(file: string, problems: string[]): void {
  try {
    unlinkIfPresent(file);
  } catch (error) {
    problems.push(`cannot remove ${file}: ${describeErrno(error)}`);
  }
}
