import { logWarnings } from '../../app/log-health';
import { statusDaemon, type StatusOutcome } from '../../app/status';
import { writeQuietly } from '../../common/say';
import { describeStatus } from '../../policy/status-text';
import { STATUS_OPTIONS } from '../options';
import { complain } from '../report';
import type { Command } from './command';

export const statusCommand: Command = {
  name: 'status',
  usage: 'tdaemon {--pidfile FILE | --name NAME} status [--json]',
  describe: 'say whether the daemon runs; exit 0 running, 1 dead, 3 not running, 4 unknown',
  options: STATUS_OPTIONS,
  takesCommand: false,
  mode: 'daemon',
  createsFiles: false,
  run: ({ paths, argv }) => {
    const outcome = statusDaemon(paths());
    const text = argv.json === true ? JSON.stringify(statusObject(outcome)) : `${outcome.paths.name}: ${summaryOf(outcome)}`;
    writeQuietly(1, `${text}\n`);
    for (const warning of logWarnings(outcome.verdict.record, outcome.verdict.pid)) complain(`${outcome.paths.name}: ${warning}`);
    return outcome.verdict.exitCode;
  },
};

function summaryOf({ verdict, paths }: StatusOutcome): string {
  return describeStatus(verdict, paths.pidfile);
}

/** status --json: the facts, for scripts. */
function statusObject(outcome: StatusOutcome): object {
  const { verdict, paths } = outcome;
  const record = verdict.record;
  const watch = record?.watchdog ?? null;
  return {
    name: paths.name,
    status: verdict.kind,
    exitCode: verdict.exitCode,
    summary: summaryOf(outcome),
    pid: verdict.pid,
    pidfile: paths.pidfile,
    statefile: paths.statefile,
    command: record?.command ?? null,
    cwd: record?.cwd ?? null,
    log: record?.log ?? null,
    errorLog: record?.errorLog ?? null,
    startedAt: record?.startedAt ?? null,
    uptimeSeconds: verdict.uptimeSeconds === null ? null : Math.floor(verdict.uptimeSeconds),
    watchdog: watch
      ? {
          pid: record!.pid,
          alive: verdict.kind === 'running' || verdict.kind === 'starting' || verdict.kind === 'restarting',
          state: watch.state,
          childPid: watch.childPid,
          restarts: watch.restarts,
          lastExit: watch.lastExit,
          nextRestartAt: watch.nextRestartAt,
          reason: watch.reason,
          rssKb: outcome.watchdogRssKb,
        }
      : null,
  };
}
