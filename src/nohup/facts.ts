import fs = require('node:fs');
import tty = require('node:tty');
import type { TerminalFacts } from './plan';

/** Reads the three terminal facts GNU nohup decides on, plus -o and $HOME. */
export function readTerminalFacts(outputOption: string | undefined, env: NodeJS.ProcessEnv): TerminalFacts {
  return {
    stdinIsTerminal: tty.isatty(0),
    stdoutIsTerminal: tty.isatty(1),
    stderrIsTerminal: tty.isatty(2),
    stdoutIsClosed: isClosed(1),
    outputOption,
    home: env.HOME,
  };
}

function isClosed(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EBADF';
  }
}
