import fs = require('node:fs');
import { removeIfHolds, writeFileAtomic } from '../common/atomic-file';
import { describeErrno } from '../common/errors';
import type { DaemonPaths } from '../model/daemon-paths';
import { formatPidfileText } from '../model/pidfile-codec';
import type { DaemonRecord, StateReading } from '../model/record';
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
 * pidfile that tdaemon did not write).
 */
export function forgetRecord(paths: DaemonPaths, pid: number | null): void {
  let pidText: string | null = null;
  try {
    pidText = fs.readFileSync(paths.pidfile, 'utf8');
  } catch {
    // no pidfile left
  }
  if (pid !== null && pidText !== null && pidText !== formatPidfileText(pid)) return;
  if (pidText !== null) removeIfHolds(paths.pidfile, pidText);
  const state = readState(paths.statefile);
  if (pid === null || state.kind !== 'ok' || state.record.pid === pid) fs.rmSync(paths.statefile, { force: true });
}
