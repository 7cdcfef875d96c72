// One process of a supervisord config as the [Unit] and [Service] lines of a
// systemd service, field by field. What systemd cannot do is written as a
// comment beside the nearest directive and returned as a warning, once.
import type { ProcessSpec } from '../model/program';
import { logLines } from './systemd-logs';
import { backoffLines, startLimitLines } from './systemd-restart';
import { stopLines } from './systemd-stop';
import {
  comment,
  directive,
  formatExecLine,
  formatUmask,
  isEnvironmentName,
  plainValue,
  quoteEnvironmentAssignment,
  type UnitLine,
} from './systemd-syntax';

/** What the world says about a process, found by app/ (PATH search, group database). */
export interface ProcessFacts {
  /** The command's program as the supervisor would find it; null when it cannot be found. */
  executable: string | null;
  /** The name of the user's primary group; null to write its number. */
  groupName: string | null;
}

/** [supervisord] settings that reach every program. */
export interface SupervisorWide {
  /** umask= written in [supervisord]: the programs inherit it. */
  umask: number | null;
  /** user= of [supervisord]: it drops to this user, and its programs run as it. */
  user: string | null;
  /** minfds=/minprocs= written in [supervisord]: raised limits the programs inherit. */
  minfds: number | null;
  minprocs: number | null;
}

/** A group of lines that belong together; a template splits by fields. */
export interface Field {
  id: string;
  lines: UnitLine[];
}

export interface ProcessUnit {
  unit: Field[];
  service: Field[];
  /** One line each, also written in the unit as a comment. */
  warnings: string[];
}

export function mapProcess(spec: ProcessSpec, facts: ProcessFacts, wide: SupervisorWide): ProcessUnit {
  const warnings: string[] = [];
  const lost = (text: string): UnitLine => {
    warnings.push(text);
    return comment(`Not carried over: ${text}`);
  };
  const startPhase = spec.startsecs > 0 ? spec.startretries + 1 : 0;
  const startWhy =
    spec.startsecs > 0
      ? [`startsecs=${spec.startsecs}, startretries=${spec.startretries}: systemd counts a run as started once exec succeeds (Type=exec);`, 'a quick death is a restart like any other, and the start limit counts both.']
      : ['startsecs=0: every death is judged by the crash-loop rules, as under tdaemon.'];
  const unit: Field[] = [{ id: 'limits', lines: startLimitLines(spec.tdaemon, startPhase, startWhy) }];

  const service: Field[] = [
    { id: 'type', lines: [directive('Type', 'exec')] },
    { id: 'exec', lines: execLines(spec, facts, lost) },
    { id: 'directory', lines: directoryLines(spec, lost) },
    { id: 'user', lines: userLines(spec, facts, wide) },
    { id: 'environment', lines: environmentLines(spec.environment, lost) },
    { id: 'umask', lines: umaskLines(spec.umask ?? wide.umask) },
    { id: 'rlimits', lines: rlimitLines(wide) },
    { id: 'restart', lines: [...restartLines(spec), ...backoffLines(spec.tdaemon)] },
    { id: 'stop', lines: stopLines(spec, lost) },
    { id: 'logs', lines: logLines(spec, lost) },
    { id: 'extensions', lines: extensionLines(spec, lost) },
  ];
  return { unit, service: service.filter((field) => field.lines.length > 0), warnings };
}

function execLines(spec: ProcessSpec, facts: ProcessFacts, lost: (text: string) => UnitLine): UnitLine[] {
  const notes: UnitLine[] = [];
  if (facts.executable === null) notes.push(lost(`command '${spec.argv[0]}' is not found where the supervisor would look; ExecStart= names it as written`));
  return [...notes, directive('ExecStart', formatExecLine([facts.executable ?? spec.argv[0], ...spec.argv.slice(1)]))];
}

function directoryLines(spec: ProcessSpec, lost: (text: string) => UnitLine): UnitLine[] {
  if (spec.directory === null) return [comment("No directory=: under supervisor it runs in the supervisor's directory, here in /.")];
  const value = plainValue(spec.directory);
  return value === null ? [lost('directory= holds a line break')] : [directive('WorkingDirectory', value)];
}

function userLines(spec: ProcessSpec, facts: ProcessFacts, wide: SupervisorWide): UnitLine[] {
  if (spec.user !== null) {
    return [directive('User', spec.user.name), directive('Group', facts.groupName ?? String(spec.user.gid))];
  }
  return wide.user === null ? [] : [comment('user= of [supervisord]: the supervisor runs as it, and so do its programs.'), directive('User', wide.user)];
}

/** [supervisord] environment= overlaid by the program's: the pairs the config sets. */
export function environmentLines(environment: Record<string, string>, lost: (text: string) => UnitLine): UnitLine[] {
  const lines: UnitLine[] = [];
  for (const [key, value] of Object.entries(environment)) {
    if (isEnvironmentName(key)) lines.push(directive('Environment', quoteEnvironmentAssignment(key, value)));
    else lines.push(lost(`environment name '${key}' is not one systemd accepts`));
  }
  return lines;
}

function umaskLines(umask: number | null): UnitLine[] {
  return umask === null ? [] : [directive('UMask', formatUmask(umask))];
}

function rlimitLines(wide: SupervisorWide): UnitLine[] {
  const lines: UnitLine[] = [];
  if (wide.minfds !== null) lines.push(directive('LimitNOFILE', String(wide.minfds)));
  if (wide.minprocs !== null) lines.push(directive('LimitNPROC', String(wide.minprocs)));
  return lines;
}

/**
 * autorestart=unexpected restarts after any exit status not in exitcodes and
 * after a death by any signal. Restart=on-failure alone would not restart
 * after exit 0 when 0 is not listed, nor after SIGHUP, SIGINT, SIGTERM or
 * SIGPIPE (clean for systemd): RestartForceExitStatus= adds them back.
 * SuccessExitStatus= makes a listed exit a success, not a failed unit.
 */
function restartLines(spec: ProcessSpec): UnitLine[] {
  const listed = spec.exitcodes.filter((code) => code !== 0);
  const success = listed.length > 0 ? [directive('SuccessExitStatus', listed.join(' '))] : [];
  const exitcodes = `exitcodes=${spec.exitcodes.join(',')}`;
  if (spec.autorestart === 'true') return [directive('Restart', 'always'), ...success];
  if (spec.autorestart === 'false') return [directive('Restart', 'no'), ...success];
  const forced = [...(spec.exitcodes.includes(0) ? [] : ['0']), 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'];
  return [
    comment(`autorestart=unexpected, ${exitcodes}: a restart after any other exit status and after a death by any signal.`),
    directive('Restart', 'on-failure'),
    ...success,
    directive('RestartForceExitStatus', forced.join(' ')),
  ];
}

function extensionLines(spec: ProcessSpec, lost: (text: string) => UnitLine): UnitLine[] {
  const lines: UnitLine[] = [];
  if (spec.explicit.includes('tdaemon_min_uptime')) {
    lines.push(lost(`tdaemon_min_uptime=${spec.tdaemon.minUptimeSecs}: systemd's restart delay does not start over after a healthy run`));
  }
  if (spec.tdaemon.waitPriority) lines.push(lost('tdaemon_wait_priority=true: After= orders the starts, but systemd does not wait for the earlier programs to reach RUNNING'));
  if (spec.tdaemon.fatalExits) lines.push(lost('tdaemon_fatal_exits=true: a failed unit does not stop the others'));
  if (spec.serverurl !== null) lines.push(lost(`serverurl=${spec.serverurl}: there is no supervisor to reach`));
  return lines;
}
