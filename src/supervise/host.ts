import fs = require('node:fs');
import { onExit } from 'signal-exit';
import type { DaemonPaths } from '../model/daemon-paths';
import { lockWithin, type Release } from '../os/lock';

export interface SignalHandlers {
  /** TERM or INT: stop everything, then exit. */
  stop?(signal: 'SIGTERM' | 'SIGINT'): void;
  /** USR2: restart now. */
  restart?(): void;
  /** HUP: reload. */
  reload?(): void;
  /** USR1: reopen the log by name (after logrotate renamed it). */
  reopen?(): void;
}

/** Where the host's lines go when its log is not a plain descriptor (a watchdog's rotating log). */
export interface HostLogWriter {
  /** Appends LINE after everything written before it. */
  write(line: string): void;
  /** Appends LINE at once: the process is ending. */
  writeNow(line: string): void;
  /** Resolves once everything written is in the file. */
  flush(): Promise<void>;
}

/**
 * What belongs to the supervising process rather than to any one program:
 * its signal handlers, its exit, the lock it holds, and its log (a file
 * descriptor written line by line, synchronously, so that a line is in the
 * log before anything it announces can happen). It never decides anything
 * about the units it carries: their owner feeds them its signals.
 */
export class Host {
  private release: Release | null = null;
  private exiting = false;
  private writer: HostLogWriter | null = null;

  constructor(private readonly logFd: number, private readonly logPrefix: string) {
    // signal-exit makes SIGXFSZ fatal; with a listener of our own it stands
    // aside, and a log past RLIMIT_FSIZE fails with EFBIG, which log()
    // ignores, instead of killing the host.
    process.on('SIGXFSZ', () => {});
    process.stdout.on('error', () => {});
    process.stderr.on('error', () => {});
  }

  /** A timestamped line in the log. A write error (disk full, log gone) is never fatal. */
  log(message: string): void {
    this.emit(message, false);
  }

  /** A line written at once, bypassing what is queued: the process is about to end. */
  logNow(message: string): void {
    this.emit(message, true);
  }

  /** Resolves once every line logged so far is in the log. */
  async flushLog(): Promise<void> {
    await this.writer?.flush();
  }

  /** From now on the log lines go to WRITER. */
  useLogWriter(writer: HostLogWriter): void {
    this.writer = writer;
  }

  private emit(message: string, now: boolean): void {
    const line = `${new Date().toISOString()} ${this.logPrefix}: ${message}\n`;
    if (this.writer !== null) {
      if (now) this.writer.writeNow(line);
      else this.writer.write(line);
      return;
    }
    try {
      fs.writeSync(this.logFd, line);
    } catch {
      // the log is the only place to say it
    }
  }

  /**
   * Installs the handlers. SIGHUP and SIGUSR1 always get one, even without
   * a handler of the caller's: a hangup must never end the host.
   */
  handleSignals(handlers: SignalHandlers): void {
    process.on('SIGHUP', () => handlers.reload?.());
    // Node opens its inspector (a debugger port, in a process that may be
    // root's) on a SIGUSR1 that no listener takes: one always does.
    process.on('SIGUSR1', () => handlers.reopen?.());
    if (handlers.stop) {
      const stop = handlers.stop;
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    }
    if (handlers.restart) {
      const restart = handlers.restart;
      process.on('SIGUSR2', () => restart());
    }
  }

  /** Logs how the host ends, however it ends: "WHAT exiting (status 0)". */
  logExit(what: string): void {
    onExit((code, signal) => {
      this.emit(`${what} exiting (${signal ? `signal ${signal}` : `status ${code}`})`, true);
    });
  }

  /**
   * Takes the daemon's lock and keeps it for life. proper-lockfile's default
   * reaction to a compromised lock throws from a timer and would crash us:
   * the programs keep running, and the lock is taken again as soon as it can be.
   */
  async holdLock(paths: DaemonPaths): Promise<boolean> {
    try {
      const release = await lockWithin(paths, 15000, () => false, (error) => this.onLockCompromised(paths, error));
      this.release = release;
      return release !== null;
    } catch {
      return false;
    }
  }

  private onLockCompromised(paths: DaemonPaths, error: Error): void {
    this.log(`lock ${paths.lockfile} compromised (${error.message}); taking it again`);
    void this.holdLock(paths).then((held) => {
      if (!held) this.log(`could not take ${paths.lockfile} again; a second start may not be refused`);
    });
  }

  /** Gives the lock back and ends the process; only the host ever exits. */
  async exit(code: number): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    try {
      await this.release?.();
    } catch {
      // already lost; nothing to give back
    }
    await this.writer?.flush();
    process.exit(code);
  }
}
