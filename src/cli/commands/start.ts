import { startDaemon, type StartOutcome } from '../../app/start';
import type { LogTail } from '../../app/start/first-run';
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
    const overrides = startOverrides(argv);
    if (overrides.readyTimeoutMs !== undefined && overrides.ready === undefined) throw new DaemonError('USAGE', '--ready-timeout needs --ready');
    const resolved = paths();
    return renderStart(resolved, await startDaemon({ ...startDefaults(), ...definedOnly(overrides), paths: resolved, command }));
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
          `run it in the foreground, without '&' or a daemonize option`,
      );
      return EXIT.FAILURE;
    case 'watchdog-silent':
      complain(`${name}: the watchdog (pid ${outcome.watchdog}) did not start the command within ${outcome.limitMs / 1000} s`);
      return EXIT.FAILURE;
    case 'not-ready': {
      const what =
        outcome.how === null
          ? `was not ready within ${outcome.timeoutMs / 1000} s (--ready ${outcome.ready}: ${outcome.whyNot})`
          : `${outcome.how} before it was ready (--ready ${outcome.ready})`;
      const stopped = outcome.stopProblem === null ? 'stopped' : `stopping it failed: ${outcome.stopProblem}`;
      complain(`${name} ${what}; ${stopped}; last lines of ${outcome.log}:`);
      printTails(outcome.log, outcome.tails);
      return EXIT.FAILURE;
    }
    case 'died-early': {
      const after = outcome.watchdogGoesOn ? "; its watchdog goes on by the restart policy ('tdaemon stop' ends it)" : '';
      complain(`${name} ${outcome.how} within ${outcome.waitMs / 1000} s of starting${after}; last lines of ${outcome.log}:`);
      printTails(outcome.log, outcome.tails);
      return EXIT.FAILURE;
    }
  }
}

function printTails(log: string, tails: LogTail[]): void {
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
