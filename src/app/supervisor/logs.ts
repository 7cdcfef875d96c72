import fs = require('node:fs');
import path = require('node:path');
import type { Readable } from 'node:stream';
import type { LogSpec, ProcessSpec } from '../../model/program';
import { RotatingLog } from '../../os/rotating-log';

/** Where a process's output goes, for its spawner: a descriptor, or a pipe the supervisor copies into a rotating log. */
export interface ProcessLogs {
  stdout: number | 'pipe';
  stderr: number | 'pipe';
  /** stderr joins stdout in the shell (redirect_stderr with a rotating log). */
  stderrToStdout: boolean;
  /** Copies a launched run's pipes into the logs. */
  attach(stdout: Readable | null, stderr: Readable | null): void;
  /** The files, '' for none (NONE, or stderr redirected). */
  stdoutPath: string;
  stderrPath: string;
  /** Empties the log files; the program goes on writing at the new end. */
  clear(): void;
  close(): void;
}

/**
 * A process's log files. With *_logfile_maxbytes (supervisor's default:
 * 50MB, 10 backups) the program writes into a pipe and the supervisor
 * copies it into a RotatingLog (os/rotating-log.ts: supervisor's names,
 * no line split across files); with maxbytes=0 the program writes to the
 * file itself, as tdaemon's plain daemons do. AUTO is a file in
 * childlogdir named after the process and the supervisor's identifier (the
 * same name at every start); NONE is /dev/null.
 */
export function openProcessLogs(spec: ProcessSpec, childlogdir: string, identifier: string, onError: (message: string) => void): ProcessLogs {
  const { stdoutPath, stderrPath } = processLogPaths(spec, childlogdir, identifier);
  const out = openChannel(stdoutPath, spec.stdout, onError);
  const err = spec.redirectStderr ? out : openChannel(stderrPath, spec.stderr, onError);
  const stderrToStdout = spec.redirectStderr && out.fd === 'pipe';
  return {
    stdout: out.fd,
    stderr: spec.redirectStderr && out.fd !== 'pipe' ? out.fd : err.fd,
    stderrToStdout,
    attach(stdout, stderr) {
      if (stdout && out.log) void out.log.copyFrom(stdout);
      if (stderr && err.log && !stderrToStdout) void err.log.copyFrom(stderr);
    },
    stdoutPath,
    stderrPath,
    clear() {
      for (const channel of new Set([out, err])) {
        if (channel.log) channel.log.clear();
        else if (channel.file) fs.truncateSync(channel.file, 0);
      }
    },
    close() {
      for (const channel of new Set([out, err])) {
        if (channel.log) void channel.log.close();
        else if (typeof channel.fd === 'number') {
          try {
            fs.closeSync(channel.fd);
          } catch {
            // already closed
          }
        }
      }
    },
  };
}

interface Channel {
  fd: number | 'pipe';
  file: string;
  log: RotatingLog | null;
}

function openChannel(file: string, spec: LogSpec, onError: (message: string) => void): Channel {
  if (file === '') return { fd: fs.openSync('/dev/null', 'w'), file, log: null };
  if (spec.maxbytes > 0) {
    const log = new RotatingLog(file, { maxBytes: spec.maxbytes, backups: spec.backups, mode: 0o644, onError: (error) => onError(`log ${file}: ${error.message}`) });
    return { fd: 'pipe', file, log };
  }
  return { fd: fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644), file, log: null };
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
