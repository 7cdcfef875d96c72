import { startDaemon, type StartOutcome } from '../../app/start';
import { definedOnly } from '../../app/restart';
import { writeQuietly } from '../../common/say';
import type { DaemonPaths } from '../../model/daemon-paths';
import { DaemonError } from '../../model/errors';
import { EXIT } from '../../policy/exit-codes';
import { describeStarted } from '../../policy/status-text';
import type { StatusVerdict } from '../../policy/status-verdict';
import { RELOAD_OPTIONS, START_OPTIONS, STOP_OPTIONS } from '../options';
import { complain, say } from '../report';
import { startDefaults, startOverrides } from '../start-options';
import type { Command } from './command';

export const startCommand: Command = {
  name: 'start',
  usage: 'tdaemon [--pidfile FILE | --name NAME] start [OPTION]... [--] COMMAND [ARG]...',
  describe: 'start COMMAND as a daemon, unless it already runs',
  options: { ...START_OPTIONS, ...STOP_OPTIONS, ...RELOAD_OPTIONS },
  takesCommand: true,
  mode: 'daemon',
  createsFiles: true,
  run: async ({ paths, argv, command }) => {
    if (command.length === 0) throw new DaemonError('USAGE', 'start needs a command: tdaemon start [OPTION]... -- COMMAND [ARG]...');
    const resolved = paths();
    return renderStart(resolved, await startDaemon({ ...startDefaults(), ...definedOnly(startOverrides(argv)), paths: resolved, command }));
  },
};

/** Prints what start did and returns its exit status (restart prints its start the same way). */
export function renderStart(paths: DaemonPaths, outcome: StartOutcome): number {
  const { name } = paths;
  switch (outcome.kind) {
    case 'already-running':
      say(`${name} already running (${describeRunning(outcome.verdict)})`);
      return EXIT.OK;
    case 'started': {
      say(`${name} started (${describeStarted(outcome.pid, outcome.watchdog, outcome.firstExit)}); log ${outcome.log}`);
      return EXIT.OK;
    }
    case 'went-background':
      complain(
        `${name}: the command put itself in the background (pids ${outcome.pids.join(' ')} still ran; now killed); ` +
          `run it in the foreground, without '&' or a daemonize option${FOREGROUND_HINT}`,
      );
      return EXIT.FAILURE;
    case 'went-background-unsure':
      complain(
        `${name}: the command exited 0 and put itself in the background: pids ${outcome.suspects.join(' ')} run its program, ` +
          `started since, and were left running (without a cgroup, which needs root, tdaemon cannot tell them for sure); ` +
          `run it in the foreground${FOREGROUND_HINT}`,
      );
      return EXIT.FAILURE;
    case 'forking-failed': {
      const what = [
        outcome.stopped.length > 0 ? `pids ${outcome.stopped.join(' ')} of it stopped` : '',
        outcome.survivors.length > 0 ? `pids ${outcome.survivors.join(' ')} survived SIGKILL` : '',
        outcome.suspects.length > 0 ? `pids ${outcome.suspects.join(' ')} run its program, started since, and were left running` : '',
      ].filter(Boolean);
      complain(`${name}: ${outcome.problem}${what.length > 0 ? ` (${what.join('; ')})` : ''}; last lines of ${outcome.log}:`);
      printTails(outcome.log, outcome.tails);
      return EXIT.FAILURE;
    }
    case 'watchdog-silent':
      complain(`${name}: the watchdog (pid ${outcome.watchdog}) did not start the command within ${outcome.limitMs / 1000} s`);
      return EXIT.FAILURE;
    case 'died-early': {
      const after = outcome.watchdogGoesOn ? "; its watchdog goes on by the restart policy ('tdaemon stop' ends it)" : '';
      complain(`${name} ${outcome.how} within ${outcome.waitMs / 1000} s of starting${after}; last lines of ${outcome.log}:`);
      printTails(outcome.log, outcome.tails);
      return EXIT.FAILURE;
    }
  }
}

/** How the servers people meet most stay in the foreground, or how tdaemon tracks one that will not. */
const FOREGROUND_HINT = " (nginx -g 'daemon off;', redis-server --daemonize no), or start it with --forking --command-pidfile FILE";

function printTails(log: string, tails: Array<{ file: string; lines: string[] }>): void {
  for (const tail of tails) {
    if (tail.file !== log) writeQuietly(2, `  ${tail.file}:\n`);
    for (const line of tail.lines) writeQuietly(2, `  ${line}\n`);
  }
}

/** "pid N", and for a watched daemon its watchdog too (the child may not have started yet). */
function describeRunning(verdict: StatusVerdict): string {
  const record = verdict.record;
  if (!record?.watchdog) return `pid ${verdict.pid}`;
  if (verdict.kind === 'watchdog-lost') return `pid ${verdict.pid}, watchdog lost`;
  if (verdict.kind === 'restarting') return `watchdog ${record.pid}, restarting`;
  return verdict.pid ? `pid ${verdict.pid}, watchdog ${record.pid}` : `watchdog ${record.pid}, starting`;
}
