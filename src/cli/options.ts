import type { Options } from 'yargs';
import { parseSignal } from '../common/signals';
import { DaemonError } from '../model/errors';
import { DEFAULTS, shownDefault } from '../policy/defaults';

export { many, one } from './words';

/** Options every verb takes, before or after it. */
export const IDENTITY_OPTIONS: Record<string, Options> = {
  pidfile: { type: 'string', requiresArg: true, describe: 'the daemon\'s pidfile (state and default log sit beside it)' },
  name: { type: 'string', requiresArg: true, describe: 'name the daemon; without --pidfile its files go in the per-user runtime directory' },
  config: { alias: 'c', type: 'string', requiresArg: true, describe: 'supervisor mode: run or control every program of this supervisord config FILE' },
};

export const START_OPTIONS: Record<string, Options> = {
  log: { type: 'string', requiresArg: true, describe: 'append stdout and stderr to FILE [default: the pidfile with .log for .pid]' },
  'error-log': { type: 'string', requiresArg: true, describe: 'append stderr to FILE instead' },
  chdir: { type: 'string', requiresArg: true, describe: 'run in DIR [default: the current directory]' },
  umask: { type: 'string', requiresArg: true, describe: "octal umask for the daemon [default: tdaemon's own umask]" },
  env: { type: 'string', requiresArg: true, describe: 'set KEY=VALUE in its environment (repeatable)' },
  user: { type: 'string', requiresArg: true, describe: 'run as USER, with its HOME, USER and LOGNAME (root only)' },
  group: { type: 'string', requiresArg: true, describe: 'run with GROUP as its group (root only)' },
  wait: { type: 'string', requiresArg: true, describe: `seconds the command must stay up for start to succeed [default: ${shownDefault(DEFAULTS.waitMs, 'seconds')}]` },
  ready: {
    type: 'string',
    requiresArg: true,
    describe: 'succeed once the daemon is ready, not after --wait: tcp:[HOST:]PORT accepts a connection (HOST 127.0.0.1), file:PATH exists, or log:REGEX matches a new line of its log',
  },
  'ready-timeout': { type: 'string', requiresArg: true, describe: `with --ready: seconds to wait; then it is stopped and start fails [default: ${shownDefault(DEFAULTS.readyTimeoutMs, 'seconds')}]` },
  respawn: { type: 'boolean', describe: 'run under a watchdog that starts the command again when it dies' },
  forking: { type: 'boolean', describe: 'the command puts itself in the background (nginx, redis): once it exits 0, track the pid it wrote to --command-pidfile' },
  'command-pidfile': { type: 'string', requiresArg: true, describe: 'with --forking: the pidfile the command itself writes (FILE)' },
  restart: { type: 'string', requiresArg: true, describe: `with --respawn: on-failure or always [default: ${DEFAULTS.respawn.restart}]` },
  'no-restart-exit': { type: 'string', requiresArg: true, describe: 'with --respawn: an exit code that means stop for good (repeatable)' },
  'min-uptime': { type: 'string', requiresArg: true, describe: `with --respawn: seconds of running that count as healthy [default: ${shownDefault(DEFAULTS.respawn.minUptimeMs, 'seconds')}]` },
  'backoff-max': { type: 'string', requiresArg: true, describe: `with --respawn: longest wait between restarts, in seconds [default: ${shownDefault(DEFAULTS.respawn.backoffMaxMs, 'seconds')}]` },
  'max-restarts': { type: 'string', requiresArg: true, describe: `with --respawn: give up after more deaths than this... [default: ${DEFAULTS.respawn.maxRestarts}]` },
  'restart-window': { type: 'string', requiresArg: true, describe: `...within this many seconds [default: ${shownDefault(DEFAULTS.respawn.restartWindowMs, 'seconds')}]` },
  'log-max-size': { type: 'string', requiresArg: true, describe: 'with --respawn: the watchdog starts a new log when it would grow past SIZE (bytes, or 512K, 10M, 1G), keeping --log-backups old ones' },
  'log-backups': { type: 'string', requiresArg: true, describe: `with --log-max-size: rotated logs kept, LOG.1 to LOG.N [default: ${DEFAULTS.logBackups}]` },
};

export const RESTART_OPTIONS: Record<string, Options> = {
  'update-env': { type: 'boolean', describe: "start with the caller's environment and PATH, not those recorded at start (--env values recorded still apply)" },
};

export const STOP_OPTIONS: Record<string, Options> = {
  'stop-signal': { type: 'string', requiresArg: true, describe: `signal that asks the daemon to stop [default: ${shownDefault(DEFAULTS.stopSignal, 'signal')}]` },
  'stop-timeout': { type: 'string', requiresArg: true, describe: `seconds to wait before SIGKILL [default: ${shownDefault(DEFAULTS.stopTimeoutMs, 'seconds')}]` },
};

export const RELOAD_OPTIONS: Record<string, Options> = {
  'reload-signal': { type: 'string', requiresArg: true, describe: `signal that asks the daemon to reload [default: ${shownDefault(DEFAULTS.reloadSignal, 'signal')}]` },
};

export const STATUS_OPTIONS: Record<string, Options> = {
  json: { type: 'boolean', describe: 'print the facts as one JSON object' },
};

export const LOGS_OPTIONS: Record<string, Options> = {
  lines: { alias: 'n', type: 'string', requiresArg: true, describe: `print the last N lines [default: ${DEFAULTS.logLines}]` },
  follow: { alias: 'f', type: 'boolean', describe: 'keep printing new lines, through rotation by rename or truncation' },
};

export function parseSeconds(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new DaemonError('USAGE', `--${option} takes a number of seconds, not '${value}'`);
  return Math.round(Number(value) * 1000);
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A size in bytes: digits, optionally followed by K, M or G (powers of 1024; KB, MB, GB and lower case too). */
export function parseSize(option: string, value: string): number {
  const match = /^(\d+)([KMG]?)B?$/i.exec(value);
  const bytes = match ? Number(match[1]) * SIZE_UNITS[match[2].toUpperCase()] : NaN;
  if (!Number.isSafeInteger(bytes)) throw new DaemonError('USAGE', `--${option} takes a size such as 512K, 10M or 1G, not '${value}'`);
  return bytes;
}

export function parseCount(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new DaemonError('USAGE', `--${option} takes a whole number, not '${value}'`);
  return Number(value);
}

export function parseSignalOption(option: string, value: string | undefined): NodeJS.Signals | undefined {
  if (value === undefined) return undefined;
  const signal = parseSignal(value);
  if (signal === null) throw new DaemonError('USAGE', `--${option}: unknown signal '${value}'`);
  return signal;
}

export function parseUmask(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^0?[0-7]{1,3}$/.test(value)) throw new DaemonError('USAGE', `--umask takes an octal mode such as 022, not '${value}'`);
  return parseInt(value, 8);
}

export function parseEnv(values: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of values) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.slice(0, eq))) {
      throw new DaemonError('USAGE', `--env takes KEY=VALUE, not '${entry}'`);
    }
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
