import fs = require('node:fs');
import path = require('node:path');
import type { LogSpec, ProcessSpec } from '../../model/program';

/** Where a process's output goes: descriptors for its stdout and stderr, and the files behind them. */
export interface ProcessLogs {
  stdoutFd: number;
  stderrFd: number;
  /** The files, '' for none (NONE, or stderr redirected). */
  stdoutPath: string;
  stderrPath: string;
  /** Empties both files in place; the program goes on appending at the new end (O_APPEND). */
  clear(): void;
  close(): void;
}

/**
 * Opens a process's log files for appending. AUTO is a file in childlogdir
 * named after the process and the supervisor's identifier (the same name at
 * every start, so a restart of the supervisor keeps appending to it); NONE
 * is /dev/null. The program writes to the file itself, as tdaemon's plain
 * daemons do.
 */
export function openProcessLogs(spec: ProcessSpec, childlogdir: string, identifier: string): ProcessLogs {
  const { stdoutPath, stderrPath } = processLogPaths(spec, childlogdir, identifier);
  const stdoutFd = openLog(stdoutPath);
  const stderrFd = spec.redirectStderr ? stdoutFd : openLog(stderrPath);
  return {
    stdoutFd,
    stderrFd,
    stdoutPath,
    stderrPath,
    clear() {
      for (const file of [stdoutPath, stderrPath]) if (file) fs.truncateSync(file, 0);
    },
    close() {
      for (const fd of new Set([stdoutFd, stderrFd])) {
        try {
          fs.closeSync(fd);
        } catch {
          // already closed
        }
      }
    },
  };
}

/** The files a process's output goes to ('' for none), known from the config alone. */
export function processLogPaths(spec: ProcessSpec, childlogdir: string, identifier: string): { stdoutPath: string; stderrPath: string } {
  return {
    stdoutPath: logPath(spec.stdout, spec.name, 'stdout', childlogdir, identifier),
    stderrPath: spec.redirectStderr ? '' : logPath(spec.stderr, spec.name, 'stderr', childlogdir, identifier),
  };
}

function logPath(log: LogSpec, name: string, channel: 'stdout' | 'stderr', childlogdir: string, identifier: string): string {
  if (log.logfile === 'NONE') return '';
  if (log.logfile === 'AUTO') return path.join(childlogdir, `${name}-${channel}---${identifier}.log`);
  return log.logfile;
}

function openLog(file: string): number {
  if (file === '') return fs.openSync('/dev/null', 'w');
  return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
}
