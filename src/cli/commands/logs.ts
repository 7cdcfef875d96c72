import { logWarnings } from '../../app/log-health';
import { showLogs } from '../../app/logs';
import { probe } from '../../app/probe';
import { writeAll } from '../../common/say';
import { DEFAULTS } from '../../policy/defaults';
import { EXIT } from '../../policy/exit-codes';
import { LOGS_OPTIONS, one, parseCount } from '../options';
import { complain } from '../report';
import type { Command } from './command';

export const logsCommand: Command = {
  name: 'logs',
  usage: 'tdaemon {--pidfile FILE | --name NAME} logs [-n N] [-f]',
  describe: "print the end of the daemon's log, and follow it with -f",
  options: LOGS_OPTIONS,
  takesCommand: false,
  mode: 'daemon',
  createsFiles: false,
  run: async ({ paths, argv }) => {
    const verdict = probe(paths(), false);
    for (const warning of logWarnings(verdict.record, verdict.pid)) complain(`${paths().name}: ${warning}`);
    // Bytes as they are in the log; a reader that went away (EPIPE) ends a follow quietly.
    await showLogs(paths(), parseCount('lines', one(argv.lines), DEFAULTS.logLines), argv.follow === true, (bytes) => writeAll(1, bytes));
    return EXIT.OK;
  },
};
