import * as fs from 'node:fs';

/** The fields of /proc/PID/stat after the command name (field 3 first), or null when the process is gone. */
function statFields(pid: number | string): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The state letter of /proc/PID/stat, or null when the process is gone. */
export function procState(pid: number): string | null {
  return statFields(pid)?.[0] ?? null;
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
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10000, intervalMs = 15): Promise<NonNullable<T>> {
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
/** Live processes whose command line holds ARG as one word (a test's own marker). */
export function processesWithArg(arg: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(arg) && isRunning(Number(name))) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

export function procStatusField(pid: number, field: string): string | null {
  try {
    const match = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? match[1] : null;
  } catch {
    return null;
  }
}

/** The session id of PID, or null when it is gone. */
export function procSession(pid: number): number | null {
  const f = statFields(pid);
  return f ? Number(f[3]) : null;
}

/** Live processes whose session id is SID. */
export function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f && Number(f[3]) === sid && f[0] !== 'Z' && f[0] !== 'X') members.push(Number(name));
  }
  return members;
}

/** Field 22 of /proc/PID/stat: when the process started, its identity beside the pid. */
export function startTicks(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/**
 * Every process a test starts is recorded here and ended by pid (and its
 * process group, when it leads one) when the test ends. Never by name. pids
 * are reused quickly here (pid_max is 32768), so each is recorded with its
 * start time, and a pid that now names another process is left alone.
 */
export class Reaper {
  private readonly pids = new Map<number, string>();

  track(...pids: Array<number | null | undefined>): void {
    for (const pid of pids) {
      if (!pid || this.pids.has(pid)) continue;
      const ticks = startTicks(pid);
      if (ticks !== null) this.pids.set(pid, ticks);
    }
  }

  /** Tracks every pid written in FILE, if it holds one. */
  trackPidfile(file: string): number | null {
    const pid = readPid(file);
    this.track(pid);
    return pid;
  }

  async reap(): Promise<void> {
    const targets = [...this.pids].filter(([pid, ticks]) => startTicks(pid) === ticks);
    for (const [pid, ticks] of this.pids) {
      // The group outlives its leader: end members that started after it.
      for (const member of groupMembers(pid, ticks)) signal(member, 'SIGKILL');
    }
    for (const [pid] of targets) signal(pid, 'SIGKILL');
    await waitFor(() => targets.every(([pid]) => isDead(pid)), 'tracked processes to end', 5000);
    this.pids.clear();
  }
}

/** Live processes of process group PGID that started no earlier than its leader, unless the pid is another's now. */
function groupMembers(pgid: number, leaderTicks: string): number[] {
  const holder = startTicks(pgid);
  if (holder !== null && holder !== leaderTicks) return [];
  const members: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f && Number(f[2]) === pgid && f[0] !== 'Z' && Number(f[19]) >= Number(leaderTicks)) members.push(Number(name));
  }
  return members;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
