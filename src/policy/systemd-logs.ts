// Where a program's output goes: a file is appended to (StandardOutput=
// append:PATH, systemd 240), AUTO is left to the journal, NONE is dropped.
// systemd never rotates a file it appends to.
import type { LogSpec, ProcessSpec } from '../model/program';
import { comment, directive, formatBytes, plainValue, type UnitLine } from './systemd-syntax';

type Lost = (text: string) => UnitLine;

export function logLines(spec: Pick<ProcessSpec, 'stdout' | 'stderr' | 'redirectStderr'>, lost: Lost): UnitLine[] {
  const stdout = channelLines('stdout', 'StandardOutput', spec.stdout, lost);
  if (spec.redirectStderr) {
    return [...stdout, comment('redirect_stderr=true: stderr goes where stdout goes.'), directive('StandardError', 'inherit')];
  }
  return [...stdout, ...channelLines('stderr', 'StandardError', spec.stderr, lost)];
}

function channelLines(channel: 'stdout' | 'stderr', key: string, log: LogSpec, lost: Lost): UnitLine[] {
  const lines: UnitLine[] = [];
  if (log.captureMaxbytes > 0 || log.eventsEnabled) {
    lines.push(lost(`${channel}_capture_maxbytes and ${channel}_events_enabled: supervisor's events have no systemd equivalent`));
  }
  if (log.logfile === 'AUTO') {
    lines.push(comment(`${channel}_logfile=AUTO: the journal keeps it (journalctl -u UNIT).`));
    lines.push(directive(key, 'journal'));
    return lines;
  }
  if (log.logfile === 'NONE') {
    if (log.syslog) return [...lines, comment(`${channel}_syslog=true: the journal keeps it, and passes it on to syslog.`), directive(key, 'journal')];
    return [...lines, directive(key, 'null')];
  }
  const path = plainValue(log.logfile);
  if (path === null) return [...lines, lost(`${channel}_logfile holds a line break; the journal keeps ${channel}`), directive(key, 'journal')];
  if (log.maxbytes > 0) {
    const rule = `${channel}_logfile_maxbytes=${formatBytes(log.maxbytes)}, ${channel}_logfile_backups=${log.backups}`;
    lines.push(lost(`${rule}: systemd does not rotate by size; rotate ${log.logfile} with logrotate (copytruncate)`));
  }
  if (log.syslog) lines.push(lost(`${channel}_syslog=true: the output goes to the file only, not to syslog`));
  lines.push(directive(key, `append:${path}`));
  return lines;
}
