import { isLiveState, listLiveProcesses, readProcStat, type ProcStat } from '../common/proc';

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
 * Sends each of SIGNALS to every process group of the session, and to each
 * member directly, so that members that made a group of their own are
 * reached too. One scan serves all the signals. Returns the members found.
 */
export function signalSession(sid: number, leaderStartTicks: string, ...signals: NodeJS.Signals[]): ProcStat[] {
  const members = sessionMembers(sid, leaderStartTicks);
  const groups = new Set(members.map((m) => m.pgrp));
  for (const signal of signals) {
    for (const pgrp of groups) trySignal(-pgrp, signal);
    for (const member of members) trySignal(member.pid, signal);
  }
  return members;
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
  return stat !== null && isLiveState(stat.state) && stat.startTicks === startTicks;
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
  // CONT wakes a stopped (T) process, which would never act on the signal.
  if (signalSession(sid, leaderStartTicks, signal, 'SIGCONT').length === 0) return [];
  if (await waitUntilEmpty(sid, leaderStartTicks, timeoutMs)) return [];
  signalSession(sid, leaderStartTicks, 'SIGKILL');
  await waitUntilEmpty(sid, leaderStartTicks, 5000);
  return sessionMembers(sid, leaderStartTicks).map((p) => p.pid);
}

/** Polls, 1 ms at first and up to 20 ms apart: most daemons end at once. */
async function waitUntilEmpty(sid: number, leaderStartTicks: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
    if (sessionMembers(sid, leaderStartTicks).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
  }
}
