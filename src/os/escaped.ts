import fs = require('node:fs');
import { listLiveProcesses, procStatusField, type ProcStat } from '../common/proc';

/**
 * Without a cgroup, a server that calls setsid and rewrites its environment
 * area (nginx, redis) keeps nothing of its launch: not the session, not the
 * tag, and its parent is init by the time anyone looks. What it cannot
 * change is the program it runs, its user, and when it started. The
 * processes that run the command's program, as the daemon's user, started
 * no earlier than the launch, and their descendants, are very likely what
 * the command left; but another copy started meanwhile would match too, so
 * they are only named, never signalled.
 */
export interface Suspects {
  /** The launch's start ticks: nothing older is a suspect. */
  sinceTicks: string;
  uid: number;
  /** The command's program, resolved (symlinks followed). */
  program: string;
  /** Never suspects: this process and the caller's own. */
  spare?: readonly number[];
}

export function findSuspects(suspects: Suspects, all: ProcStat[] = listLiveProcesses()): number[] {
  const floor = Number(suspects.sinceTicks);
  const spare = new Set([process.pid, ...(suspects.spare ?? [])]);
  const young = all.filter((p) => Number(p.startTicks) >= floor && !spare.has(p.pid));
  // What the launch left was orphaned when the launch exited: its parent is
  // now init or the nearest subreaper above the launch, which is above this
  // process too. A young process whose parent is some other process (a
  // shell of the user's running the same program) is not the launch's.
  const adopters = ancestorsOf(process.pid, all);
  const found = new Set(
    young.filter((p) => adopters.has(p.ppid) && programOf(p.pid) === suspects.program && uidOf(p.pid) === suspects.uid).map((p) => p.pid),
  );
  // Descendants: their parent is a suspect (workers of a master).
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of young) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** PID's ancestors, and init. */
function ancestorsOf(pid: number, all: ProcStat[]): Set<number> {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const found = new Set<number>([1]);
  for (let at = byPid.get(pid)?.ppid; at !== undefined && at > 1 && !found.has(at); at = byPid.get(at)?.ppid) found.add(at);
  return found;
}

/** The program a process runs; null when it cannot be read (another user's, gone). */
export function programOf(pid: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return null;
  }
}

function uidOf(pid: number): number | null {
  const uids = procStatusField(pid, 'Uid');
  return uids === null ? null : Number(uids.split(/\s+/)[0]);
}
