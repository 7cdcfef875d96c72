import { listLiveProcesses, readProcStat, type ProcStat } from '../common/proc';

/**
 * The live processes of the session SID that began no earlier than its
 * leader did. A session id is the leader's pid. Linux never hands out a pid
 * still in use as a session id, so when that pid now belongs to a process
 * with another start time, the old session is empty and the new one is a
 * stranger's: nothing is returned. The start-time floor covers the rest.
 */
export function sessionMembers(sid: number, leaderStartTicks: string): ProcStat[] {
  const holder = readProcStat(sid);
  if (holder !== null && holder.startTicks !== leaderStartTicks) return [];
  const floor = Number(leaderStartTicks);
  return listLiveProcesses().filter((p) => p.session === sid && Number(p.startTicks) >= floor);
}

/**
 * Sends SIGNAL to every process group of the session, and to each member
 * directly, so that members that made a group of their own are reached too.
 * Returns how many processes it could signal.
 */
export function signalSession(sid: number, leaderStartTicks: string, signal: NodeJS.Signals): number {
  const members = sessionMembers(sid, leaderStartTicks);
  const groups = new Set(members.map((m) => m.pgrp));
  for (const pgrp of groups) trySignal(-pgrp, signal);
  let reached = 0;
  for (const member of members) if (trySignal(member.pid, signal)) reached++;
  return reached;
}

export function trySignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** The process PID is alive and is the one that started at START_TICKS. */
export function isSameProcess(pid: number, startTicks: string): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X' && stat.startTicks === startTicks;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Stops a whole session the way stop promises: SIGNAL to every group, up to
 * TIMEOUT_MS for all of it to end, then SIGKILL, and returns the pids still
 * alive (only processes the kernel will not kill, such as ones stuck in D
 * state, survive SIGKILL).
 */
export async function stopSession(sid: number, leaderStartTicks: string, signal: NodeJS.Signals, timeoutMs: number): Promise<number[]> {
  signalSession(sid, leaderStartTicks, signal);
  // A stopped (T) process would never act on TERM: wake it.
  signalSession(sid, leaderStartTicks, 'SIGCONT');
  const deadline = Date.now() + timeoutMs;
  while (sessionMembers(sid, leaderStartTicks).length > 0 && Date.now() < deadline) await sleep(10);
  if (sessionMembers(sid, leaderStartTicks).length > 0) {
    signalSession(sid, leaderStartTicks, 'SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (sessionMembers(sid, leaderStartTicks).length > 0 && Date.now() < killDeadline) await sleep(10);
  }
  return sessionMembers(sid, leaderStartTicks).map((p) => p.pid);
}
