import fs = require('node:fs');
import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { followFile } from '../os/follow-file';
import { lastLines } from '../os/log-tail';
import { readState } from '../os/state-file';
import { requireTrustedFiles } from './trust';

/** Where output goes: returns false when the reader is gone (EPIPE), which ends a follow. */
export type Sink = (bytes: Buffer) => boolean;

/** Sends the last LINES lines of the daemon's log to WRITE, then follows it if asked. */
export async function showLogs(paths: DaemonPaths, lines: number, follow: boolean, write: Sink): Promise<void> {
  requireTrustedFiles(paths); // as root, a forged record could name any file as its log
  const state = readState(paths.statefile);
  const log = state.kind === 'ok' ? state.record.log : paths.defaultLog;
  if (!fs.existsSync(log)) throw new DaemonError('FAILED', `${paths.name}: no log at ${log}`);
  await showLogFile(log, lines, follow, write);
}

/** The last LINES lines of the log file LOG to WRITE, then what is added to it, if asked. */
export async function showLogFile(log: string, lines: number, follow: boolean, write: Sink): Promise<void> {
  let offset = 0;
  try {
    offset = fs.statSync(log).size;
  } catch {
    // raced with a rotation; follow starts from the beginning of the new file
  }
  for (const line of lastLines(log, lines)) if (!write(Buffer.from(`${line}\n`))) return;
  if (follow) await followLog(log, offset, write);
}

/**
 * Follows FILE from OFFSET through rotation (os/follow-file.ts: inotify,
 * renames read to their end, truncations by copytruncate recovered from
 * logrotate's copy), until the reader goes away.
 */
async function followLog(file: string, offset: number, write: Sink): Promise<void> {
  const stop = new AbortController();
  await followFile(file, {
    fromOffset: offset,
    onData: (bytes) => {
      if (!write(bytes)) stop.abort();
    },
    signal: stop.signal,
  });
}
