import fs = require('node:fs');
import { describeErrno } from '../common/errors';

export type PidfileReading =
  | { kind: 'absent' }
  | { kind: 'pid'; pid: number; text: string }
  | { kind: 'invalid'; problem: 'empty' | 'symlink' | 'not-a-pid' | 'unreadable'; reason: string };

/**
 * Reads a pidfile strictly: one positive decimal number and a newline (a
 * missing newline is forgiven). A symlink is refused, never followed: a
 * pidfile is written by rename and is never a link.
 */
export function readPidfile(file: string): PidfileReading {
  let text: string;
  try {
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
  if (text === '') return { kind: 'invalid', problem: 'empty', reason: 'it is empty' };
  const match = /^([1-9]\d{0,9})\n?$/.exec(text);
  if (!match || Number(match[1]) > 4194304) {
    return { kind: 'invalid', problem: 'not-a-pid', reason: `it does not hold a process id (${JSON.stringify(text.slice(0, 20))})` };
  }
  return { kind: 'pid', pid: Number(match[1]), text };
}
