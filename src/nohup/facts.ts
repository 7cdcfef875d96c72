import tty = require('node:tty');
import type { TerminalFacts } from './plan';

/**
 * Node opens /dev/null on any of descriptors 0-2 that is closed before a line
 * of JavaScript runs, so a closed one looks like an open /dev/null here.
 * bin/tnohup, a shell script, looks first and passes the closed ones in
 * TNOHUP_CLOSED_FDS (e.g. "12"). The variable is removed at once so the
 * command never inherits it.
 */
export function takeClosedDescriptors(env: NodeJS.ProcessEnv): Set<number> {
  const text = env.TNOHUP_CLOSED_FDS ?? '';
  delete env.TNOHUP_CLOSED_FDS;
  return new Set([...text].map(Number).filter((fd) => fd === 0 || fd === 1 || fd === 2));
}

/**
 * Node marks the descriptors it inherited close-on-exec at start-up; GNU
 * nohup leaves them to the command. bin/tnohup lists those above 2 in
 * TNOHUP_INHERITED_FDS (e.g. " 3 7"), to be handed on by number.
 */
export function takeInheritedDescriptors(env: NodeJS.ProcessEnv): number[] {
  const text = env.TNOHUP_INHERITED_FDS ?? '';
  delete env.TNOHUP_INHERITED_FDS;
  return text
    .split(' ')
    .filter((word) => /^\d+$/.test(word))
    .map(Number)
    .filter((fd) => fd > 2);
}

/** Reads the three terminal facts GNU nohup decides on, plus -o and $HOME. */
export function readTerminalFacts(closed: ReadonlySet<number>, outputOption: string | undefined, env: NodeJS.ProcessEnv): TerminalFacts {
  return {
    stdinIsTerminal: !closed.has(0) && tty.isatty(0),
    stdoutIsTerminal: !closed.has(1) && tty.isatty(1),
    stderrIsTerminal: !closed.has(2) && tty.isatty(2),
    closed,
    outputOption,
    home: env.HOME,
  };
}
