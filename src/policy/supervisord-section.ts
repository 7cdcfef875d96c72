// A daemon started by `tdaemon start` as a [program:x] section that the
// real supervisord and `tdaemon -c` both run with the same command,
// directory, environment, logs and restart rules. The tdaemon_* keys carry
// the crash-loop rules; supervisord ignores them.
import type { DaemonRecord } from '../model/record';
import { DEFAULTS } from './defaults';

export interface SectionExport {
  /** The program's name: the daemon's, with what a name may not hold replaced by `_`. */
  name: string;
  text: string;
  warnings: string[];
}

/** supervisor's default startretries, for a watched daemon. */
const START_RETRIES = 3;

export function exportProgramSection(record: DaemonRecord, pidfile: string, executable: string | null): SectionExport {
  const warnings: string[] = [];
  const lines: string[] = [];
  const lost = (text: string) => {
    warnings.push(text);
    lines.push(`; Not carried over: ${text}`);
  };
  const name = record.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'daemon';
  if (name !== record.name) lost(`the name '${record.name}' holds characters a program name may not: it is ${name} here`);
  const argv = [executable ?? record.command[0], ...record.command.slice(1)];
  if (executable === null) lost(`command '${record.command[0]}' is not found any more; command= names it as recorded`);
  const command = quoteCommand(argv);
  if (command === null) lost('the command holds a line break, which a config value cannot');
  else lines.push(`command=${command}`);
  if (record.forking) lost(`--forking --command-pidfile ${record.forking.commandPidfile}: supervisor runs a program in the foreground; give the command its own foreground option (nginx -g 'daemon off;', redis-server --daemonize no)`);
  const directory = quotePath(record.cwd);
  if (directory === null) lost('the directory holds a line break or a comment character after a space');
  else lines.push(`directory=${directory}`);
  const environment = environmentValue(record.env, lost);
  if (environment !== '') lines.push(`environment=${environment}`);
  if (record.user !== null) lines.push(`user=${record.user}`);
  if (record.group !== null) lost(`--group ${record.group}: supervisor runs a program with its user's groups`);
  if (record.umask !== null) lines.push(`umask=${record.umask.toString(8).padStart(3, '0')}`);
  lines.push('autostart=true', ...restartKeys(record));
  lines.push(`stopsignal=${record.stopSignal.replace(/^SIG/, '')}`);
  const stopSecs = Math.ceil(record.stopTimeoutMs / 1000);
  if (stopSecs * 1000 !== record.stopTimeoutMs) lost(`--stop-timeout ${record.stopTimeoutMs / 1000}: stopwaitsecs takes whole seconds, ${stopSecs} here`);
  lines.push(`stopwaitsecs=${stopSecs}`);
  lines.push(`; tdaemon reload sends ${record.reloadSignal}: supervisorctl signal ${record.reloadSignal.replace(/^SIG/, '')} ${name}`);
  lines.push(...logKeys(record, lost));
  const header = `; Written by 'tdaemon export supervisord' from the record of daemon ${record.name} (${pidfile}), started ${record.startedAt}.`;
  return { name, text: [header.replace(/\n/g, ' '), `[program:${name}]`, ...lines].join('\n') + '\n', warnings };
}

/**
 * A plain daemon is never restarted, and its start fails if the command dies
 * within --wait: startretries=0. --restart on-failure is autorestart=
 * unexpected with 0 and the --no-restart-exit codes listed; --restart always
 * is autorestart=true, or unexpected with only those codes listed.
 */
function restartKeys(record: DaemonRecord): string[] {
  const startsecs = `startsecs=${DEFAULTS.waitMs / 1000}`;
  const respawn = record.respawn;
  if (respawn === null) return ['autorestart=false', startsecs, 'startretries=0'];
  const codes = respawn.noRestartExitCodes;
  let restart: string[];
  if (respawn.restart === 'on-failure') restart = ['autorestart=unexpected', `exitcodes=${[0, ...codes.filter((c) => c !== 0)].join(',')}`];
  else if (codes.length === 0) restart = ['autorestart=true'];
  else restart = ['autorestart=unexpected', `exitcodes=${codes.join(',')}`];
  return [
    ...restart,
    startsecs,
    `startretries=${START_RETRIES}`,
    `tdaemon_min_uptime=${respawn.minUptimeMs / 1000}`,
    `tdaemon_backoff_max=${respawn.backoffMaxMs / 1000}`,
    `tdaemon_crash_limit=${respawn.maxRestarts}`,
    `tdaemon_crash_window=${respawn.restartWindowMs / 1000}`,
  ];
}

/**
 * The logs, rotated as the watchdog rotated them (--log-max-size and
 * --log-backups apply to both files); a plain daemon's logs are never
 * rotated by tdaemon: maxbytes 0.
 */
function logKeys(record: DaemonRecord, lost: (text: string) => void): string[] {
  const log = quotePath(record.log);
  if (log === null) {
    lost('the log path holds a line break or a comment character after a space');
    return [];
  }
  const rotation = record.logRotation && record.logRotation.maxBytes > 0 ? record.logRotation : null;
  const sizeKeys = (channel: 'stdout' | 'stderr') =>
    rotation === null ? [`${channel}_logfile_maxbytes=0`] : [`${channel}_logfile_maxbytes=${rotation.maxBytes}`, `${channel}_logfile_backups=${rotation.backups}`];
  const keys = [`stdout_logfile=${log}`, ...sizeKeys('stdout')];
  if (record.errorLog === null) return [...keys, 'redirect_stderr=true'];
  const errorLog = quotePath(record.errorLog);
  if (errorLog === null) {
    lost('the error log path holds a line break or a comment character after a space');
    return [...keys, 'redirect_stderr=true'];
  }
  return [...keys, 'redirect_stderr=false', `stderr_logfile=${errorLog}`, ...sizeKeys('stderr')];
}

/**
 * What the INI reader would cut: an inline comment starts at `;` or `#`
 * after whitespace, and surrounding whitespace is stripped.
 */
function breaksIni(value: string): boolean {
  return /[\n\r]|\s[;#]/.test(value) || value !== value.trim();
}

/** A path: `%` doubled for supervisor's expansion, and nothing the INI reader would cut. */
function quotePath(path: string): string | null {
  return breaksIni(path) ? null : path.replace(/%/g, '%%');
}

const SAFE = /^[A-Za-z0-9_@+=:,./-]$/;

/**
 * Words for shlex.split (POSIX): safe characters as they are, whitespace in
 * single quotes, anything else behind a backslash, so that no `;` or `#`
 * ever follows whitespace, which the INI reader would take for a comment.
 */
export function quoteCommand(argv: readonly string[]): string | null {
  if (argv.some((word) => /[\n\r]/.test(word))) return null;
  return argv
    .map((word) => {
      if (word === '') return "''";
      let out = '';
      for (const char of word) {
        if (char === '%') out += '%%';
        else if (SAFE.test(char) || char.codePointAt(0)! > 0x7f) out += char;
        else if (/\s/.test(char)) out += `'${char}'`;
        else out += `\\${char}`;
      }
      return out;
    })
    .join(' ');
}

/**
 * environment=K="v",... : supervisor 4.2.5 reads it with shlex's legacy
 * mode, where a backslash escapes nothing, so a value is written in double
 * quotes, or in single quotes when it holds `"` or `\`. A value with both
 * quotes, or one the INI reader would cut, cannot be written.
 */
function environmentValue(env: Record<string, string>, lost: (text: string) => void): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    const quote = /["\\]/.test(value) ? "'" : '"';
    if ((value.includes('"') && value.includes("'")) || /[\n\r]|\s[;#]/.test(value) || !/^[A-Za-z0-9_/.+\-():]+$/.test(key)) {
      lost(`--env ${key}=...: supervisor's environment= cannot hold this pair`);
      continue;
    }
    pairs.push(`${key}=${quote}${value.replace(/%/g, '%%')}${quote}`);
  }
  return pairs.join(',');
}
