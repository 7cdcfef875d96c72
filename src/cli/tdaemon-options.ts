import type { Options } from 'yargs';
import { CliError } from '../common/errors';
import { parseSignal } from '../common/signals';
import { EXIT } from '../tdaemon/exit-codes';

export { many, one } from './parse-words';

/** Options every verb takes, before or after it. */
export const IDENTITY_OPTIONS: Record<string, Options> = {
  pidfile: { type: 'string', requiresArg: true, describe: 'the daemon\'s pidfile (state and default log sit beside it)' },
  name: { type: 'string', requiresArg: true, describe: 'name the daemon; without --pidfile its files go in the per-user runtime directory' },
};

export const START_OPTIONS: Record<string, Options> = {
  log: { type: 'string', requiresArg: true, describe: 'append stdout and stderr to FILE [default: the pidfile with .log for .pid]' },
  'error-log': { type: 'string', requiresArg: true, describe: 'append stderr to FILE instead' },
  chdir: { type: 'string', requiresArg: true, describe: 'run in DIR [default: the current directory]' },
  umask: { type: 'string', requiresArg: true, describe: 'octal umask for the daemon [default: inherited]' },
  env: { type: 'string', requiresArg: true, describe: 'set KEY=VALUE in its environment (repeatable)' },
  user: { type: 'string', requiresArg: true, describe: 'run as USER, with its HOME, USER and LOGNAME (root only)' },
  group: { type: 'string', requiresArg: true, describe: 'run with GROUP as its group (root only)' },
  wait: { type: 'string', requiresArg: true, describe: 'seconds the command must stay up for start to succeed [default: 1]' },
  respawn: { type: 'boolean', describe: 'run under a watchdog that starts the command again when it dies' },
  restart: { type: 'string', requiresArg: true, describe: 'with --respawn: on-failure or always [default: on-failure]' },
  'no-restart-exit': { type: 'string', requiresArg: true, describe: 'with --respawn: an exit code that means stop for good (repeatable)' },
  'min-uptime': { type: 'string', requiresArg: true, describe: 'with --respawn: seconds of running that count as healthy [default: 10]' },
  'backoff-max': { type: 'string', requiresArg: true, describe: 'with --respawn: longest wait between restarts, in seconds [default: 30]' },
  'max-restarts': { type: 'string', requiresArg: true, describe: 'with --respawn: give up after more deaths than this... [default: 10]' },
  'restart-window': { type: 'string', requiresArg: true, describe: '...within this many seconds [default: 60]' },
};

export const STOP_OPTIONS: Record<string, Options> = {
  'stop-signal': { type: 'string', requiresArg: true, describe: 'signal that asks the daemon to stop [default: TERM]' },
  'stop-timeout': { type: 'string', requiresArg: true, describe: 'seconds to wait before SIGKILL [default: 10]' },
};

export const RELOAD_OPTIONS: Record<string, Options> = {
  'reload-signal': { type: 'string', requiresArg: true, describe: 'signal that asks the daemon to reload [default: HUP]' },
};

export const STATUS_OPTIONS: Record<string, Options> = {
  json: { type: 'boolean', describe: 'print the facts as one JSON object' },
};

export const LOGS_OPTIONS: Record<string, Options> = {
  lines: { alias: 'n', type: 'string', requiresArg: true, describe: 'print the last N lines [default: 20]' },
  follow: { alias: 'f', type: 'boolean', describe: 'keep printing new lines, through rotation by rename or truncation' },
};

export function parseSeconds(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new CliError(`--${option} takes a number of seconds, not '${value}'`, EXIT.USAGE);
  return Math.round(Number(value) * 1000);
}

export function parseCount(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new CliError(`--${option} takes a whole number, not '${value}'`, EXIT.USAGE);
  return Number(value);
}

export function parseSignalOption(option: string, value: string | undefined): NodeJS.Signals | undefined {
  if (value === undefined) return undefined;
  const signal = parseSignal(value);
  if (signal === null) throw new CliError(`--${option}: unknown signal '${value}'`, EXIT.USAGE);
  return signal;
}

export function parseUmask(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^0?[0-7]{1,3}$/.test(value)) throw new CliError(`--umask takes an octal mode such as 022, not '${value}'`, EXIT.USAGE);
  return parseInt(value, 8);
}

export function parseEnv(values: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of values) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.slice(0, eq))) {
      throw new CliError(`--env takes KEY=VALUE, not '${entry}'`, EXIT.USAGE);
    }
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
