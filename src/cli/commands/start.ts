import fs = require('node:fs');
import path = require('node:path');
import { startDaemon, type StartOutcome } from '../../app/start';
import type { LogTail } from '../../app/start/first-run';
import { definedOnly } from '../../app/restart';
import { writeQuietly } from '../../common/say';
import type { DaemonPaths } from '../../model/daemon-paths';
import { DaemonError } from '../../model/errors';
import { EXIT } from '../../policy/exit-codes';
import { lookupCommand } from '../../common/command-path';
import { runtimeDirectory } from '../../os/paths';
import { describeExit, formatCommand } from '../../policy/describe';
import { replaceAdvice, startDifferences, type StartShape } from '../../policy/start-differences';
import { describeStarted } from '../../policy/status-text';
import type { StatusVerdict } from '../../policy/status-verdict';
import { RELOAD_OPTIONS, START_OPTIONS, STOP_OPTIONS } from '../options';
import { complain, say } from '../report';
import { startDefaults, startOverrides } from '../start-options';
import type { Command } from './command';

export const startCommand: Command = {
  name: 'start',
  usage: 'tdaemon {--pidfile FILE | --name NAME} start [OPTION]... [--] COMMAND [ARG]...',
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
    const options = { ...startDefaults(), ...definedOnly(overrides), paths: resolved, command };
    return renderStart(resolved, await startDaemon(options), { command, respawn: options.respawn !== null });
  },
};

/**
 * Prints what start did and returns its exit status (restart prints its
 * start the same way). REQUESTED: what a start asked for, to compare with
 * what already runs.
 */
export function renderStart(paths: DaemonPaths, outcome: StartOutcome, requested?: StartShape): number {
  const { name } = paths;
  switch (outcome.kind) {
    case 'already-running': {
      const record = outcome.verdict.record;
      const recorded = record ? { command: record.command, respawn: record.watchdog !== null } : null;
      const differences = recorded && requested ? startDifferences(recorded, requested, sameProgram) : [];
      if (differences.length > 0) {
        // Not what was asked: a deploy script must not take it for its new version.
        const advice = replaceAdvice(identityOf(paths), recorded!, requested!);
        complain(`${name} already running (${describeRunning(outcome.verdict)}), but not as asked: ${differences.join('; ')}; ${advice}`);
        return EXIT.FAILURE;
      }
      say(`${name} already running (${describeRunning(outcome.verdict)})`);
      return EXIT.OK;
    }
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
    case 'not-ready': {
      const what =
        outcome.how === null
          ? `was not ready within ${outcome.timeoutMs / 1000} s (--ready ${outcome.ready}: ${outcome.whyNot})`
          : `${outcome.how} before it was ready (--ready ${outcome.ready})`;
      const stopped = outcome.stopProblem === null ? 'stopped' : `stopping it failed: ${outcome.stopProblem}`;
      complain(`${name} ${what}; ${stopped}; ${tailsHeading(outcome.log, outcome.tails)}`);
      printTails(outcome.log, outcome.tails);
      return EXIT.FAILURE;
    }
    case 'died-early': {
      const after = outcome.watchdogGoesOn ? "; its watchdog goes on by the restart policy ('tdaemon stop' ends it)" : '';
      complain(`${name} ${outcome.how} within ${outcome.waitMs / 1000} s of starting${after}; ${tailsHeading(outcome.log, outcome.tails)}`);
      printTails(outcome.log, outcome.tails);
      // Status 0 at once is what a server that forks itself does (nginx's
      // `daemon on`, redis' `daemonize yes`): its parent exits, its server runs on.
      if (outcome.how === describeExit(0, null)) complain(BACKGROUND_QUESTION);
      return EXIT.FAILURE;
    }
  }
}

/** How the servers people meet most stay in the foreground, or how tdaemon tracks one that will not. */
const FOREGROUND_HINT = " (nginx -g 'daemon off;', redis-server --daemonize no), or start it with --forking --command-pidfile FILE";

/** "last lines of LOG:", or that the log (or both logs) is empty. */
function tailsHeading(log: string, tails: LogTail[]): string {
  if (tails.some((tail) => tail.lines.length > 0)) return `last lines of ${log}:`;
  const files = tails.map((tail) => tail.file);
  return files.length === 1 ? `its log ${files[0]} is empty` : `its logs ${files.join(' and ')} are empty`;
}

function printTails(log: string, tails: LogTail[]): void {
  if (tails.every((tail) => tail.lines.length === 0)) return;
  for (const tail of tails) {
    if (tail.file !== log) writeQuietly(2, `  ${tail.file}:\n`);
    if (tail.lines.length === 0) writeQuietly(2, '  (empty)\n');
    for (const line of tail.lines) writeQuietly(2, `  ${line}\n`);
  }
}

/** Two command names run one program: the same words, or the same file found on PATH (/bin is /usr/bin on Debian). */
function sameProgram(a: string, b: string): boolean {
  if (a === b) return true;
  const fileOf = (name: string): string | null => {
    const found = lookupCommand(name, process.env.PATH, process.cwd());
    try {
      return found.found ? fs.realpathSync(found.file) : null;
    } catch {
      return null;
    }
  };
  const file = fileOf(a);
  return file !== null && file === fileOf(b);
}

/** How the user names this daemon: --name NAME when its pidfile is where --name puts it. */
function identityOf(paths: DaemonPaths): string {
  const named = path.join(runtimeDirectory(), `${paths.name}.pid`) === paths.pidfile;
  return formatCommand(named ? ['--name', paths.name] : ['--pidfile', paths.pidfile]);
}

const BACKGROUND_QUESTION =
  'did the command put itself in the background? tdaemon needs it in the foreground ' +
  "(nginx: -g 'daemon off;', redis-server: --daemonize no, or the program's own foreground option); " +
  'a server that must fork can be run with --forking --command-pidfile FILE';

/** "pid N", and for a watched daemon its watchdog too (the child may not have started yet, or be stopping). */
function describeRunning(verdict: StatusVerdict): string {
  const record = verdict.record;
  if (!record?.watchdog) return `pid ${verdict.pid}`;
  if (verdict.kind === 'watchdog-lost') return `pid ${verdict.pid}, watchdog lost`;
  if (verdict.kind === 'restarting') return `watchdog ${record.pid}, restarting`;
  if (verdict.pid !== null) return `pid ${verdict.pid}, watchdog ${record.pid}`;
  return `watchdog ${record.pid}, ${verdict.kind === 'starting' ? 'starting' : record.watchdog.state}`;
}
