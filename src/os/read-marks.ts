import fs = require('node:fs');
import path = require('node:path');

/*
 * What a follower remembers of the bytes it read from a file, to recognise
 * them later: the first MARK bytes of the file, and the last MARK bytes
 * before its read position. They tell a truncation that grew back past our
 * position (the bytes before it are no longer ours), and they find
 * logrotate's copy of a file truncated by copytruncate (it starts with our
 * head and holds our tail at our position), from which the lines written
 * after our last read and before the truncation can still be read.
 */

const MARK = 32;

export interface ReadMarks {
  head: Buffer;
  headLength: number;
  tail: Buffer;
  tailLength: number;
}

export function freshMarks(): ReadMarks {
  return { head: Buffer.alloc(MARK), headLength: 0, tail: Buffer.alloc(MARK), tailLength: 0 };
}

/** Marks for a file opened at POSITION without reading what is before it. */
export function marksAt(fd: number, position: number): ReadMarks {
  const marks = freshMarks();
  if (position <= 0) return marks;
  marks.headLength = fs.readSync(fd, marks.head, 0, Math.min(MARK, position), 0);
  const length = Math.min(MARK, position);
  marks.tailLength = fs.readSync(fd, marks.tail, 0, length, position - length) === length ? length : 0;
  return marks;
}

/** Records BYTES, just read from START. */
export function noteRead(marks: ReadMarks, start: number, bytes: Buffer): void {
  if (start < MARK) {
    const count = bytes.copy(marks.head, start, 0, Math.min(bytes.length, MARK - start));
    marks.headLength = Math.max(marks.headLength, start + count);
  }
  if (bytes.length >= MARK) {
    bytes.copy(marks.tail, 0, bytes.length - MARK);
    marks.tailLength = MARK;
    return;
  }
  const keep = Math.min(marks.tailLength, MARK - bytes.length);
  marks.tail.copy(marks.tail, 0, marks.tailLength - keep, marks.tailLength);
  bytes.copy(marks.tail, keep);
  marks.tailLength = keep + bytes.length;
}

/** Whether FD still holds, just before POSITION, the bytes we read there. */
export function tailHolds(fd: number, position: number, marks: ReadMarks): boolean {
  return holds(fd, position - marks.tailLength, marks.tail, marks.tailLength);
}

/**
 * A file beside FILE (its name starting as FILE's does, as logrotate names
 * its copies: app.log.1, app.log-20261129, app-20261129.log) that starts
 * with our head and holds our tail before POSITION, and is longer: the copy
 * of the file we were reading, made before it was truncated. Its path, or
 * null. INODE (ours) is skipped. An older copy may match too (the same
 * start-up banner at the same offset): the most recently written wins.
 */
export function findCopy(file: string, inode: number, position: number, marks: ReadMarks): string | null {
  if (position <= 0 || marks.headLength === 0 || marks.tailLength === 0) return null;
  const dir = path.dirname(file);
  const base = path.basename(file);
  const stem = base.startsWith('.') ? base : base.split('.')[0];
  let best: { path: string; mtimeMs: number } | null = null;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name !== base && name.startsWith(stem));
  } catch {
    return null;
  }
  for (const name of names) {
    const candidate = path.join(dir, name);
    let fd = -1;
    try {
      fd = fs.openSync(candidate, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const stats = fs.fstatSync(fd);
      if (!stats.isFile() || stats.ino === inode || stats.size <= position) continue;
      if (best !== null && stats.mtimeMs <= best.mtimeMs) continue;
      if (holds(fd, 0, marks.head, marks.headLength) && tailHolds(fd, position, marks)) best = { path: candidate, mtimeMs: stats.mtimeMs };
    } catch {
      // gone, unreadable: not it
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }
  return best?.path ?? null;
}

function holds(fd: number, at: number, expected: Buffer, length: number): boolean {
  if (length === 0) return true;
  if (at < 0) return false;
  const now = Buffer.allocUnsafe(length);
  return fs.readSync(fd, now, 0, length, at) === length && now.equals(expected.subarray(0, length));
}
