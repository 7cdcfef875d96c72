import fs = require('node:fs');
import path = require('node:path');
import type { LogSpec, ProcessSpec } from '../../model/program';
import { FifoChannel } from '../../os/fifo';
import { RotatingLog } from '../../os/rotating-log';

/** Where a process's output goes, for its spawner: descriptors of the supervisor, which each run inherits. */
export interface ProcessLogs {
  stdout: number;
  stderr: number;
  /** The FIFOs the supervisor reads (a holder keeps them open while no supervisor runs). */
  fifos: string[];
  /** The files, '' for none (NONE, or stderr redirected). */
  stdoutPath: string;
  stderrPath: string;
  /** Empties the log files; the program goes on writing at the new end. */
  clear(): void;
  /** Reads what is left in the FIFOs into the logs (briefly), then closes everything and removes the FIFOs. */
  close(): Promise<void>;
}

/**
 * A process's log files. With *_logfile_maxbytes (supervisor's default:
 * 50MB, 10 backups) the program writes into a FIFO in PIPES_DIR and the
 * supervisor copies it into a RotatingLog (os/rotating-log.ts: supervisor's
 * names, no line split across files); with maxbytes=0 the program writes to
 * the file itself, as tdaemon's plain daemons do. AUTO is a file in
 * childlogdir named after the process and the supervisor's identifier (the
 * same name at every start); NONE is /dev/null. The FIFOs must exist
 * (fifoPaths, makeFifos): a FIFO left by a supervisor that died is read
 * again, with what its programs wrote meanwhile.
 */
export function openProcessLogs(spec: ProcessSpec, childlogdir: string, identifier: string, pipesDir: string, onError: (message: string) => void): ProcessLogs {
  const { stdoutPath, stderrPath } = processLogPaths(spec, childlogdir, identifier);
  const fifos = fifoPaths(spec, childlogdir, identifier, pipesDir);
  const out = openChannel(stdoutPath, spec.stdout, fifos.stdout, onError);
  let err: Channel;
  try {
    err = spec.redirectStderr ? out : openChannel(stderrPath, spec.stderr, fifos.stderr, onError);
  } catch (error) {
    void closeChannel(out);
    throw error;
  }
  const channels = [...new Set([out, err])];
  return {
    stdout: out.fd,
    // redirect_stderr: the same descriptor, so that lines interleave as written.
    stderr: err.fd,
    fifos: channels.flatMap((c) => (c.fifo ? [c.fifo.path] : [])),
    stdoutPath,
    stderrPath,
    clear() {
      for (const channel of channels) {
        if (channel.log) channel.log.clear();
        else if (channel.file) fs.truncateSync(channel.file, 0);
      }
    },
    async close() {
      await Promise.all(channels.map(closeChannel));
    },
  };
}

/** The FIFOs a process's output goes through ('' for a channel written straight to its file), known from the config alone. */
export function fifoPaths(spec: ProcessSpec, childlogdir: string, identifier: string, pipesDir: string): { stdout: string; stderr: string } {
  const { stdoutPath, stderrPath } = processLogPaths(spec, childlogdir, identifier);
  const name = (channel: string) => `${pipesDir}/${encodeURIComponent(spec.namespec)}.${channel}`;
  return {
    stdout: stdoutPath !== '' && spec.stdout.maxbytes > 0 ? name('stdout') : '',
    stderr: stderrPath !== '' && spec.stderr.maxbytes > 0 ? name('stderr') : '',
  };
}

interface Channel {
  fd: number;
  file: string;
  log: RotatingLog | null;
  fifo: FifoChannel | null;
  /** Settles once everything read from the FIFO is in the log. */
  copied: Promise<void> | null;
}

function openChannel(file: string, spec: LogSpec, fifoPath: string, onError: (message: string) => void): Channel {
  if (file === '') return { fd: fs.openSync('/dev/null', 'w'), file, log: null, fifo: null, copied: null };
  if (fifoPath !== '') {
    // The sink runs only once the loop reads (log is set by then); each read is
    // written to the file before the next (the read buffer is shared), so it needs no queue.
    const fifo = new FifoChannel(
      fifoPath,
      (chunk) => log.writeBorrowed(chunk),
      (error) => onError(`log ${file}: ${error.message}`),
    );
    const log = new RotatingLog(file, { maxBytes: spec.maxbytes, backups: spec.backups, mode: 0o644, onError: (error) => onError(`log ${file}: ${error.message}`) });
    return { fd: fifo.writeFd, file, log, fifo, copied: fifo.drained.then(() => log.sourceEnded()) };
  }
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  return { fd, file, log: null, fifo: null, copied: null };
}

async function closeChannel(channel: Channel): Promise<void> {
  if (channel.fifo) {
    try {
      fs.unlinkSync(channel.fifo.path); // at once: a process created again under this name makes a new one
    } catch {
      // already gone
    }
    await channel.fifo.close();
    await channel.copied;
  } else {
    try {
      fs.closeSync(channel.fd);
    } catch {
      // already closed
    }
  }
  await channel.log?.close();
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
