import { spawn, type ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import type { Readable, Writable } from 'node:stream';
import { SHELL } from '../common/hup-shim';
import { readProcStat } from '../common/proc';
import { trySignal } from './family';
import { withCredentials } from './privileges';

/**
 * The next generation's shell: HUP ignored, waiting for its go on fd 3,
 * which the command does not inherit. If its spawner dies it reads
 * end-of-file and exits, so it can never start the command unbidden.
 */
const READY_SCRIPT = 'trap "" HUP; IFS= read -r go <&3 || exit 0; exec "$@" 3<&-';

/** A fresh child gets the CPU to itself for a moment before the next shell is prepared. */
const PREPARE_DELAY_MS = 50;

export interface ReadyShellOptions {
  command: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** The command's umask; inherited when absent. */
  umask?: number;
  /**
   * true: keep the next run's shell ready (a fast respawn, one waiting sh
   * per program; the command starts with SIGHUP ignored). false: each
   * launch spawns the command itself, every signal at its default as
   * supervisord leaves them (through a shell only to join stderr to
   * stdout). 'after-exit' (a supervisor of many programs): as false until
   * a run has ended, then a shell (without the HUP trap) is kept ready for
   * the next respawn, so that only a program that dies pays for one.
   */
  keepReady?: boolean | 'after-exit';
  /**
   * Where the command's stdout and stderr go: descriptors of this process,
   * or 'pipe' (then onOutput gets the streams of each launched run).
   */
  stdout: number | 'pipe';
  stderr: number | 'pipe';
  /** The command's stderr goes where its stdout goes (the shell's 2>&1, so lines interleave as written). */
  stderrToStdout?: boolean;
  onOutput?(stdout: Readable | null, stderr: Readable | null, pid: number): void;
  /** The launched command ended (never called for a shell that was not launched). */
  onExit(pid: number, code: number | null, signal: NodeJS.Signals | null): void;
  /** An error spawning a shell, for the log. */
  onError(message: string): void;
}

export type Launch = { pid: number; startTicks: string } | { error: string };

/**
 * Starts a command fast, again and again: a shell for the next run is
 * spawned ahead of time (in a session of its own, SIGHUP ignored, blocked
 * reading a pipe), and launch() only writes one byte to make it exec the
 * command. A respawn then costs a pipe write, not a fork of Node.
 */
export class ReadyShellSpawner {
  private ready: ChildProcess | null = null;
  /** The ready shell's start time, read when it was prepared: the command it execs keeps it. */
  private readyTicks = '';
  private prepareTimer: NodeJS.Timeout | null = null;
  private launched = new Set<ChildProcess>();
  private disposed = false;
  /** Launched runs that have ended. */
  private exits = 0;

  constructor(private readonly options: ReadyShellOptions) {}

  launch(): Launch {
    const mode = this.options.keepReady ?? true;
    if (mode === false || (mode === 'after-exit' && this.ready === null)) {
      const launched = this.launchDirect();
      if (mode === 'after-exit' && this.exits > 0) this.prepareSoon();
      return launched;
    }
    const prepared = this.ready !== null;
    const child = this.ready ?? this.spawnShell();
    this.ready = null;
    if (child === null || child.pid === undefined) return { error: `cannot start ${this.options.command[0]}` };
    // The shell execs the command in place: its pid and start time are the command's.
    // Read beforehand for a prepared shell: reading /proc/PID/stat here would
    // wait for the exec under way, on the critical path of a respawn.
    const startTicks = prepared ? this.readyTicks : (readProcStat(child.pid)?.startTicks ?? '');
    this.launched.add(child);
    sendGo(child.stdio[3] as Writable | null);
    // Its output waits in the pipes until the loop reads them: taken after the go, nothing is missed.
    this.options.onOutput?.(child.stdout, child.stderr, child.pid);
    this.prepareSoon();
    return { pid: child.pid, startTicks };
  }

  /**
   * The shell waiting for its turn, if any. It carries the daemon's tag like
   * any member of its family, but it is not running the command: a stop
   * must spare it (a TERM would kill it, and the next launch with it).
   */
  waitingPid(): number | null {
    return this.ready?.pid ?? null;
  }

  /** Kills the waiting shell (never a launched command) and prepares no more. */
  dispose(): void {
    this.disposed = true;
    if (this.prepareTimer) clearTimeout(this.prepareTimer);
    this.prepareTimer = null;
    if (this.ready?.pid) trySignal(this.ready.pid, 'SIGKILL');
    this.ready = null;
  }

  private prepareSoon(): void {
    if (this.prepareTimer === null) this.prepareTimer = setTimeout(() => this.prepare(), PREPARE_DELAY_MS);
  }

  private prepare(): void {
    this.prepareTimer = null;
    if (this.ready !== null || this.disposed) return;
    this.ready = this.spawnShell();
    this.readyTicks = this.ready?.pid === undefined ? '' : (readProcStat(this.ready.pid)?.startTicks ?? '');
  }

  /**
   * The command spawned at once: one fork and exec, where a shell made ready
   * on demand costs a second exec and the shell's start (a respawn took
   * twice daemon(1)'s time). The shell stays only for redirect_stderr onto
   * a pipe: its 2>&1 gives both streams one pipe, which Node cannot.
   */
  private launchDirect(): Launch {
    const { command } = this.options;
    const [file, args] = this.options.stderrToStdout ? [SHELL, ['-c', 'exec "$@" 2>&1', 'sh', ...command]] : [command[0], command.slice(1)];
    const child = this.spawnChild(file, args, this.options.stderrToStdout ? 'ignore' : this.options.stderr, 'ignore');
    if (child === null || child.pid === undefined) return { error: `cannot start ${command[0]}` };
    this.launched.add(child);
    this.options.onOutput?.(child.stdout, child.stderr, child.pid);
    return { pid: child.pid, startTicks: readProcStat(child.pid)?.startTicks ?? '' };
  }

  private spawnShell(): ChildProcess | null {
    let script = this.options.keepReady === 'after-exit' ? READY_SCRIPT.replace('trap "" HUP; ', '') : READY_SCRIPT;
    if (this.options.stderrToStdout) script = script.replace('exec "$@" 3<&-', 'exec "$@" 3<&- 2>&1');
    const child = this.spawnChild(SHELL, ['-c', script, 'sh', ...this.options.command], this.options.stderrToStdout ? 'ignore' : this.options.stderr, 'pipe');
    if (child !== null) (child.stdio[3] as Writable).on('error', () => {}); // it may be gone before its go
    return child;
  }

  /** FILE spawned in a session of its own, with the options' user, directory, environment and umask; fd 3 is GO. */
  private spawnChild(file: string, args: readonly string[], stderr: number | 'pipe' | 'ignore', go: 'pipe' | 'ignore'): ChildProcess | null {
    const { command, cwd, env, uid, gid, stdout, umask } = this.options;
    let child: ChildProcess;
    // Node has no umask option for spawn: a child inherits the umask at fork.
    const previousUmask = umask === undefined ? null : process.umask(umask);
    try {
      // setpriv, where it does the switch (with the user's groups), execs FILE: the pid stays the one spawned.
      const run = withCredentials([file, ...args], { uid, gid });
      child = spawn(run.command[0], run.command.slice(1), {
        cwd,
        env,
        detached: true,
        stdio: go === 'pipe' ? ['ignore', stdout, stderr, 'pipe'] : ['ignore', stdout, stderr],
        uid: run.uid,
        gid: run.gid,
      });
    } catch (error) {
      this.options.onError(`cannot start ${command[0]}: ${(error as Error).message}`);
      return null;
    } finally {
      if (previousUmask !== null) process.umask(previousUmask);
    }
    child.once('error', (error) => this.options.onError(`cannot start ${command[0]}: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (this.launched.delete(child)) {
        this.exits++;
        this.options.onExit(child.pid!, code, signal);
      }
      else if (this.ready === child) this.ready = null; // killed before its turn
    });
    return child;
  }
}

/**
 * The go: one byte into the ready shell's fd 3, then our end is closed. A
 * write(2) on the pipe's descriptor, not the stream's end('\n'): that took
 * a fifth of the supervisor's time from a death to the go (0.12 of 0.57
 * ms, measured), on the critical path of every respawn. Node exposes a
 * pipe's descriptor only as its handle's fd; without it, end() does the same.
 */
function sendGo(pipe: Writable | null): void {
  if (pipe === null) return;
  const fd = (pipe as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd === 'number' && fd >= 0) {
    try {
      fs.writeSync(fd, '\n');
    } catch {
      // the shell is gone (EPIPE): its exit is on its way, as after end()
    }
    pipe.destroy();
    return;
  }
  pipe.end('\n');
}
