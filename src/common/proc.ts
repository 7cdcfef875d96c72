import fs = require('node:fs');

/** The fields of /proc/PID/stat that liveness and identity checks need. */
export interface ProcStat {
  pid: number;
  /** One letter: R running, S sleeping, D disk, T stopped, Z zombie, X dead. */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /**
   * Field 22, the start time in clock ticks since boot. Kept as the raw
   * string: it is an identity token, compared for equality, never as a date
   * (a derived date is only good to about a second; node-facts.md §8).
   */
  startTicks: string;
}

// One buffer for every read: a supervisor scans /proc often, and a string
// per field of every process would feed the garbage collector for nothing.
const statBuffer = Buffer.alloc(1024);

/**
 * Reads /proc/PID/stat, or null when there is no such process. The command
 * name may hold spaces and parentheses, so fields are counted from the last
 * ')' rather than split from the start.
 */
export function readProcStat(pid: number): ProcStat | null {
  let length: number;
  try {
    const fd = fs.openSync(`/proc/${pid}/stat`, 'r');
    try {
      length = fs.readSync(fd, statBuffer, 0, statBuffer.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  return parseProcStat(pid, statBuffer.toString('latin1', 0, length));
}

/**
 * Fields 3 to 6 and 22 of a stat line, read in one pass. Each field's end is
 * found by indexOf: a scan character by character ran in V8's interpreter
 * in a short-lived command, a third of the cost of listing hundreds of
 * processes.
 */
export function parseProcStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  let state = '';
  let ppid = '';
  let pgrp = '';
  let session = '';
  let start = close + 2;
  for (let field = 0; field <= 19; field++) {
    if (start > text.length) return null;
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    if (field === 19) {
      return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp), session: Number(session), startTicks: text.slice(start, end) };
    }
    if (field === 0) state = text.slice(start, end);
    else if (field === 1) ppid = text.slice(start, end);
    else if (field === 2) pgrp = text.slice(start, end);
    else if (field === 3) session = text.slice(start, end);
    start = end + 1;
  }
  return null;
}

/**
 * A zombie is dead: on machines whose init does not reap orphans it stays in
 * the process table, and kill(pid, 0) still succeeds on it.
 */
export function isLiveState(state: string): boolean {
  return state !== 'Z' && state !== 'X';
}

/** The process is there and not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && isLiveState(stat.state);
}

/** Every live (non-zombie) process of the machine. */
export function listLiveProcesses(): ProcStat[] {
  const result: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat && isLiveState(stat.state)) result.push(stat);
  }
  return result;
}

/** Ticks per second for field 22; Linux has used 100 on every architecture for user space. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Seconds since boot, from /proc/uptime. */
export function readUptimeSeconds(): number {
  return Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

/** How long a process has been running, in seconds, from its start ticks. */
export function secondsSinceStart(startTicks: string): number {
  return Math.max(0, readUptimeSeconds() - Number(startTicks) / CLOCK_TICKS_PER_SECOND);
}

/** The value of a line of /proc/PID/status, such as 'SigIgn' or 'VmRSS', or null. */
export function procStatusField(pid: number, field: string): string | null {
  try {
    const match = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? match[1] : null;
  } catch {
    return null;
  }
}

/** A signal mask line of /proc/PID/status (SigCgt, SigIgn, SigBlk) as bits, or null. */
export function procSignalMask(pid: number, field: 'SigCgt' | 'SigIgn' | 'SigBlk'): bigint | null {
  const value = procStatusField(pid, field);
  return value !== null && /^[0-9a-f]+$/.test(value) ? BigInt(`0x${value}`) : null;
}
