import path = require('node:path');
import type { Options } from 'yargs';
import type { Command } from './command';

export const EXPORT_OPTIONS: Record<string, Options> = {
  dir: { type: 'string', requiresArg: true, describe: 'write the files into DIR (atomically) instead of printing them' },
  force: { type: 'boolean', describe: 'with --dir: replace a file that exists with other content' },
  prefix: { type: 'string', requiresArg: true, describe: "units are P-PROGRAM.service and P.target [default: the config file's name without .conf; tdaemon for a daemon]" },
  supervisor: { type: 'boolean', describe: 'with -c: one unit that runs `tdaemon -c FILE supervise` instead' },
};

/**
 * The format word (systemd, supervisord) comes first, then its options. The
 * work is in dist/tdaemon-export.js, loaded by path only here.
 */
export const exportCommand: Command = {
  name: 'export',
  usage: 'tdaemon -c FILE export systemd [--supervisor] [--dir DIR [--force]] [--prefix P]\n       tdaemon {--pidfile FILE | --name NAME} export systemd|supervisord [--dir DIR [--force]] [--prefix P]',
  describe: 'write systemd units for the programs of a config, or for one daemon; or a daemon as a [program:x] section',
  options: EXPORT_OPTIONS,
  takesCommand: true,
  mode: 'both',
  createsFiles: false,
  run: (context) => {
    const { runExport } = require(path.join(__dirname, 'tdaemon-export.js')) as typeof import('../tdaemon-export');
    return runExport(context);
  },
};
