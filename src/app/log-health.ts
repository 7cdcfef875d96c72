import type { DaemonRecord } from '../model/record';
import { isSameProcess } from '../os/family';
import { descriptorIsFile, descriptorTarget, holdsFile } from '../os/open-files';

/**
 * Whether the daemon still writes to its log, as status and logs check it:
 * a line for each log it no longer writes (logrotate renamed or deleted it
 * without copytruncate, or a watchdog was not told to reopen), else none.
 * CHILD is the process running the command, when one runs.
 */
export function logWarnings(record: DaemonRecord | null, child: number | null): string[] {
  if (record === null) return [];
  const logs: Array<[fd: number, file: string]> = [[1, record.log]];
  if (record.errorLog !== null) logs.push([2, record.errorLog]);
  const warnings: string[] = [];
  if (record.watchdog !== null && record.logRotation !== undefined && record.logRotation !== null) {
    // The watchdog writes the logs (app/watchdog-log.ts).
    if (!isSameProcess(record.pid, record.startTicks)) return [];
    for (const [, file] of logs) {
      if (holdsFile(record.pid, file) === false) {
        warnings.push(`its watchdog (pid ${record.pid}) no longer writes to ${file}, which was renamed or deleted: 'tdaemon reopen' makes it open ${file} again`);
      }
    }
    return warnings;
  }
  if (child === null) return [];
  for (const [fd, file] of logs) {
    if (descriptorIsFile(child, fd, file) !== false) continue;
    const target = descriptorTarget(child, fd);
    warnings.push(
      `pid ${child} no longer writes to ${file}${target ? ` but to ${target}` : ''}: the file was renamed or deleted; ` +
        `rotate it with logrotate's copytruncate (or run under --respawn and use 'tdaemon reopen'), and restart the daemon to write to ${file} again`,
    );
  }
  return warnings;
}
