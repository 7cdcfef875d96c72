import path = require('node:path');
import type { Options } from 'yargs';
import { LOGS_OPTIONS, STATUS_OPTIONS } from '../options';
import type { Command, CommandContext } from './command';

/**
 * dist/NAME with its V8 code cache (bin/launch.js), as the CLI's own bundle
 * is loaded: compiling the 180 KB of the verbs' bundle cost a status of 100
 * programs a third of its time. Plain require where bin/ is not beside dist/.
 */
function loadBundle(name: string): unknown {
  const entry = path.join(__dirname, name);
  let launcher: { loadCached(file: string): unknown } | null = null;
  try {
    launcher = require(path.join(__dirname, '..', 'bin', 'launch.js')) as { loadCached(file: string): unknown };
  } catch {
    launcher = null;
  }
  return launcher?.loadCached ? launcher.loadCached(entry) : require(entry);
}

/**
 * Supervisor mode's verbs (-c FILE). Each is a thin module: the work is in
 * dist/tdaemon-ctl.js (and the supervisor in dist/tdaemon-supervisor.js),
 * loaded only when a supervisor verb runs.
 */
function supervisorVerb(name: string, usage: string, describe: string, options: Record<string, Options> = {}): Command {
  return {
    name,
    usage: `tdaemon -c FILE ${usage}`,
    describe,
    options,
    takesCommand: true,
    mode: 'supervisor',
    createsFiles: false,
    run: (context: CommandContext) => {
      const { runSupervisorVerb } = loadBundle('tdaemon-ctl.js') as typeof import('../tdaemon-ctl');
      return runSupervisorVerb({ verb: name, configFile: context.config(), operands: context.command, argv: context.argv });
    },
  };
}

const superviseCommand: Command = {
  name: 'supervise',
  usage: 'tdaemon -c FILE supervise',
  describe: 'run the supervisor of FILE in the foreground (for a service manager or a container)',
  options: {},
  takesCommand: false,
  mode: 'supervisor',
  createsFiles: false,
  run: (context) => {
    const { supervise } = require(path.join(__dirname, 'tdaemon-supervisor.js')) as typeof import('../tdaemon-supervisor');
    return supervise(context.config());
  },
};

export const SUPERVISOR_COMMANDS: readonly Command[] = [
  superviseCommand,
  supervisorVerb('up', 'up', 'start the supervisor in the background unless it runs; wait for the autostart programs; print the status table'),
  supervisorVerb('status', 'status [NAME|GROUP:*]... [--json]', "the programs' states, as supervisorctl prints them", STATUS_OPTIONS),
  supervisorVerb('start', 'start NAME|GROUP:*|all...', 'start programs, waiting for RUNNING'),
  supervisorVerb('stop', 'stop NAME|GROUP:*|all...', 'stop programs and every process they started'),
  supervisorVerb('restart', 'restart NAME|GROUP:*|all...', 'stop, then start programs'),
  supervisorVerb('signal', 'signal SIG NAME|GROUP:*|all...', "send a signal to programs' main processes"),
  supervisorVerb('pid', 'pid [NAME|all]', "print the supervisor's pid, or programs' pids"),
  supervisorVerb('avail', 'avail', 'list every program of the config'),
  supervisorVerb('reread', 'reread', 'report the changes in the config file'),
  supervisorVerb('update', 'update [GROUP]...', 'apply the changes in the config file'),
  supervisorVerb('clear', 'clear NAME|all...', "empty programs' logs"),
  supervisorVerb('logs', 'logs NAME [-n N] [-f] [--stderr]', "print the end of a program's log, and follow it with -f", {
    ...LOGS_OPTIONS,
    stderr: { type: 'boolean', describe: 'the stderr log instead of stdout' },
  }),
  supervisorVerb('shutdown', 'shutdown', 'stop every program by its stop rules, then the supervisor'),
];
