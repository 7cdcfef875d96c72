// export: hand programs over to systemd (or a daemon to supervisord). The
// generators are pure (policy/systemd-*.ts, policy/supervisord-section.ts);
// this recipe reads the config or the record, asks the world what they
// cannot know (where a command is, a group's name), and returns the files.
import path = require('node:path');
import { lookupCommand } from '../common/command-path';
import { CliError } from '../common/errors';
import { ConfigError, formatProblem, loadConfig, type ProcessSpec, type SupervisorConfig } from '../config';
import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import type { DaemonRecord } from '../model/record';
import { findGroup, findUser } from '../os/accounts';
import { readState } from '../os/state-file';
import { exportProgramSection } from '../policy/supervisord-section';
import { exportDaemonUnit } from '../policy/systemd-daemon';
import { exportPrograms } from '../policy/systemd-export';
import { exportSupervisorUnit } from '../policy/systemd-supervisor';
import { escapeUnitName, type ExportFile } from '../policy/systemd-syntax';
import { nodeConfigDeps } from './config-deps';
import { requireTrustedFiles } from './trust';

export interface ExportOutcome {
  files: ExportFile[];
  /** What the config loader said, one line each. */
  configWarnings: string[];
  /** What is not carried over, one line each. */
  warnings: string[];
  /** What to run once the files are in place. */
  next: string;
}

/** systemd's search path for system units' commands (systemd 252, path-util.h). */
const SYSTEMD_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin'];

export function exportConfigUnits(configFile: string, prefix: string | undefined): ExportOutcome {
  const { config, configWarnings } = readConfig(configFile);
  const unitPrefix = prefix ?? defaultPrefix(config.file);
  const plan = exportPrograms(config, unitPrefix, (spec) => ({ executable: findExecutable(spec), groupName: spec.user ? (findGroup(String(spec.user.gid))?.name ?? null) : null }));
  return { files: plan.files, configWarnings, warnings: plan.warnings, next: `systemctl daemon-reload && systemctl enable --now ${unitPrefix}.target` };
}

/** One unit that runs `tdaemon -c FILE supervise`; TDAEMON is this package's bin/tdaemon. */
export function exportSupervisorUnitOf(configFile: string, prefix: string | undefined, tdaemon: string): ExportOutcome {
  const { config, configWarnings } = readConfig(configFile);
  const unitPrefix = prefix ?? defaultPrefix(config.file);
  const nodeDir = path.dirname(process.execPath);
  const facts = { tdaemon, path: SYSTEMD_PATH.includes(nodeDir) ? null : [nodeDir, ...SYSTEMD_PATH].join(':') };
  return { files: [exportSupervisorUnit(config, unitPrefix, facts)], configWarnings, warnings: [], next: `systemctl daemon-reload && systemctl enable --now ${unitPrefix}.service` };
}

export function exportDaemonUnitOf(paths: DaemonPaths, prefix: string | undefined): ExportOutcome {
  const record = readRecord(paths);
  const kill = lookupCommand('kill', process.env.PATH, '/');
  const facts = { pidfile: paths.pidfile, executable: recordedExecutable(record), kill: kill.found ? kill.file : null };
  const { file, warnings } = exportDaemonUnit(record, prefix ?? 'tdaemon', facts);
  return { files: [file], configWarnings: [], warnings, next: `systemctl daemon-reload && systemctl enable --now ${file.name} (after 'tdaemon --pidfile ${paths.pidfile} stop')` };
}

export function exportDaemonSection(paths: DaemonPaths): ExportOutcome {
  const record = readRecord(paths);
  const { name, text, warnings } = exportProgramSection(record, paths.pidfile, recordedExecutable(record));
  return { files: [{ name: `${name}.conf`, text }], configWarnings: [], warnings, next: `include ${name}.conf from a supervisord config ([include] files=), then: tdaemon -c FILE update` };
}

/** The config file's name without .conf, as a unit name: `supervisord` for /etc/supervisor/supervisord.conf. */
export function defaultPrefix(configFile: string): string {
  return escapeUnitName(path.basename(configFile).replace(/\.(conf|ini)$/, '')) || 'tdaemon';
}

function readConfig(configFile: string): { config: SupervisorConfig; configWarnings: string[] } {
  try {
    const { config, warnings } = loadConfig(configFile, nodeConfigDeps({ lookupUser: findUser, lookupGroup: findGroup }));
    return { config, configWarnings: warnings.map(formatProblem) };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, error.exitCode);
    throw error;
  }
}

function readRecord(paths: DaemonPaths): DaemonRecord {
  requireTrustedFiles(paths);
  const reading = readState(paths.statefile);
  if (reading.kind === 'ok') return reading.record;
  if (reading.kind === 'absent') throw new DaemonError('NOT_RUNNING', `${paths.name}: no record at ${paths.statefile}: export works on a daemon that tdaemon started and that has not been stopped`);
  throw new DaemonError('BAD_RECORD', `${paths.name}: the record ${paths.statefile} cannot be used: ${reading.reason}`);
}

/**
 * As supervisor finds a program: a name with a slash is taken from the
 * supervisor's directory, another is searched in the program's PATH, else
 * the supervisor's own.
 */
function findExecutable(spec: ProcessSpec): string | null {
  const found = lookupCommand(spec.argv[0], spec.environment.PATH ?? process.env.PATH, process.cwd());
  return found.found ? found.file : null;
}

/** As start found it: in the daemon's --env PATH or tdaemon's, from its directory. */
function recordedExecutable(record: DaemonRecord): string | null {
  const found = lookupCommand(record.command[0], record.env.PATH ?? process.env.PATH, record.cwd);
  return found.found ? found.file : null;
}
