import { EXIT } from './exit-codes';
import type { DaemonPaths } from './paths';
import { probe } from './probe';
import { trySignal } from './session';
import { complain, say } from './start';

/** Sends the reload signal to the process that runs the command (under a watchdog, its child). */
export function reloadDaemon(paths: DaemonPaths, signal: NodeJS.Signals | undefined): number {
  const verdict = probe(paths);
  if (verdict.kind === 'unknown') {
    complain(`${paths.name}: ${verdict.summary}`);
    return EXIT.FAILURE;
  }
  if (verdict.pid === null || (verdict.kind !== 'running' && verdict.kind !== 'watchdog-lost')) {
    complain(`${paths.name}: not running (${verdict.summary})`);
    return EXIT.NOT_RUNNING;
  }
  const chosen = signal ?? (verdict.record?.reloadSignal as NodeJS.Signals) ?? 'SIGHUP';
  if (!trySignal(verdict.pid, chosen)) {
    complain(`${paths.name}: cannot signal pid ${verdict.pid}`);
    return EXIT.PRIVILEGE;
  }
  say(`sent ${chosen} to ${paths.name} (pid ${verdict.pid})`);
  return EXIT.OK;
}
