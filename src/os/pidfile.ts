import fs = require('node:fs');
import { describeErrno } from '../common/errors';
import { parsePidfileText } from '../model/pidfile-codec';
import type { PidfileReading } from '../model/record';

/**
 * Reads a pidfile strictly (pidfile-codec.ts). A symlink is refused, never
 * followed: a pidfile is written by rename and is never a link. Opened
 * non-blocking and checked to be a regular file, so a fifo put in its place
 * cannot hang the reader.
 */
export function readPidfile(file: string): PidfileReading {
  let text: string;
  try {
    // No pidfile is the usual answer of the polls a start makes: said without
    // an exception, which in a cold process costs more than this lstat.
    if (fs.lstatSync(file, { throwIfNoEntry: false }) === undefined) return { kind: 'absent' };
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      if (!fs.fstatSync(fd).isFile()) return { kind: 'invalid', problem: 'unreadable', reason: 'it is not a regular file' };
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    if (code === 'ELOOP') return { kind: 'invalid', problem: 'symlink', reason: 'it is a symbolic link' };
    return { kind: 'invalid', problem: 'unreadable', reason: `it cannot be read: ${describeErrno(error)}` };
  }
  return parsePidfileText(text);
}
