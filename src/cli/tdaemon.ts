import path = require('node:path');
import type { Options } from 'yargs';
import { writeQuietly } from '../common/say';
import { VERSION } from '../common/version';
import { DaemonError } from '../model/errors';
import { EXIT } from '../policy/exit-codes';
import { logDirectory, resolvePaths, runtimeDirectory } from '../os/paths';
import type { Command } from './commands/command';
import { COMMANDS } from './commands';
import { IDENTITY_OPTIONS, many, one } from './options';
import { parseWords, UsageProblem, type Words } from './parse-words';
import { reportError } from './report';

/** The verbs of one mode (all but those of the OTHER mode), a line each, their descriptions in one column. */
function verbLines(other: Command['mode']): string {
  const width = Math.max(...COMMANDS.map((verb) => verb.name.length)) + 1;
  return COMMANDS.filter((verb) => verb.mode !== other).map((verb) => `  ${verb.name.padEnd(width)} ${verb.describe}`).join('\n');
}

const MAIN_USAGE = `Usage: tdaemon {--pidfile FILE | --name NAME} VERB [OPTION]... [[--] COMMAND [ARG]...]
       tdaemon list [--json]
       tdaemon -c FILE VERB [NAME]...

Run COMMAND as a daemon and control it: start, stop, restart, status, reload, logs.
Every such verb needs one of --pidfile FILE and --name NAME to say which daemon.
With -c, run and control every program of a supervisord config FILE.

Verbs:
${verbLines('supervisor')}

Verbs with -c FILE:
${verbLines('daemon')}

'tdaemon VERB --help' lists a verb's options. Options may stand before or after the verb.`;

/** Every verb's options, accepted before the verb too (hidden from the main help). */
const ALL_VERB_OPTIONS: Record<string, Options> = Object.fromEntries(
  COMMANDS.flatMap((verb) => Object.entries(verb.options)).map(([name, spec]) => [name, { ...spec, hidden: true }]),
);

const EPILOGUE = `Exit status (LSB): 0 success, 1 failure, 2 bad usage, 3 reopen of a daemon
without a watchdog, 4 insufficient privilege, 5 command not installed, 7 not
running (reload, reopen); status: 0 running, 1 dead but pidfile exists (or
starting, restarting, gave up), 3 not running, 4 unknown (or untracked).`;

const MAIN_OPTIONS: Record<string, Options> = {
  ...IDENTITY_OPTIONS,
  help: { type: 'boolean', alias: 'h', describe: 'show this help and exit' },
  version: { type: 'boolean', describe: 'show the version and exit' },
};

function parse(words: string[], options: Record<string, Options>, interleaved = false): Words {
  try {
    return parseWords(words, options, interleaved);
  } catch (error) {
    if (error instanceof UsageProblem) throw new DaemonError('USAGE', `${error.message}; try 'tdaemon --help'`);
    throw error;
  }
}

/** yargs renders the help; it is loaded only here, from a bundle of its own. */
function printHelp(usage: string, options: Record<string, Options>): number {
  const helpModule = path.join(__dirname, 'tdaemon-help.js');
  const { renderHelp } = require(helpModule) as typeof import('./tdaemon-help');
  const visible = Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'help').map(([name, spec]) => [name, name === 'name' ? withRealPlaces(spec) : spec]));
  writeQuietly(1, `${renderHelp(usage, EPILOGUE, visible)}\n`);
  return EXIT.OK;
}

/** --name's help names this caller's directories, which do not depend on the environment. */
function withRealPlaces(spec: Options): Options {
  const pidDir = runtimeDirectory();
  const logDir = logDirectory();
  const where = pidDir === logDir ? `its files go in ${pidDir}` : `its pidfile goes in ${pidDir}, its log in ${logDir}`;
  return { ...spec, describe: `name the daemon; without --pidfile ${where}` };
}

async function main(argv: string[]): Promise<number> {
  const first = parse(argv, { ...ALL_VERB_OPTIONS, ...MAIN_OPTIONS });
  if (first.help) return printHelp(MAIN_USAGE, MAIN_OPTIONS);
  if (first.version) {
    writeQuietly(1, `tdaemon ${VERSION}\n`);
    return EXIT.OK;
  }
  const [verbName, ...rest] = first.operands;
  if (verbName === undefined) throw new DaemonError('USAGE', "no verb; try 'tdaemon --help'");
  const configGiven = one(first.config);
  const verb = findVerb(verbName, configGiven !== undefined);

  const verbOptions = { ...IDENTITY_OPTIONS, ...verb.options, help: MAIN_OPTIONS.help };
  const afterVerb = parse(rest, verbOptions, verb.mode !== 'daemon');
  if (afterVerb.help) return printHelp(`Usage: ${verb.usage}\n\n${capitalize(verb.describe)}.`, verbOptions);
  const second = mergeOptionsBeforeVerb(first, afterVerb, verb);
  const command = second.operands;
  if (!verb.takesCommand && command.length > 0) {
    throw new DaemonError('USAGE', `${verb.name} takes no command or operand ('${command[0]}')`);
  }
  const pidfile = one(second.pidfile) ?? one(first.pidfile);
  const name = one(second.name) ?? one(first.name);
  const configFile = one(second.config) ?? configGiven;
  const supervisorMode = configFile !== undefined || verb.mode === 'supervisor';
  const paths = () => resolvePaths({ pidfile, name }, verb.createsFiles);
  const config = () => configFile ?? findConfig();
  if (!supervisorMode && !verb.noIdentity) paths(); // a missing identity is a usage error before anything else
  return verb.run({ paths, config, supervisorMode, argv: second, command });
}

/**
 * The verb of that name for the mode: with -c, a supervisor verb; without,
 * a daemon verb, or a supervisor-only verb (which then finds its config as
 * supervisord does).
 */
function findVerb(name: string, supervisorMode: boolean): Command {
  const fits = (v: Command) => v.name === name && (v.mode === 'both' || v.mode === (supervisorMode ? 'supervisor' : 'daemon'));
  const verb = COMMANDS.find(fits) ?? (supervisorMode ? undefined : COMMANDS.find((v) => v.name === name && v.mode === 'supervisor'));
  if (verb) return verb;
  const known = [...new Set(COMMANDS.filter((v) => v.mode !== (supervisorMode ? 'daemon' : 'supervisor')).map((v) => v.name))];
  throw new DaemonError('USAGE', `unknown verb '${name}'${supervisorMode ? ' with -c' : ''}; verbs: ${known.join(' ')}`);
}

/** supervisord's search for its config file, for a supervisor verb given without -c. */
function findConfig(): string {
  const { configSearchPath, findDefaultConfig } = require('../config/search-path') as typeof import('../config/search-path');
  const fs = require('node:fs') as typeof import('node:fs');
  const found = findDefaultConfig(configSearchPath(process.argv[1] ?? '', process.cwd()), (file) => fs.existsSync(file));
  if (found === undefined) throw new DaemonError('NOT_CONFIGURED', 'no config file: give -c FILE (none found where supervisord looks)');
  return found;
}

/**
 * Options given before the verb count as if given after it, once they are
 * known to be the verb's own; after the verb wins, and repeatable options
 * (--env, --no-restart-exit) collect from both sides.
 */
function mergeOptionsBeforeVerb(before: Words, after: Words, verb: Command): Words {
  const merged: Words = { ...after };
  const aliases = new Map(
    Object.entries(verb.options).flatMap(([name, spec]) => [[name, name], ...many(spec.alias).map((a) => [a, name])] as Array<[string, string]>),
  );
  for (const [key, value] of Object.entries(before)) {
    if (key === 'operands' || key in MAIN_OPTIONS || value === undefined) continue;
    const name = aliases.get(key);
    if (name === undefined) {
      if (COMMANDS.some((v) => key in v.options)) {
        throw new DaemonError('USAGE', `--${key} is not an option of ${verb.name}; try 'tdaemon ${verb.name} --help'`);
      }
      continue; // an alias yargs filled in beside its option
    }
    if (name !== key) continue;
    merged[name] = after[name] === undefined ? value : REPEATABLE.has(name) ? [...many(value), ...many(after[name])] : after[name];
  }
  return merged;
}

const REPEATABLE = new Set(['env', 'no-restart-exit']);

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// A write past RLIMIT_FSIZE raises SIGXFSZ, whose default action (and
// signal-exit's, which proper-lockfile installs) kills us silently, perhaps
// with a record half published. With a listener the write fails with EFBIG
// instead, and atomic-file.ts publishes nothing and says why.
process.on('SIGXFSZ', () => {});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
