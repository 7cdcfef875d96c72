import fs = require('node:fs');
import { writeAll } from '../common/say';
import { EXIT } from './exit-codes';
import { lastLines } from './log-tail';
import type { DaemonPaths } from './paths';
import { sleep } from './session';
import { complain } from './messages';
import { readState } from './state';

const POLL_MS = 100;

/** Prints the last LINES lines of the daemon's log, then follows it if asked. */
export async function showLogs(paths: DaemonPaths, lines: number, follow: boolean): Promise<number> {
  const state = readState(paths.statefile);
  const log = state.kind === 'ok' ? state.record.log : paths.defaultLog;
  if (!fs.existsSync(log)) {
    complain(`${paths.name}: no log at ${log}`);
    return EXIT.FAILURE;
  }
  let offset = 0;
  try {
    offset = fs.statSync(log).size;
  } catch {
    // raced with a rotation; follow starts from the beginning of the new file
  }
  for (const line of lastLines(log, lines)) writeOut(Buffer.from(`${line}\n`));
  if (!follow) return EXIT.OK;
  await followFile(log, offset);
  return EXIT.OK;
}

/**
 * Follows FILE from OFFSET through rotation: renamed away (the old file is
 * read to its end, then the new one from its start) or truncated in place
 * (read again from the start). Polls, as tail -F does on most systems.
 */
async function followFile(file: string, offset: number): Promise<never> {
  let fd: number | null = openQuietly(file);
  let inode = fd === null ? null : fs.fstatSync(fd).ino;
  let position = offset;
  for (;;) {
    if (fd !== null) {
      const size = fs.fstatSync(fd).size;
      if (size < position) position = 0; // truncated
      position += drain(fd, position, size);
    }
    let current: fs.Stats | null = null;
    try {
      current = fs.statSync(file);
    } catch {
      current = null;
    }
    if (current !== null && current.ino !== inode) {
      if (fd !== null) {
        position += drain(fd, position, fs.fstatSync(fd).size); // what was written before the rename
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

function drain(fd: number, from: number, to: number): number {
  let position = from;
  while (position < to) {
    const read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, to - position), position);
    if (read <= 0) break;
    writeOut(buffer.subarray(0, read));
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

/** Bytes as they are in the log; a reader that went away (EPIPE) ends us quietly. */
function writeOut(bytes: Buffer): void {
  if (!writeAll(1, bytes)) process.exit(EXIT.OK);
}
