// One daemon started by `tdaemon start` as a systemd service, from what its
// start recorded: systemd takes the watchdog's place.
import type { DaemonRecord, RespawnPolicy } from '../model/record';
import { environmentLines } from './systemd-program';
import { backoffLines, startLimitLines, type CrashRules } from './systemd-restart';
import { stopLines } from './systemd-stop';
import { comment, directive, escapeSpecifiers, escapeUnitName, formatBytes, formatExecLine, formatUmask, plainValue, renderUnit, type ExportFile, type UnitLine } from './systemd-syntax';

export interface DaemonFacts {
  pidfile: string;
  /** The command's program, found as start found it; null when it is gone. */
  executable: string | null;
  /** kill(1) for ExecReload=; null when there is none. */
  kill: string | null;
}

export interface DaemonExport {
  file: ExportFile;
  warnings: string[];
}

export function exportDaemonUnit(record: DaemonRecord, prefix: string, facts: DaemonFacts): DaemonExport {
  const warnings: string[] = [];
  const lost = (text: string): UnitLine => {
    warnings.push(text);
    return comment(`Not carried over: ${text}`);
  };
  const rules = record.respawn === null ? null : crashRulesOf(record.respawn);
  const unit: UnitLine[] = [directive('Description', escapeSpecifiers(`${record.name} (tdaemon ${facts.pidfile})`)), directive('After', 'network.target')];
  if (rules) unit.push(...startLimitLines(rules, 0, [`--max-restarts ${rules.crashLimit} --restart-window ${rules.crashWindowSecs}: more deaths than that in the window and it is given up.`]));
  const service: UnitLine[] = [directive('Type', 'exec')];
  if (record.forking) {
    // start --forking --command-pidfile: systemd's own model of such a server.
    const pidfile = plainValue(record.forking.commandPidfile);
    service[0] = directive('Type', 'forking');
    service.push(pidfile === null ? lost('the command pidfile holds a line break') : directive('PIDFile', pidfile));
  }
  // systemd's readiness is the service's own (Type=notify); it cannot watch a port, a file or a log line.
  if (record.ready !== undefined) service.push(lost(`--ready ${record.ready}: systemd cannot wait for it; Type=exec is ready once the command runs`));
  if (facts.executable === null) service.push(lost(`command '${record.command[0]}' is not found any more; ExecStart= names it as recorded`));
  service.push(directive('ExecStart', formatExecLine([facts.executable ?? record.command[0], ...record.command.slice(1)])));
  const cwd = plainValue(record.cwd);
  service.push(cwd === null ? lost('the directory holds a line break') : directive('WorkingDirectory', cwd));
  if (record.user !== null) service.push(directive('User', record.user));
  if (record.group !== null) service.push(directive('Group', record.group));
  service.push(comment('The --env pairs; the rest of the environment tdaemon start ran in (its .environ file, which may hold secrets) is not copied, and systemd gives its own.'));
  service.push(...environmentLines(record.env, lost));
  if (record.umask !== null) service.push(directive('UMask', formatUmask(record.umask)));
  service.push(...respawnLines(record.respawn));
  if (rules) service.push(...backoffLines(rules));
  service.push(...stopLines({ stopScope: 'family', killScope: 'family', stopsignal: record.stopSignal, stopwaitsecs: record.stopTimeoutMs / 1000 }, lost));
  if (facts.kill === null) service.push(lost(`reload by ${record.reloadSignal}: no kill(1) to send it`));
  else service.push(directive('ExecReload', `${formatExecLine([facts.kill, '-s', record.reloadSignal])} $MAINPID`));
  service.push(...logLines(record, lost));
  const text = renderUnit(
    [`Written by 'tdaemon export systemd' from the record of daemon ${record.name} (${facts.pidfile}), started ${record.startedAt}.`],
    [
      { name: 'Unit', lines: unit },
      { name: 'Service', lines: service },
      { name: 'Install', lines: [directive('WantedBy', 'multi-user.target')] },
    ],
  );
  return { file: { name: `${prefix}-${escapeUnitName(record.name)}.service`, text }, warnings };
}

export function crashRulesOf(respawn: RespawnPolicy): CrashRules {
  return {
    minUptimeSecs: respawn.minUptimeMs / 1000,
    backoffMaxSecs: respawn.backoffMaxMs / 1000,
    crashLimit: respawn.maxRestarts,
    crashWindowSecs: respawn.restartWindowMs / 1000,
  };
}

/**
 * --restart on-failure: a clean exit (status 0) ends the daemon, a death by
 * any signal restarts it; systemd takes SIGHUP, SIGINT, SIGTERM and SIGPIPE
 * as clean, so RestartForceExitStatus= adds them back. --no-restart-exit
 * codes end it in either mode.
 */
function respawnLines(respawn: RespawnPolicy | null): UnitLine[] {
  if (respawn === null) return [comment('Started without --respawn: nothing restarts it.'), directive('Restart', 'no')];
  const prevent = respawn.noRestartExitCodes.length > 0 ? [directive('RestartPreventExitStatus', respawn.noRestartExitCodes.join(' '))] : [];
  if (respawn.restart === 'always') return [directive('Restart', 'always'), ...prevent];
  return [directive('Restart', 'on-failure'), directive('RestartForceExitStatus', 'SIGHUP SIGINT SIGTERM SIGPIPE'), ...prevent];
}

function logLines(record: DaemonRecord, lost: (text: string) => UnitLine): UnitLine[] {
  const log = plainValue(record.log);
  const lines = [log === null ? lost('the log path holds a line break') : directive('StandardOutput', `append:${log}`)];
  const rotation = record.logRotation;
  if (rotation && rotation.maxBytes > 0) {
    // systemd appends to the file itself: nothing rotates it by size, and nothing in the unit can.
    lines.push(lost(`--log-max-size ${formatBytes(rotation.maxBytes)} --log-backups ${rotation.backups}: systemd does not rotate by size; rotate ${record.log} with logrotate (copytruncate)`));
  }
  if (record.errorLog === null) return [...lines, directive('StandardError', 'inherit')];
  const errorLog = plainValue(record.errorLog);
  return [...lines, errorLog === null ? lost('the error log path holds a line break') : directive('StandardError', `append:${errorLog}`)];
}
