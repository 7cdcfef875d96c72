import type { StartOptions } from '../app/start';
import type { StartOverrides } from '../app/restart';
import type { StopOptions } from '../app/stop';
import path = require('node:path');
import { DaemonError } from '../model/errors';
import { parseReadySpec } from '../model/ready-spec';
import type { LogRotation, RespawnPolicy } from '../model/record';
import { DEFAULTS } from '../policy/defaults';
import { many, one, parseCount, parseEnv, parseSeconds, parseSignalOption, parseSize, parseUmask } from './options';
import type { Words } from './parse-words';

/** start's options when none is given. */
export function startDefaults(): Omit<StartOptions, 'paths' | 'command'> {
  return {
    env: {},
    waitMs: DEFAULTS.waitMs,
    stopSignal: DEFAULTS.stopSignal,
    stopTimeoutMs: DEFAULTS.stopTimeoutMs,
    reloadSignal: DEFAULTS.reloadSignal,
    respawn: null,
    ready: null,
    readyTimeoutMs: DEFAULTS.readyTimeoutMs,
  };
}

/** start's options as given; undefined means "the default", or for restart "as recorded". */
export function startOverrides(argv: Words): StartOverrides {
  return {
    log: one(argv.log),
    errorLog: one(argv['error-log']),
    chdir: one(argv.chdir),
    umask: parseUmask(one(argv.umask)),
    env: argv.env === undefined ? undefined : parseEnv(many(argv.env)),
    user: one(argv.user),
    group: one(argv.group),
    waitMs: argv.wait === undefined ? undefined : parseSeconds('wait', one(argv.wait), DEFAULTS.waitMs),
    ...stopOverrides(argv),
    reloadSignal: parseSignalOption('reload-signal', one(argv['reload-signal'])),
    respawn: respawnPolicy(argv),
    ready: argv.ready === undefined ? undefined : parseReadySpec(one(argv.ready)!),
    readyTimeoutMs: argv['ready-timeout'] === undefined ? undefined : parseSeconds('ready-timeout', one(argv['ready-timeout']), DEFAULTS.readyTimeoutMs),
    logRotation: logRotation(argv),
    commandPidfile: forkingPidfile(argv),
  };
}

/**
 * --forking and --command-pidfile go together (systemd's Type=forking with
 * PIDFile=): tdaemon does not guess which of the processes a command left
 * is its main one.
 */
function forkingPidfile(argv: Words): string | undefined {
  const file = one(argv['command-pidfile']);
  if (argv.forking !== true) {
    if (file !== undefined) throw new DaemonError('USAGE', '--command-pidfile needs --forking');
    return undefined;
  }
  if (file === undefined || file === '') throw new DaemonError('USAGE', '--forking needs --command-pidfile FILE, the pidfile the command writes');
  // As systemd's Type=forking: ready once the command exited 0 and its pidfile names a live server.
  if (argv.ready !== undefined) throw new DaemonError('USAGE', '--ready does not combine with --forking: a forking server is ready once its command exits 0 and its pidfile names it');
  return path.resolve(file);
}

/** --stop-signal and --stop-timeout as given; undefined means "as recorded". */
export function stopOverrides(argv: Words): StopOptions {
  return {
    stopSignal: parseSignalOption('stop-signal', one(argv['stop-signal'])),
    stopTimeoutMs: argv['stop-timeout'] === undefined ? undefined : parseSeconds('stop-timeout', one(argv['stop-timeout']), 0),
  };
}

const RESPAWN_ONLY = ['restart', 'no-restart-exit', 'min-uptime', 'backoff-max', 'max-restarts', 'restart-window'];

/** --log-max-size and --log-backups: the watchdog of a watched daemon writes the log, so only it can rotate it. */
function logRotation(argv: Words): LogRotation | undefined {
  const size = one(argv['log-max-size']);
  const backups = one(argv['log-backups']);
  if (size === undefined) {
    if (backups !== undefined) throw new DaemonError('USAGE', '--log-backups needs --log-max-size');
    return undefined;
  }
  if (argv.respawn !== true) {
    throw new DaemonError('USAGE', "--log-max-size needs --respawn (its watchdog writes the log); a plain daemon's log is rotated by logrotate with copytruncate");
  }
  return { maxBytes: parseSize('log-max-size', size), backups: parseCount('log-backups', backups, DEFAULTS.logBackups) };
}

function respawnPolicy(argv: Words): RespawnPolicy | undefined {
  if (argv.respawn !== true) {
    const stray = RESPAWN_ONLY.find((option) => argv[option] !== undefined);
    if (stray) throw new DaemonError('USAGE', `--${stray} needs --respawn`);
    return undefined;
  }
  const defaults = DEFAULTS.respawn;
  const restart = one(argv.restart) ?? defaults.restart;
  if (restart !== 'on-failure' && restart !== 'always') {
    throw new DaemonError('USAGE', `--restart takes on-failure or always, not '${restart}'`);
  }
  const codes = many(argv['no-restart-exit']).map((code) => {
    if (!/^\d+$/.test(code) || Number(code) > 255) throw new DaemonError('USAGE', `--no-restart-exit takes an exit code 0-255, not '${code}'`);
    return Number(code);
  });
  return {
    restart,
    noRestartExitCodes: codes,
    minUptimeMs: parseSeconds('min-uptime', one(argv['min-uptime']), defaults.minUptimeMs),
    backoffMaxMs: parseSeconds('backoff-max', one(argv['backoff-max']), defaults.backoffMaxMs),
    maxRestarts: parseCount('max-restarts', one(argv['max-restarts']), defaults.maxRestarts),
    restartWindowMs: parseSeconds('restart-window', one(argv['restart-window']), defaults.restartWindowMs),
  };
}
