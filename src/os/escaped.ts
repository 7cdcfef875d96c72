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
  const found = new Set(young.filter((p) => programOf(p.pid) === suspects.program && uidOf(p.pid) === suspects.uid).map((p) => p.pid));
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
