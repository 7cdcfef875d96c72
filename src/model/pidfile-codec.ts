import type { PidfileReading } from './record';

/** The largest pid Linux hands out (pid_max's ceiling, 2^22). */
const PID_MAX = 4194304;

/**
 * A pidfile's text, read strictly: one positive decimal number and a newline
 * (a missing newline is forgiven). Anything else is invalid, never a guess.
 */
export function parsePidfileText(text: string): PidfileReading {
  if (text === '') return { kind: 'invalid', problem: 'empty', reason: 'it is empty' };
  const match = /^([1-9]\d{0,9})\n?$/.exec(text);
  if (!match || Number(match[1]) > PID_MAX) {
    return { kind: 'invalid', problem: 'not-a-pid', reason: `it does not hold a process id (${JSON.stringify(text.slice(0, 20))})` };
  }
  return { kind: 'pid', pid: Number(match[1]), text };
}

export function formatPidfileText(pid: number): string {
  return `${pid}\n`;
}
