import { writeQuietly } from '../common/say';

/** A message for the user: `tdaemon: ` then one line, on stdout. */
export function say(line: string): void {
  writeQuietly(1, `tdaemon: ${line}\n`);
}

/** A problem: `tdaemon: ` then one line, on stderr. */
export function complain(line: string): void {
  writeQuietly(2, `tdaemon: ${line}\n`);
}
