import fs = require('node:fs');
import { isLiveState, listLiveProcesses, readProcStat, type ProcStat } from '../common/proc';
import { cgroupPids } from './cgroup';
import { tagMatcher } from './tag';

/**
 * The live processes of the session SID that began no earlier than its
 * leader did. A session id is the leader's pid. Linux never hands out a pid
 * still in use as a session id, so when that pid now belongs to a process
 * with another start time, the old session is empty and the new one is a
 * stranger's: nothing is returned. The start-time floor covers the rest.
 */
export function sessionMembers(sid: number, leaderStartTicks: string, all: ProcStat[] = listLiveProcesses()): ProcStat[] {
  const holder = readProcStat(sid);
  if (holder !== null && holder.startTicks !== leaderStartTicks) return [];
  const floor = Number(leaderStartTicks);
  return all.filter((p) => p.session === sid && Number(p.startTicks) >= floor);
}

/**
 * What a stop must end: the live processes of SESSION (see sessionMembers),
 * and, with TAG, those that left it (setsid, a double fork) but still carry
 * the daemon's tag in their environment (tagged.ts) and started no earlier
 * than SINCE_TICKS.
 *
 * This process and SPARE are never members: a script inside the daemon may
 * run `tdaemon restart` on it (a deploy hook, a self-update), and that
 * tdaemon, or the one that asked a watchdog to stop, must live to finish.
 */
export interface Family {
  session?: { sid: number; leaderStartTicks: string };
  /** One process by pid and start time (a stop that must reach the main process alone). */
  process?: { pid: number; startTicks: string };
  tag?: { pidfile: string; sinceTicks: string };
  /** A cgroup2 directory made for the daemon alone (os/cgroup.ts): every process in it is a member. */
  cgroup?: string;
  /** The children of this process, and theirs, wherever their session (a forking server's main process). */
  descendantsOf?: { pid: number; startTicks: string };
  spare?: readonly number[];
}

export interface Member extends ProcStat {
  /** A member of the session itself, not one that left it. */
  inSession: boolean;
  /** Signalled by itself, never through its process group (Family.process). */
  alone?: boolean;
}

export function familyMembers(family: Family, all?: ProcStat[]): Member[] {
  if (all === undefined && isTagOnly(family) && !mayHaveTagged(family)) return [];
  return membersAmong(family, all ?? listLiveProcesses());
}

function membersAmong(family: Family, all: ProcStat[]): Member[] {
  const members: Member[] = [];
  const { session, tag } = family;
  const spared = new Set(sparedPids(family));
  if (session) {
    for (const p of sessionMembers(session.sid, session.leaderStartTicks, all)) {
      if (!spared.has(p.pid)) members.push({ ...p, inSession: true });
    }
  }
  if (family.process && !spared.has(family.process.pid)) {
    const p = all.find((q) => q.pid === family.process!.pid && q.startTicks === family.process!.startTicks);
    if (p && !members.some((m) => m.pid === p.pid)) members.push({ ...p, inSession: false, alone: true });
  }
  if (family.cgroup) {
    const inGroup = new Set(cgroupPids(family.cgroup));
    const known = new Set(members.map((m) => m.pid));
    for (const p of all) {
      if (inGroup.has(p.pid) && !known.has(p.pid) && !spared.has(p.pid)) members.push({ ...p, inSession: false });
    }
  }
  const root = family.descendantsOf;
  if (root && all.some((p) => p.pid === root.pid && p.startTicks === root.startTicks)) {
    const found = new Set([root.pid]);
    const floor = Number(root.startTicks);
    const known = new Set(members.map((m) => m.pid));
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all) {
        if (found.has(p.pid) || !found.has(p.ppid) || Number(p.startTicks) < floor) continue;
        found.add(p.pid);
        grew = true;
        if (!known.has(p.pid) && !spared.has(p.pid)) members.push({ ...p, inSession: false });
      }
    }
  }
  if (tag) {
    const floor = Number(tag.sinceTicks);
    const known = new Set(members.map((m) => m.pid));
    const carries = tagMatcher(tag.pidfile);
    // Reading every process's environment is the costly part (one open and
    // read each): only session leaders, and processes whose session leader
    // is gone, are read. A process in a live leader's session belongs to
    // the family when its leader carries the tag: a session cannot be
    // joined, so it descends from the leader.
    const leaders = new Map(all.filter((p) => p.pid === p.session).map((p) => [p.pid, p]));
    const leaderCarries = new Map<number, boolean>();
    const tagged = (p: ProcStat): boolean => {
      if (p.session === 0) return false; // kernel threads: no environment
      const leader = leaders.get(p.session);
      if (leader === undefined || leader.pid === p.pid) return carries(p.pid);
      if (!leaderCarries.has(leader.pid)) leaderCarries.set(leader.pid, Number(leader.startTicks) >= floor && carries(leader.pid));
      return leaderCarries.get(leader.pid)!;
    };
    for (const p of all) {
      if (known.has(p.pid) || spared.has(p.pid) || Number(p.startTicks) < floor) continue;
      if (tagged(p)) members.push({ ...p, inSession: false });
    }
  }
  return members;
}

/** A family known by its tag alone (and its cgroup): what no pidfile names any more. */
function isTagOnly(family: Family): family is Family & { tag: NonNullable<Family['tag']> } {
  return family.tag !== undefined && family.session === undefined && family.process === undefined && family.descendantsOf === undefined;
}

/**
 * Whether a family of a tag (and a cgroup) may have members at all: it has
 * none when its cgroup is empty and no process's environment carries the
 * tag, since every member, or its session's leader, carries it. One read of
 * each process's environment tells, where the rule itself reads every
 * process's stat and then the environment of most (session leaders): a
 * start with no pidfile yet, and status and stop of an absent daemon, do
 * half the reads of /proc on a machine where no process carries the tag.
 */
function mayHaveTagged(family: Family & { tag: NonNullable<Family['tag']> }): boolean {
  if (family.cgroup !== undefined && cgroupPids(family.cgroup).length > 0) return true;
  const carries = tagMatcher(family.tag.pidfile);
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return true; // the rule itself says what it can
  }
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first >= 48 && first <= 57 && carries(Number(name))) return true;
  }
  return false;
}

/**
 * Sends each of SIGNALS to every member of the family exactly once (a
 * second SIGINT interrupts Python's cleanup; redis logs a second SIGTERM):
 * a whole process group gets it through kill(-pgrp) when every live process
 * in the group is a member (so a child forked meanwhile gets it too), and
 * each other member by its pid (a group shared with a spared process or a
 * stranger). One scan serves all the signals. Returns the members.
 */
export function signalFamily(family: Family, ...signals: NodeJS.Signals[]): Member[] {
  const all = listLiveProcesses();
  const members = membersAmong(family, all);
  const isMember = new Set(members.map((m) => m.pid));
  const byGroup = new Map<number, number[]>();
  for (const p of all) byGroup.set(p.pgrp, [...(byGroup.get(p.pgrp) ?? []), p.pid]);
  const groups = new Set<number>();
  for (const member of members) {
    if (member.alone || groups.has(member.pgrp)) continue;
    if ((byGroup.get(member.pgrp) ?? []).every((pid) => isMember.has(pid))) groups.add(member.pgrp);
  }
  const alone = members.filter((m) => m.alone || !groups.has(m.pgrp));
  for (const signal of signals) {
    for (const pgrp of groups) trySignal(-pgrp, signal);
    for (const member of alone) trySignal(member.pid, signal);
  }
  return members;
}

function sparedPids(family: Family): number[] {
  return [process.pid, ...(family.spare ?? [])];
}

/** The family of a session alone. */
export function sessionOf(sid: number, leaderStartTicks: string): Family {
  return { session: { sid, leaderStartTicks } };
}

export function trySignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** Those of PIDS that this process may not signal (kill(2) with signal 0 fails with EPERM). */
export function unsignallable(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  });
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
 * Stops a whole family the way stop promises: SIGNAL to every group and
 * member, up to TIMEOUT_MS for all of it to end, then SIGKILL, and returns
 * the pids still alive (only processes the kernel will not kill, such as
 * ones stuck in D state, survive SIGKILL). ON_KILL is called when SIGKILL
 * was needed.
 */
export async function stopFamily(family: Family, signal: NodeJS.Signals, timeoutMs: number, onKill?: () => void): Promise<number[]> {
  // CONT wakes a stopped (T) process, which would never act on the signal.
  if (signalFamily(family, signal, 'SIGCONT').length === 0) return [];
  if (await waitUntilGone(family, timeoutMs)) return [];
  onKill?.(); // stop says so: a daemon that needs SIGKILL may lose data
  signalFamily(family, 'SIGKILL');
  return (await waitUntilGone(family, 5000)) ? [] : familyMembers(family).map((p) => p.pid);
}

/** Polls, 1 ms at first and up to 20 ms apart: most daemons end at once. */
async function waitUntilGone(family: Family, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
    if (familyMembers(family).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
  }
}
