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
    try {
      fs.writeSync(this.logFd, `${new Date().toISOString()} ${this.logPrefix}: ${message}\n`);
    } catch {
      // the log is the only place to say it
    }
  }

  /**
   * Installs the handlers. SIGHUP always gets one, even without a reload
   * handler: a hangup must never end the host.
   */
  handleSignals(handlers: SignalHandlers): void {
    process.on('SIGHUP', () => handlers.reload?.());
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
      this.log(`${what} exiting (${signal ? `signal ${signal}` : `status ${code}`})`);
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
    process.exit(code);
  }
}
