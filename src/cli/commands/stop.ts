import { stopDaemon, type StopOutcome } from '../../app/stop';
import type { DaemonPaths } from '../../model/daemon-paths';
import { EXIT } from '../../policy/exit-codes';
import { describeProblem, describeStatus, foreignRefusal, recoveryHint } from '../../policy/status-text';
import { STOP_OPTIONS } from '../options';
import { complain, say } from '../report';
import { stopOverrides } from '../start-options';
import type { Command } from './command';

export const stopCommand: Command = {
  name: 'stop',
  usage: 'tdaemon {--pidfile FILE | --name NAME} stop [OPTION]...',
  describe: 'stop the daemon and every process it started',
  options: STOP_OPTIONS,
  takesCommand: false,
  mode: 'daemon',
  createsFiles: false,
  run: async ({ paths, argv }) => renderStop(paths(), await stopDaemon(paths(), stopOverrides(argv))),
};

/** Prints what stop did and returns its exit status (restart prints its stop the same way). */
export function renderStop(paths: DaemonPaths, outcome: StopOutcome): number {
  const { name } = paths;
  switch (outcome.kind) {
    case 'not-running':
      say(`${name} not running`);
      return EXIT.OK;
    case 'unknown':
      complain(`${name}: ${describeProblem(outcome.verdict)}; not touching anything${recoveryHint(outcome.verdict)}`);
      return EXIT.FAILURE;
    case 'cleared': {
      const n = outcome.leftoversKilled;
      const killed = n > 0 ? `; killed ${n} leftover process${n === 1 ? '' : 'es'}` : '';
      const removed = outcome.problems.length > 0 ? '' : '; removed its pidfile';
      say(`${name} not running (${describeStatus(outcome.verdict, paths.pidfile)})${removed}${killed}`);
      sayProblems(name, outcome.problems);
      return EXIT.OK;
    }
    case 'stopped':
      if (outcome.killed) {
        const { signal, timeoutMs } = outcome.killed;
        say(`${name} did not stop on ${signal} within ${timeoutMs / 1000} s; killed (${stoppedWhat(outcome)})`);
      } else say(`${name} stopped (${stoppedWhat(outcome)})`);
      sayProblems(name, outcome.problems);
      return EXIT.OK;
    case 'stopped-untracked':
      say(`${name} stopped (${outcome.pids.length === 1 ? 'pid' : 'pids'} ${outcome.pids.join(' ')}, which no pidfile named: a start was killed before it recorded them)`);
      sayProblems(name, outcome.problems);
      return EXIT.OK;
    case 'foreign':
      complain(`${name}: ${foreignRefusal(outcome.verdict, paths.pidfile, 'not signalling it')}`);
      return EXIT.PRIVILEGE;
    case 'not-permitted': {
      const owner = outcome.owner === null ? 'another user' : `uid ${outcome.owner}`;
      complain(`${name}: cannot signal pid ${outcome.pid}, which belongs to ${owner} (this is uid ${process.getuid?.()}); nothing signalled`);
      return EXIT.PRIVILEGE;
    }
    case 'survivors':
      complain(`${name}: processes survived SIGKILL: ${outcome.pids.join(' ')} (stuck in the kernel?)`);
      return EXIT.FAILURE;
  }
}

/** "pid N" of the command, and its watchdog (the command may not have been running). */
function stoppedWhat(outcome: Extract<StopOutcome, { kind: 'stopped' }>): string {
  const command = outcome.pid === null ? 'no command was running' : `pid ${outcome.pid}`;
  if (outcome.watchdogWasLost) return `${command}; its watchdog was already gone`;
  return outcome.watchdog === null ? command : `${command}, watchdog ${outcome.watchdog}`;
}

/** What was stopped is stopped; a file that could not be removed (a read-only file system) is said on stderr. */
function sayProblems(name: string, problems: string[]): void {
  for (const problem of problems) complain(`${name}: ${problem}`);
}

