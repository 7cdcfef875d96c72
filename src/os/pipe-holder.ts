import { spawn, type ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import { readProcStat } from '../common/proc';
import { isSameProcess, trySignal } from './family';

/** A process by pid and start time (a pid alone may have been reused). */
export interface HolderId {
  pid: number;
  startTicks: string;
}

/** What `ps` shows for the holder: sleep(1) with argv[0] naming its job. */
export const HOLDER_NAME = 'tdaemon-pipe-holder';

/** A holder that dies sooner than this after its spawn is replaced only after this long (no busy loop). */
const RESPAWN_GAP_MS = 1000;

/**
 * One process that holds the read end of every FIFO of a supervisor's
 * programs (os/fifo.ts) and never reads: `sleep infinity`, started with
 * the read ends as its descriptors 3, 4, ... So a FIFO always has a reader,
 * even while no supervisor runs: a program writing into it never gets
 * SIGPIPE or EPIPE; once the pipe buffer (64 KiB) is full its writes block
 * until a supervisor reads again, and nothing it wrote is lost. One small C
 * process for all programs (about 1.4 MiB of VmRSS, 0.25 MiB of Pss here),
 * not a Node process per program. It runs in a session of its own and
 * outlives a supervisor that is killed; the next supervisor starts its own
 * holder, then ends this one by pid and start time.
 *
 * When the set of FIFOs changes (update adds or removes programs) a new
 * holder takes over, and the old one is ended only after the new one holds
 * every FIFO: there is never a moment without a reader.
 */
export class PipeHolder {
  private child: ChildProcess | null = null;
  private id: HolderId | null = null;
  private held: string[] = [];
  private spawnedAt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(
    private readonly options: {
      log(line: string): void;
      /** Called when the holder changed (a new pid): the supervisor records it. */
      onChange(): void;
    },
  ) {}

  get current(): HolderId | null {
    return this.id;
  }

  /** Holds exactly PATHS from now on (none: no holder at all). */
  hold(paths: readonly string[]): void {
    const wanted = [...paths].sort();
    if (this.disposed || (sameList(wanted, this.held) && (wanted.length === 0 || this.id !== null))) return;
    const before = this.child;
    this.held = wanted;
    this.child = null;
    this.id = null;
    if (wanted.length > 0) this.start(wanted);
    this.options.onChange();
    if (before?.pid !== undefined) trySignal(before.pid, 'SIGKILL');
  }

  /** Ends the holder (the supervisor is shutting down and has read its pipes out). */
  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.child?.pid !== undefined) trySignal(this.child.pid, 'SIGKILL');
    this.child = null;
    this.id = null;
  }

  private start(paths: readonly string[]): void {
    const fds: number[] = [];
    let child: ChildProcess;
    try {
      for (const file of paths) fds.push(fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
      child = spawn('sleep', ['infinity'], {
        argv0: HOLDER_NAME,
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', ...fds],
        // No locale to load: the smallest sleep there is.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
    } catch (error) {
      this.options.log(`cannot start the pipe holder: ${(error as Error).message}; a program writing while no supervisor runs may get SIGPIPE`);
      return;
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
    child.once('error', (error) => this.options.log(`cannot start the pipe holder: ${error.message}; a program writing while no supervisor runs may get SIGPIPE`));
    child.once('exit', () => this.exited(child));
    this.child = child;
    this.spawnedAt = Date.now();
    if (child.pid !== undefined) this.id = { pid: child.pid, startTicks: readProcStat(child.pid)?.startTicks ?? '' };
  }

  /** A holder ended by someone else is replaced: the programs' pipes must keep a reader. */
  private exited(child: ChildProcess): void {
    if (this.child !== child || this.disposed) return;
    this.child = null;
    this.id = null;
    this.options.log(`the pipe holder (pid ${child.pid}) ended; starting another`);
    const wait = Math.max(0, this.spawnedAt + RESPAWN_GAP_MS - Date.now());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.disposed || this.child !== null) return;
      this.start(this.held);
      this.options.onChange();
    }, wait);
  }
}

/** Ends holders a supervisor before this one left, each only if its pid still names the same process. */
export function retireHolders(ids: readonly HolderId[]): void {
  for (const id of ids) if (isSameProcess(id.pid, id.startTicks)) trySignal(id.pid, 'SIGKILL');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
