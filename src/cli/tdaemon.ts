import path = require('node:path');
import type { Options } from 'yargs';
import { CliError } from '../common/errors';
import { sayError, writeQuietly } from '../common/say';
import { VERSION } from '../common/version';
import { EXIT } from '../tdaemon/exit-codes';
import { resolvePaths, type DaemonPaths } from '../tdaemon/paths';
import { reloadDaemon } from '../tdaemon/reload';
import { definedOnly, restartDaemon, type StartOverrides } from '../tdaemon/restart';
import { startDaemon, type StartOptions } from '../tdaemon/start';
import type { RespawnPolicy } from '../tdaemon/state';
import { statusDaemon } from '../tdaemon/status';
import { stopDaemon, type StopOptions } from '../tdaemon/stop';
import { showLogs } from '../tdaemon/logs';
import {
  IDENTITY_OPTIONS,
  LOGS_OPTIONS,
  RELOAD_OPTIONS,
  START_OPTIONS,
  STATUS_OPTIONS,
  STOP_OPTIONS,
  many,
  one,
  parseCount,
  parseEnv,
  parseSeconds,
  parseSignalOption,
  parseUmask,
} from './tdaemon-options';
import { parseWords, UsageProblem, type Words } from './parse-words';

type Argv = Words;

interface Verb {
  name: string;
  usage: string;
  describe: string;
  options: Record<string, Options>;
  /** Takes COMMAND [ARG]... after its options. */
  takesCommand: boolean;
  run(paths: () => DaemonPaths, argv: Argv, command: string[]): Promise<number> | number;
}


const VERBS: Verb[] = [
  {
    name: 'start',
    usage: 'tdaemon [--pidfile FILE | --name NAME] start [OPTION]... [--] COMMAND [ARG]...',
    describe: 'start COMMAND as a daemon, unless it already runs',
    options: { ...START_OPTIONS, ...STOP_OPTIONS, ...RELOAD_OPTIONS },
    takesCommand: true,
    run: (paths, argv, command) => {
      if (command.length === 0) throw new CliError("start needs a command: tdaemon start [OPTION]... -- COMMAND [ARG]...", EXIT.USAGE);
      return startDaemon({ ...startDefaults(), ...definedOnly(startOverrides(argv)), paths: paths(), command });
    },
  },
  {
    name: 'stop',
    usage: 'tdaemon [--pidfile FILE | --name NAME] stop [OPTION]...',
    describe: 'stop the daemon and every process it started',
    options: STOP_OPTIONS,
    takesCommand: false,
    run: (paths, argv) => stopDaemon(paths(), stopOverrides(argv)),
  },
  {
    name: 'restart',
    usage: 'tdaemon [--pidfile FILE | --name NAME] restart [OPTION]... [[--] COMMAND [ARG]...]',
    describe: 'stop, then start again as recorded (or with the COMMAND given)',
    options: { ...START_OPTIONS, ...STOP_OPTIONS, ...RELOAD_OPTIONS },
    takesCommand: true,
    run: (paths, argv, command) => restartDaemon(paths(), command, startOverrides(argv), startDefaults()),
  },
  {
    name: 'status',
    usage: 'tdaemon [--pidfile FILE | --name NAME] status [--json]',
    describe: 'say whether the daemon runs; exit 0 running, 1 dead, 3 not running, 4 unknown',
    options: STATUS_OPTIONS,
    takesCommand: false,
    run: (paths, argv) => statusDaemon(paths(), argv.json === true),
  },
  {
    name: 'reload',
    usage: 'tdaemon [--pidfile FILE | --name NAME] reload [--reload-signal SIG]',
    describe: 'send the reload signal (HUP) to the daemon',
    options: RELOAD_OPTIONS,
    takesCommand: false,
    run: (paths, argv) => reloadDaemon(paths(), parseSignalOption('reload-signal', one(argv['reload-signal']))),
  },
  {
    name: 'logs',
    usage: 'tdaemon [--pidfile FILE | --name NAME] logs [-n N] [-f]',
    describe: "print the end of the daemon's log, and follow it with -f",
    options: LOGS_OPTIONS,
    takesCommand: false,
    run: (paths, argv) => showLogs(paths(), parseCount('lines', one(argv.lines), 20), argv.follow === true),
  },
];

const MAIN_USAGE = `Usage: tdaemon [--pidfile FILE | --name NAME] VERB [OPTION]... [[--] COMMAND [ARG]...]

Run COMMAND as a daemon and control it: start, stop, restart, status, reload, logs.

Verbs:
${VERBS.map((verb) => `  ${verb.name.padEnd(8)} ${verb.describe}`).join('\n')}

'tdaemon VERB --help' lists a verb's options. Options may stand before or after the verb.`;

/** Every verb's options, accepted before the verb too (hidden from the main help). */
const ALL_VERB_OPTIONS: Record<string, Options> = Object.fromEntries(
  VERBS.flatMap((verb) => Object.entries(verb.options)).map(([name, spec]) => [name, { ...spec, hidden: true }]),
);

const EPILOGUE = `Exit status (LSB): 0 success, 1 failure, 2 bad usage, 4 insufficient privilege,
5 command not installed, 7 not running (reload); status: 0 running, 1 dead but
pidfile exists (or restarting, or gave up), 3 not running, 4 unknown.`;

function startDefaults(): Omit<StartOptions, 'paths' | 'command'> {
  return {
    env: {},
    waitMs: 1000,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 10000,
    reloadSignal: 'SIGHUP',
    respawn: null,
  };
}

function startOverrides(argv: Argv): StartOverrides {
  return {
    log: one(argv.log),
    errorLog: one(argv['error-log']),
    chdir: one(argv.chdir),
    umask: parseUmask(one(argv.umask)),
    env: argv.env === undefined ? undefined : parseEnv(many(argv.env)),
    user: one(argv.user),
    group: one(argv.group),
    waitMs: argv.wait === undefined ? undefined : parseSeconds('wait', one(argv.wait), 1000),
    ...stopOverrides(argv),
    reloadSignal: parseSignalOption('reload-signal', one(argv['reload-signal'])),
    respawn: respawnPolicy(argv),
  };
}

/** --stop-signal and --stop-timeout as given; undefined means "as recorded". */
function stopOverrides(argv: Argv): StopOptions {
  return {
    stopSignal: parseSignalOption('stop-signal', one(argv['stop-signal'])),
    stopTimeoutMs: argv['stop-timeout'] === undefined ? undefined : parseSeconds('stop-timeout', one(argv['stop-timeout']), 0),
  };
}

const RESPAWN_ONLY = ['restart', 'no-restart-exit', 'min-uptime', 'backoff-max', 'max-restarts', 'restart-window'];

function respawnPolicy(argv: Argv): RespawnPolicy | null | undefined {
  if (argv.respawn !== true) {
    const stray = RESPAWN_ONLY.find((option) => argv[option] !== undefined);
    if (stray) throw new CliError(`--${stray} needs --respawn`, EXIT.USAGE);
    return undefined;
  }
  const restart = one(argv.restart) ?? 'on-failure';
  if (restart !== 'on-failure' && restart !== 'always') {
    throw new CliError(`--restart takes on-failure or always, not '${restart}'`, EXIT.USAGE);
  }
  const codes = many(argv['no-restart-exit']).map((code) => {
    if (!/^\d+$/.test(code) || Number(code) > 255) throw new CliError(`--no-restart-exit takes an exit code 0-255, not '${code}'`, EXIT.USAGE);
    return Number(code);
  });
  return {
    restart,
    noRestartExitCodes: codes,
    minUptimeMs: parseSeconds('min-uptime', one(argv['min-uptime']), 10000),
    backoffMaxMs: parseSeconds('backoff-max', one(argv['backoff-max']), 30000),
    maxRestarts: parseCount('max-restarts', one(argv['max-restarts']), 10),
    restartWindowMs: parseSeconds('restart-window', one(argv['restart-window']), 60000),
  };
}

const MAIN_OPTIONS: Record<string, Options> = {
  ...IDENTITY_OPTIONS,
  help: { type: 'boolean', alias: 'h', describe: 'show this help and exit' },
  version: { type: 'boolean', describe: 'show the version and exit' },
};

function parse(words: string[], options: Record<string, Options>): Argv {
  try {
    return parseWords(words, options);
  } catch (error) {
    if (error instanceof UsageProblem) throw new CliError(`${error.message}; try 'tdaemon --help'`, EXIT.USAGE);
    throw error;
  }
}

/** yargs renders the help; it is loaded only here, from a bundle of its own. */
function printHelp(usage: string, options: Record<string, Options>): number {
  const helpModule = path.join(__dirname, 'tdaemon-help.js');
  const { renderHelp } = require(helpModule) as typeof import('./tdaemon-help');
  const visible = Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'help'));
  writeQuietly(1, `${renderHelp(usage, EPILOGUE, visible)}\n`);
  return EXIT.OK;
}

async function main(argv: string[]): Promise<number> {
  const first = parse(argv, { ...ALL_VERB_OPTIONS, ...MAIN_OPTIONS });
  if (first.help) return printHelp(MAIN_USAGE, MAIN_OPTIONS);
  if (first.version) {
    writeQuietly(1, `tdaemon ${VERSION}\n`);
    return EXIT.OK;
  }
  const [verbName, ...rest] = first.operands;
  if (verbName === undefined) throw new CliError("no verb; try 'tdaemon --help'", EXIT.USAGE);
  const verb = VERBS.find((v) => v.name === verbName);
  if (!verb) throw new CliError(`unknown verb '${verbName}'; verbs: ${VERBS.map((v) => v.name).join(' ')}`, EXIT.USAGE);

  const verbOptions = { ...IDENTITY_OPTIONS, ...verb.options, help: MAIN_OPTIONS.help };
  const afterVerb = parse(rest, verbOptions);
  if (afterVerb.help) return printHelp(`Usage: ${verb.usage}\n\n${capitalize(verb.describe)}.`, verbOptions);
  const second = mergeOptionsBeforeVerb(first, afterVerb, verb);
  const command = second.operands;
  if (!verb.takesCommand && command.length > 0) {
    throw new CliError(`${verb.name} takes no command or operand ('${command[0]}')`, EXIT.USAGE);
  }
  const pidfile = one(second.pidfile) ?? one(first.pidfile);
  const name = one(second.name) ?? one(first.name);
  const paths = () => resolvePaths({ pidfile, name }, process.env, verb.name === 'start' || verb.name === 'restart');
  paths(); // a missing identity is a usage error before anything else
  return verb.run(paths, second, command);
}

/**
 * Options given before the verb count as if given after it, once they are
 * known to be the verb's own; after the verb wins, and repeatable options
 * (--env, --no-restart-exit) collect from both sides.
 */
function mergeOptionsBeforeVerb(before: Argv, after: Argv, verb: Verb): Argv {
  const merged: Argv = { ...after };
  const aliases = new Map(Object.entries(verb.options).flatMap(([name, spec]) => [[name, name], ...many(spec.alias).map((a) => [a, name])] as Array<[string, string]>));
  for (const [key, value] of Object.entries(before)) {
    if (key === 'operands' || key in MAIN_OPTIONS || value === undefined) continue;
    const name = aliases.get(key);
    if (name === undefined) {
      if (Object.values(VERBS).some((v) => key in v.options)) {
        throw new CliError(`--${key} is not an option of ${verb.name}; try 'tdaemon ${verb.name} --help'`, EXIT.USAGE);
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof CliError) {
      sayError('tdaemon', error.message);
      process.exit(error.exitCode);
    }
    writeQuietly(2, `tdaemon: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(EXIT.FAILURE);
  },
);
