import * as fs from 'node:fs';

/** The state letter of /proc/PID/stat, or null when the process is gone. */
export function procState(pid: number): string | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}

/** Gone, or a zombie nobody reaps: either way it runs no more. */
export function isDead(pid: number): boolean {
  const state = procState(pid);
  return state === null || state === 'Z' || state === 'X';
}

export function isRunning(pid: number): boolean {
  return !isDead(pid);
}

/** Polls CHECK until it returns a truthy value, or fails after the deadline. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000, intervalMs = 15): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads a pidfile once it holds a whole line. */
export function readPid(file: string): number | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return /^\d+\n$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** Fields of /proc/PID/status such as SigIgn, as text. */
export function procStatusField(pid: number, field: string): string | null {
  try {
    const match = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? match[1] : null;
  } catch {
    return null;
  }
}

/** Live processes whose session id is SID. */
export function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (Number(f[3]) === sid && f[0] !== 'Z' && f[0] !== 'X') members.push(Number(name));
    } catch {
      // gone while reading
    }
  }
  return members;
}

/**
 * Every process a test starts is recorded here and ended by pid (and by
 * process group, when it leads one) when the test ends. Never by name.
 */
export class Reaper {
  private readonly pids = new Set<number>();

  track(...pids: Array<number | null | undefined>): void {
    for (const pid of pids) if (pid) this.pids.add(pid);
  }

  /** Tracks every pid written in FILE, if it holds one. */
  trackPidfile(file: string): number | null {
    const pid = readPid(file);
    this.track(pid);
    return pid;
  }

  async reap(): Promise<void> {
    for (const pid of this.pids) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // not a group leader, or already gone
        }
      }
    }
    await waitFor(() => [...this.pids].every(isDead), 'tracked processes to end', 5000);
    this.pids.clear();
  }
}
