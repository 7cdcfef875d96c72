import { spawn, type ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import path = require('node:path');
import { readProcStat } from '../common/proc';
import { isSameProcess, trySignal } from './family';

/** A process by pid and start time (a pid alone may have been reused). */
export interface HolderId {
  pid: number;
  startTicks: string;
}

/** What `ps` shows for the holder: argv[0] naming its job. */
export const HOLDER_NAME = 'tdaemon-pipe-holder';

/**
 * The holder's program: on x86-64, a static program of 185 bytes next to the
 * bundle (scripts/pipe-holder.js) that only waits for a signal: 12 kB of
 * VmRSS, where sleep(1) takes 1.6 MiB (the dynamic loader and libc). Where
 * it is missing or cannot run (another machine, a noexec mount), sleep.
 */
const PAUSE_PROGRAM = path.join(__dirname, 'tdaemon-pipe-holder-x64');
const SLEEP = 'sleep';

function choosePauseProgram(): string {
  if (process.arch !== 'x64') return SLEEP;
  try {
    fs.accessSync(PAUSE_PROGRAM, fs.constants.X_OK); // EACCES on a noexec mount too
    return PAUSE_PROGRAM;
  } catch {
    return SLEEP;
  }
}

/** A holder that dies sooner than this after its spawn is replaced only after this long (no busy loop). */
const RESPAWN_GAP_MS = 1000;

/**
 * One process that holds the read end of every FIFO of a supervisor's
 * programs (os/fifo.ts) and never reads: a program that only waits (or
 * `sleep infinity`), started with the read ends as its descriptors 3, 4,
 * ... So a FIFO always has a reader,
 * even while no supervisor runs: a program writing into it never gets
 * SIGPIPE or EPIPE; once the pipe buffer (64 KiB) is full its writes block
 * until a supervisor reads again, and nothing it wrote is lost. One tiny
 * process for all programs (12 kB of VmRSS; sleep's 1.6 MiB where it has to
 * do), not a Node process per program. It runs in a session of its own and
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
  private program: string;

  constructor(
    private readonly options: {
      log(line: string): void;
      /** Called when the holder changed (a new pid): the supervisor records it. */
      onChange(): void;
      /** The program that holds the pipes (tests): by default the small one where it runs, else sleep. */
      program?: string;
    },
  ) {
    this.program = options.program ?? choosePauseProgram();
  }

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
    const program = this.program;
    let child: ChildProcess;
    try {
      for (const file of paths) fds.push(fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
      child = spawn(program, ['infinity'], {
        argv0: HOLDER_NAME,
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', ...fds],
        // No locale to load: the smallest sleep there is.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
    } catch (error) {
      if (this.fallBack(program, error)) return this.start(paths);
      this.options.log(`cannot start the pipe holder: ${(error as Error).message}; a program writing while no supervisor runs may get SIGPIPE`);
      return;
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
    child.once('error', (error) => {
      if (this.child === child && this.fallBack(program, error)) return this.replace();
      this.options.log(`cannot start the pipe holder: ${error.message}; a program writing while no supervisor runs may get SIGPIPE`);
    });
    child.once('exit', (code) => this.exited(child, program, code));
    this.child = child;
    this.spawnedAt = Date.now();
    if (child.pid !== undefined) this.id = { pid: child.pid, startTicks: readProcStat(child.pid)?.startTicks ?? '' };
  }

  /** A new holder now, with sleep. */
  private replace(): void {
    this.child = null;
    this.id = null;
    this.start(this.held);
    this.options.onChange();
  }

  /** The small program could not run: sleep from now on (true), said once in the log. */
  private fallBack(program: string, error: unknown): boolean {
    if (program === SLEEP || this.disposed) return false;
    this.program = SLEEP;
    this.options.log(`cannot run ${program} (${(error as Error).message}); the pipe holder is sleep(1)`);
    return true;
  }

  /** A holder ended by someone else is replaced: the programs' pipes must keep a reader. */
  private exited(child: ChildProcess, program: string, code: number | null): void {
    if (this.child !== child || this.disposed) return;
    // The small program never exits by itself: a status means something else
    // ran in its place (execvp hands a file the kernel refused to a shell).
    if (code !== null && this.fallBack(program, new Error(`it exited with status ${code}`))) return this.replace();
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
