import fs = require('node:fs');
import type { Readable } from 'node:stream';
import type { WatchedRecord } from '../model/record';
import { RotatingLog } from '../os/rotating-log';
import type { HostLogWriter } from '../supervise/host';

/** How long a dead run's output may take to reach the log before its death is logged (a grandchild may hold the pipe). */
const DRAIN_LIMIT_MS = 1000;

/**
 * A watched daemon's log, written by its watchdog. The child writes into a
 * pipe and the watchdog copies it into a RotatingLog (os/rotating-log.ts:
 * no line split, rotated by --log-max-size, reopened by name on
 * `tdaemon reopen`), with the watchdog's own lines in the same stream. So
 * logrotate's rename and `create` need no copytruncate: after the rename
 * the watchdog reopens LOG by name, and no line is lost or split.
 *
 * Logs that are not regular files (/dev/null, a terminal), and records of
 * an older tdaemon (no logRotation), keep the old way: the child inherits
 * the watchdog's descriptors and writes to the log itself.
 */
export class WatchdogLog {
  private readonly out: RotatingLog | null = null;
  private readonly err: RotatingLog | null = null;
  private readonly copies = new Map<number, Promise<void>>();

  constructor(
    private readonly record: WatchedRecord,
    onError: (message: string) => void,
  ) {
    const rotation = record.logRotation;
    if (rotation === undefined || rotation === null || !isRegularFile(1) || (record.errorLog !== null && !isRegularFile(2))) return;
    const open = (file: string) =>
      new RotatingLog(file, { maxBytes: rotation.maxBytes, backups: rotation.backups, onError: (error) => onError(`log ${file}: ${error.message}`) });
    this.out = open(record.log);
    if (record.errorLog !== null) this.err = open(record.errorLog);
    // The descriptors start gave us are the first log file: held open, a file
    // that logrotate renamed and then compressed away would keep its space.
    for (const fd of [1, 2]) pointAtDevNull(fd);
  }

  /** The watchdog copies the output (otherwise the child writes to the log itself). */
  get piped(): boolean {
    return this.out !== null;
  }

  /** Where the spawner sends the child's output. */
  spawnerOutput(): { stdout: number | 'pipe'; stderr: number | 'pipe'; stderrToStdout: boolean } {
    if (this.out === null) return { stdout: 1, stderr: 2, stderrToStdout: false };
    return { stdout: 'pipe', stderr: 'pipe', stderrToStdout: this.err === null };
  }

  /** Copies a launched run's pipes into the log. */
  attach(stdout: Readable | null, stderr: Readable | null, pid: number): void {
    if (this.out === null) return;
    const copies: Promise<void>[] = [];
    if (stdout) copies.push(this.out.copyFrom(stdout));
    if (stderr && this.err) copies.push(this.err.copyFrom(stderr));
    this.copies.set(pid, Promise.all(copies).then(() => {}));
  }

  /**
   * Resolves once what run PID wrote is in the log, so that its death is
   * logged after its last words; at most DRAIN_LIMIT_MS (a process it left
   * behind may hold the pipe open).
   */
  drained(pid: number): Promise<void> {
    const copy = this.copies.get(pid);
    this.copies.delete(pid);
    if (copy === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, DRAIN_LIMIT_MS);
      void copy.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Opens the log files again by name, each at its next line boundary. */
  reopen(): void {
    this.out?.reopen();
    this.err?.reopen();
  }

  /** The host's lines, in the stdout log among the child's; null when the host writes to its descriptor. */
  hostWriter(): HostLogWriter | null {
    const out = this.out;
    if (out === null) return null;
    const file = this.record.log;
    return {
      write: (line) => out.write(Buffer.from(line)),
      writeNow: (line) => {
        try {
          fs.appendFileSync(file, line);
        } catch {
          // the log is the only place to say it
        }
      },
      flush: async () => {
        await Promise.all([out, this.err].map((log) => new Promise<void>((resolve) => (log ? log.write(Buffer.alloc(0), resolve) : resolve()))));
      },
    };
  }
}

function isRegularFile(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes FD /dev/null. Node cannot dup2: closing FD and opening at once gets
 * the lowest free number, which is FD (0 is open, and nothing else opens a
 * file in between: every open here is synchronous).
 */
function pointAtDevNull(fd: number): void {
  try {
    fs.closeSync(fd);
    const opened = fs.openSync('/dev/null', 'w');
    if (opened !== fd) fs.closeSync(opened);
  } catch {
    // FD stays as it was, or closed: nothing of ours is written to it
  }
}
