// The supervisor itself as one systemd service, for those who keep
// `tdaemon -c FILE supervise` and want systemd to start it at boot.
import type { SupervisorConfig } from '../model/settings';
import { comment, directive, escapeSpecifiers, formatExecLine, quoteEnvironmentAssignment, renderUnit, type ExportFile } from './systemd-syntax';

export interface SupervisorFacts {
  /** This package's bin/tdaemon, absolute. */
  tdaemon: string;
  /** PATH for the unit when node is not in systemd's own search path; null otherwise. */
  path: string | null;
}

/** Seconds added to the programs' stop times: the supervisor's own way out. */
const STOP_MARGIN_SECS = 10;

/**
 * KillMode=mixed: SIGTERM reaches the supervisor alone, which stops its
 * programs by their own stop rules, in priority order, and exits 0; only what
 * is left after that, or after TimeoutStopSec=, gets SIGKILL. With the default
 * control-group every program would get SIGTERM at once, whatever its
 * stopsignal. TimeoutStopSec= gives each group its longest stopwaitsecs, one
 * group after another, and a margin.
 */
export function exportSupervisorUnit(config: SupervisorConfig, prefix: string, facts: SupervisorFacts): ExportFile {
  const command = (verb: string) => formatExecLine([facts.tdaemon, '-c', config.file, verb]);
  const stopSecs = config.groups.reduce((sum, group) => sum + Math.max(0, ...group.processes.map((p) => p.stopwaitsecs)), 0) + STOP_MARGIN_SECS;
  const text = renderUnit(
    [
      `Written by 'tdaemon export systemd --supervisor' from ${config.file}.`,
      `Start it now and at every boot with: systemctl enable --now ${prefix}.service`,
    ],
    [
      {
        name: 'Unit',
        lines: [directive('Description', `tdaemon supervisor of ${escapeSpecifiers(config.file)}`), directive('After', 'network.target')],
      },
      {
        name: 'Service',
        lines: [
          directive('Type', 'exec'),
          ...(facts.path === null ? [] : [comment('node is not in systemd\'s search path: the one that ran the export is.'), directive('Environment', quoteEnvironmentAssignment('PATH', facts.path))]),
          directive('ExecStart', command('supervise')),
          directive('ExecReload', command('update')),
          comment('SIGTERM to the supervisor alone: it stops the programs by their own rules, then exits.'),
          directive('KillMode', 'mixed'),
          directive('KillSignal', 'SIGTERM'),
          directive('TimeoutStopSec', String(stopSecs)),
          directive('Restart', 'on-failure'),
          directive('RestartSec', '1'),
        ],
      },
      { name: 'Install', lines: [directive('WantedBy', 'multi-user.target')] },
    ],
  );
  return { name: `${prefix}.service`, text };
}
