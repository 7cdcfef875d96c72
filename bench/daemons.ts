// Helpers for sections that start daemons: processes the bench does not
// parent (tdaemon, start-stop-daemon and daemon(1) detach them), so
// ProcessTracker cannot end them. They are recorded here by pid and start
// time instead, and ended by pid, with their sessions, whatever happens.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLiveState, listLiveProcesses, readProcStat, type ProcStat } from '../src/common/proc';
import { delay, millisecondsSince } from './measure';

/** Gone, or a zombie: init here reaps orphans late, so a dead daemon can linger as 'Z'. */
export function isDead(pid: number, startTicks?: string): boolean {
  const info = readProcStat(pid);
  if (info === null || !isLiveState(info.state)) return true;
  return startTicks !== undefined && info.startTicks !== startTicks; // the pid was reused
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Live processes whose command line names TAG (a section's unique temporary directory). */
export function livePidsNaming(tag: string): number[] {
  return listLiveProcesses()
    .filter((p) => p.pid !== process.pid && commandLine(p.pid).includes(tag))
    .map((p) => p.pid);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Waits until every pid is dead (see isDead); throws naming the survivors. */
export async function expectDead(pids: ReadonlyArray<{ pid: number; what: string }>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((p) => !isDead(p.pid));
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`still running after stop: ${alive.map((p) => `${p.what} (pid ${p.pid}, ${readProcStat(p.pid)?.state})`).join(', ')}`);
    }
    await delay(5);
  }
}

export function expectAbsent(files: readonly string[]): void {
  const left = files.filter((file) => fs.existsSync(file));
  if (left.length) throw new Error(`left behind after stop: ${left.join(', ')}`);
}

/**
 * Daemons a section started. Each recorded process is ended by pid, with
 * every live member of its session, when the section cleans up or, at the
 * latest, when the bench exits however it exits. A process is only killed
 * while its pid still names the process recorded (same start time), and the
 * bench's own session is never touched. `tag` (the section's temporary
 * directory, which the supervisors' command lines name) finds what was
 * never recorded.
 */
export class DaemonRegistry {
  private readonly recorded = new Map<number, ProcStat>();
  private readonly onExit = () => this.killAllNow();

  constructor(private readonly tag: string) {
    process.on('exit', this.onExit);
  }

  record(pid: number): void {
    const info = readProcStat(pid);
    if (info && isLiveState(info.state)) this.recorded.set(pid, info);
  }

  /** SIGKILLs what is left; returns the pids it had to kill. */
  killAllNow(): number[] {
    const own = readProcStat(process.pid)?.session;
    const victims = new Set<number>();
    const live = listLiveProcesses();
    for (const info of this.recorded.values()) {
      const now = live.find((p) => p.pid === info.pid);
      if (!now || now.startTicks !== info.startTicks) continue; // gone, or the pid now names another process
      victims.add(info.pid);
      if (now.session === own || now.session <= 1) continue;
      // Its session id is still in use by it, so every member is ours.
      for (const member of live) if (member.session === now.session && member.pid !== process.pid) victims.add(member.pid);
    }
    for (const pid of livePidsNaming(this.tag)) victims.add(pid);
    for (const pid of victims) killQuietly(pid);
    return [...victims];
  }

  /** Kills what is left (nothing, if every stop worked) and forgets everything. */
  async dispose(): Promise<number[]> {
    const killed = this.killAllNow();
    process.off('exit', this.onExit);
    this.recorded.clear();
    if (killed.length) await expectDead(killed.map((pid) => ({ pid, what: 'leftover' })));
    return killed;
  }
}

export interface RunResult {
  ms: number;
  status: number | null;
  /** process.hrtime.bigint() just before the fork. */
  startedAt: bigint;
  stderr: string;
}

/**
 * Wall time of one whole command, from just before fork to its reaping,
 * with no terminal on any stream (stderr is kept for error messages).
 * Throws unless it exits with one of OK_STATUSES.
 */
export function runTimed(label: string, command: string, args: readonly string[], cwd: string, okStatuses: readonly number[] = [0]): RunResult {
  const startedAt = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  const ms = millisecondsSince(startedAt);
  const stderr = result.stderr?.toString() ?? '';
  if (result.error) throw new Error(`${label}: ${result.error.message}`);
  if (result.status === null || !okStatuses.includes(result.status)) {
    throw new Error(`${label}: exited with ${result.signal ?? `status ${result.status}`}${stderr ? `: ${stderr.trim()}` : ''}`);
  }
  return { ms, status: result.status, startedAt, stderr };
}

/** The full path of an executable on PATH (or in the sbin directories, which a non-root PATH may lack), or null. */
export function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Reads a pidfile; null when it is absent or does not hold a pid. */
export function readPidfile(file: string): number | null {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** Milliseconds between two hrtime readings. */
export function msBetween(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

/**
 * A shell script that writes its pid to the fifo given as $1 as its first
 * action, then becomes `sleep 1000` (same pid): a daemon that exits on
 * SIGTERM and whose first line tells the bench it runs.
 */
export function writeMarkerScript(dir: string): string {
  const script = path.join(dir, 'marker.sh');
  fs.writeFileSync(script, '#!/bin/sh\necho $$ > "$1"\nexec sleep 1000\n', { mode: 0o755 });
  return script;
}

/** Rotates LIST by ROUND, so that no variant always runs first. */
export function rotate<T>(list: readonly T[], round: number): T[] {
  const k = ((round % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
