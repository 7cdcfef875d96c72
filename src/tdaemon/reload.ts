import { signalNumber } from '../common/signals';
import { procSignalMask } from '../common/proc';
import { EXIT } from './exit-codes';
import type { DaemonPaths } from './paths';
import { probe } from './probe';
import { trySignal } from './session';
import { complain, say } from './messages';

/** Sends the reload signal to the process that runs the command (under a watchdog, its child). */
export function reloadDaemon(paths: DaemonPaths, signal: NodeJS.Signals | undefined): number {
  const verdict = probe(paths);
  if (verdict.kind === 'unknown') {
    complain(`${paths.name}: ${verdict.summary}`);
    return EXIT.FAILURE;
  }
  if (verdict.pid === null || (verdict.kind !== 'running' && verdict.kind !== 'watchdog-lost')) {
    complain(verdict.kind === 'not-running' ? `${paths.name}: not running` : `${paths.name}: not running (${verdict.summary})`);
    return EXIT.NOT_RUNNING;
  }
  const chosen = signal ?? (verdict.record?.reloadSignal as NodeJS.Signals) ?? 'SIGHUP';
  const problem = handlingProblem(verdict.pid, chosen);
  if (problem !== null) {
    complain(`${paths.name}: pid ${verdict.pid} ${problem}; nothing sent`);
    return EXIT.FAILURE;
  }
  if (!trySignal(verdict.pid, chosen)) {
    complain(`${paths.name}: cannot signal pid ${verdict.pid}`);
    return EXIT.PRIVILEGE;
  }
  say(`sent ${chosen} to ${paths.name} (pid ${verdict.pid})`);
  return EXIT.OK;
}

/** Signals whose default action is to do nothing: sending one never hurts. */
const HARMLESS = new Set<NodeJS.Signals>(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH']);

/**
 * Says why SIGNAL would not reload the process: it ignores it (a shell script
 * cannot trap a signal that was ignored when it started, and daemons start
 * with SIGHUP ignored), or it has no handler and the default action would
 * end it. Null when it catches the signal.
 */
function handlingProblem(pid: number, signal: NodeJS.Signals): string | null {
  if (HARMLESS.has(signal)) return null;
  const bit = 1n << BigInt(signalNumber(signal) - 1);
  const caught = procSignalMask(pid, 'SigCgt');
  const ignored = procSignalMask(pid, 'SigIgn');
  if (caught === null || ignored === null || (caught & bit) !== 0n) return null;
  if ((ignored & bit) !== 0n) {
    return (
      `ignores ${signal} (a shell script cannot trap a signal ignored when it started, ` +
      `and daemons start with SIGHUP ignored): use --reload-signal USR1 and trap USR1`
    );
  }
  return `has no handler for ${signal}, which would end it`;
}
