import fs = require('node:fs');
import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { sleep } from '../os/family';
import { lastLines } from '../os/log-tail';
import { readState } from '../os/state-file';

const POLL_MS = 100;

/** Where output goes: returns false when the reader is gone (EPIPE), which ends a follow. */
export type Sink = (bytes: Buffer) => boolean;

/** Sends the last LINES lines of the daemon's log to WRITE, then follows it if asked. */
export async function showLogs(paths: DaemonPaths, lines: number, follow: boolean, write: Sink): Promise<void> {
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
  if (follow) await followFile(log, offset, write);
}

/**
 * Follows FILE from OFFSET through rotation: renamed away (the old file is
 * read to its end, then the new one from its start) or truncated in place
 * (read again from the start). Polls, as tail -F does on most systems.
 */
async function followFile(file: string, offset: number, write: Sink): Promise<void> {
  let fd: number | null = openQuietly(file);
  let inode = fd === null ? null : fs.fstatSync(fd).ino;
  let position = offset;
  for (;;) {
    if (fd !== null) {
      const size = fs.fstatSync(fd).size;
      if (size < position) position = 0; // truncated
      const drained = drain(fd, position, size, write);
      if (drained === null) return;
      position += drained;
    }
    let current: fs.Stats | null = null;
    try {
      current = fs.statSync(file);
    } catch {
      current = null;
    }
    if (current !== null && current.ino !== inode) {
      if (fd !== null) {
        const drained = drain(fd, position, fs.fstatSync(fd).size, write); // what was written before the rename
        if (drained === null) return;
        fs.closeSync(fd);
      }
      fd = openQuietly(file);
      inode = fd === null ? null : fs.fstatSync(fd).ino;
      position = 0;
      continue;
    }
    await sleep(POLL_MS);
  }
}

const buffer = Buffer.alloc(64 * 1024);

/** Bytes FROM..TO of FD to WRITE; null when the reader went away. */
function drain(fd: number, from: number, to: number, write: Sink): number | null {
  let position = from;
  while (position < to) {
    const read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, to - position), position);
    if (read <= 0) break;
    if (!write(buffer.subarray(0, read))) return null;
    position += read;
  }
  return position - from;
}

function openQuietly(file: string): number | null {
  try {
    return fs.openSync(file, 'r');
  } catch {
    return null;
  }
}
