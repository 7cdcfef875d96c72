// What changed between the running config and a reread one. Per group, as
// supervisord's diff_to_active reports it (reread prints these lines, and
// the real supervisorctl's update removes and re-adds whole groups); per
// process, for our own update, which restarts only what changed.
import type { GroupSpec, ProcessSpec } from '../model/program';

export interface GroupDiff {
  added: GroupSpec[];
  changed: GroupSpec[];
  removed: GroupSpec[];
}

export interface ProcessChange {
  before: ProcessSpec;
  after: ProcessSpec;
  /** The ProcessSpec fields that differ, e.g. ['command', 'environment']. */
  keys: string[];
}

export interface ProcessDiff {
  added: ProcessSpec[];
  changed: ProcessChange[];
  removed: ProcessSpec[];
  unchanged: ProcessSpec[];
}

/** Fields that say where a spec was written or how, not what it runs. */
const IGNORED: ReadonlySet<string> = new Set(['source', 'explicit']);

/** supervisor's diff_to_active: added and changed in the new order, removed in the old. */
export function diffGroups(active: GroupSpec[], next: GroupSpec[]): GroupDiff {
  const activeByName = new Map(active.map((g) => [g.name, g]));
  const nextNames = new Set(next.map((g) => g.name));
  return {
    added: next.filter((g) => !activeByName.has(g.name)),
    changed: next.filter((g) => {
      const before = activeByName.get(g.name);
      return before !== undefined && !sameGroup(before, g);
    }),
    removed: active.filter((g) => !nextNames.has(g.name)),
  };
}

/** Processes matched by namespec: a process that moves to another group is removed and added. */
export function diffProcesses(active: GroupSpec[], next: GroupSpec[]): ProcessDiff {
  const before = new Map(active.flatMap((g) => g.processes).map((p) => [p.namespec, p]));
  const after = next.flatMap((g) => g.processes);
  const afterNames = new Set(after.map((p) => p.namespec));
  const diff: ProcessDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const process of after) {
    const old = before.get(process.namespec);
    if (!old) diff.added.push(process);
    else {
      const keys = changedKeys(old, process);
      if (keys.length > 0) diff.changed.push({ before: old, after: process, keys });
      else diff.unchanged.push(process);
    }
  }
  diff.removed = [...before.values()].filter((p) => !afterNames.has(p.namespec));
  return diff;
}

function sameGroup(a: GroupSpec, b: GroupSpec): boolean {
  if (a.priority !== b.priority || a.processes.length !== b.processes.length) return false;
  return a.processes.every((p, i) => changedKeys(p, b.processes[i]).length === 0);
}

export function changedKeys(a: ProcessSpec, b: ProcessSpec): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => !IGNORED.has(key) && !deepEqual((a as never)[key], (b as never)[key])).sort();
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as never)[k], (b as never)[k]));
}
