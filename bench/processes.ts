import { spawn, type ChildProcess } from 'node:child_process';
import { delay } from './measure';
import { listChildren } from './procfs';

/** A process the bench started and waits on. */
export interface Tracked {
  pid: number;
  child: ChildProcess;
  /** Settles when the process has exited and been reaped. */
  exited: Promise<void>;
  /**
   * Process groups (by leader pid) to kill first: detached grandchildren.
   * The process's children at the time it is stopped are added to these.
   */
  groups: Set<number>;
}

/** kill(2) that treats "no such process" (and any other refusal) as done. */
function killQuietly(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone
  }
}

/**
 * Every long-lived process a section starts goes through here, and is ended
 * by pid (its detached groups by -pgid) when the section is done with it or
 * when the bench exits, however it exits. Never by name.
 */
export class ProcessTracker {
  private readonly live = new Set<Tracked>();

  /** Starts COMMAND with no terminal on any stream. */
  start(command: string, args: string[], cwd: string): Tracked {
    const child = spawn(command, args, { cwd, stdio: 'ignore' });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const tracked: Tracked = { pid: child.pid, child, exited, groups: new Set() };
    this.live.add(tracked);
    void exited.then(() => this.live.delete(tracked));
    return tracked;
  }

  /**
   * Kills the detached groups first, then gives the process a moment to see
   * its child die and exit by itself (tnohup then reaps its command, which
   * would otherwise be left a zombie under a PID 1 that does not reap), then
   * SIGKILLs it by pid and waits until it is reaped.
   */
  async stop(tracked: Tracked): Promise<void> {
    this.addChildren(tracked);
    for (const leader of tracked.groups) {
      killQuietly(-leader, 'SIGKILL');
      killQuietly(leader, 'SIGKILL'); // in case it had not called setsid yet
    }
    if (tracked.groups.size > 0) await Promise.race([tracked.exited, delay(1000)]);
    if (this.live.has(tracked)) killQuietly(tracked.pid, 'SIGKILL');
    await tracked.exited;
  }

  /**
   * A child that has not been seen yet (a section gave up waiting for it)
   * must not be orphaned: once its parent is gone nobody would reap it.
   */
  private addChildren(tracked: Tracked): void {
    if (!this.live.has(tracked)) return;
    for (const child of listChildren(tracked.pid)) tracked.groups.add(child.pid);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((tracked) => this.stop(tracked)));
  }

  /** Last resort from an 'exit' handler, where nothing can be awaited. */
  killAllNow(): void {
    for (const tracked of this.live) {
      this.addChildren(tracked);
      for (const leader of tracked.groups) {
        killQuietly(-leader, 'SIGKILL');
        killQuietly(leader, 'SIGKILL');
      }
      killQuietly(tracked.pid, 'SIGKILL');
    }
  }
}
