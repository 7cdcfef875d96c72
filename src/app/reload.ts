import fs = require('node:fs');
import path = require('node:path');
import { procSignalMask } from '../common/proc';
import { signalNumber } from '../common/signals';
import type { DaemonPaths } from '../model/daemon-paths';
import { trySignal } from '../os/family';
import type { StatusVerdict } from '../policy/status-verdict';
import { probe } from './probe';

export type ReloadOutcome =
  | { kind: 'sent'; signal: NodeJS.Signals; pid: number }
  | { kind: 'unknown'; verdict: StatusVerdict }
  | { kind: 'not-running'; verdict: StatusVerdict }
  | { kind: 'refused'; pid: number; problem: string }
  | { kind: 'not-permitted'; pid: number }
  /** The pidfile names a live process tdaemon did not start: nothing sent. */
  | { kind: 'foreign'; verdict: StatusVerdict };

/** Sends the reload signal to the process that runs the command (under a watchdog, its child). */
export function reloadDaemon(paths: DaemonPaths, signal: NodeJS.Signals | undefined): ReloadOutcome {
  const verdict = probe(paths);
  // Untracked processes are no daemon a reload may pick one of: say what is there.
  if (verdict.kind === 'foreign') return { kind: 'foreign', verdict };
  if (verdict.kind === 'unknown' || verdict.kind === 'untracked' || verdict.kind === 'changing') return { kind: 'unknown', verdict };
  if (verdict.pid === null || (verdict.kind !== 'running' && verdict.kind !== 'watchdog-lost')) return { kind: 'not-running', verdict };
  const chosen = signal ?? (verdict.record?.reloadSignal as NodeJS.Signals | undefined) ?? 'SIGHUP';
  const problem = handlingProblem(verdict.pid, chosen);
  if (problem !== null) return { kind: 'refused', pid: verdict.pid, problem };
  if (!trySignal(verdict.pid, chosen)) return { kind: 'not-permitted', pid: verdict.pid };
  return { kind: 'sent', signal: chosen, pid: verdict.pid };
}

/** Signals whose default action is to do nothing: sending one never hurts. */
const HARMLESS = new Set<NodeJS.Signals>(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH']);

/**
 * Says why SIGNAL would not reload the process: it ignores it, or it has no
 * handler and the default action would end it. Null when it catches the
 * signal. Which signal reloads a program is the program's business (USR1
 * ends redis), so only a shell is told which to use: a shell script cannot
 * trap a signal that was ignored when it started, and daemons start with
 * SIGHUP ignored.
 */
function handlingProblem(pid: number, signal: NodeJS.Signals): string | null {
  if (HARMLESS.has(signal)) return null;
  const bit = 1n << BigInt(signalNumber(signal) - 1);
  const caught = procSignalMask(pid, 'SigCgt');
  const ignored = procSignalMask(pid, 'SigIgn');
  if (caught === null || ignored === null || (caught & bit) !== 0n) return null;
  if ((ignored & bit) !== 0n) {
    if (isShell(pid)) {
      return (
        `ignores ${signal} (a shell script cannot trap a signal ignored when it started, ` +
        `and daemons start with SIGHUP ignored): trap USR1 in the script and use --reload-signal USR1`
      );
    }
    return `ignores ${signal}, so it would not reload on it; if the program reloads on another signal, give that with --reload-signal`;
  }
  return `has no handler for ${signal}, which would end it; if the program reloads on another signal, give that with --reload-signal`;
}

const SHELLS = new Set(['sh', 'dash', 'bash', 'ash', 'ksh', 'mksh', 'zsh', 'busybox']);

/** The process runs a shell: its executable is one (a script's comm is the script's name). */
function isShell(pid: number): boolean {
  try {
    return SHELLS.has(path.basename(fs.readlinkSync(`/proc/${pid}/exe`)));
  } catch {
    return false; // another user's process: no reason to guess
  }
}
