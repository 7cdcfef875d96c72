import { openAppendExact } from '../common/atomic-file';
import { describeErrno } from '../common/errors';
import { quoteName } from '../common/quote';
import { exitWith } from './exit';

export interface OpenedOutput {
  name: string;
  fd: number;
}

/**
 * Opens the first of CANDIDATES that can be opened for appending (created
 * 0600), or says why each failed, even the same name twice (HOME=""), and
 * ends tnohup with INTERNAL_FAILURE, as GNU nohup does.
 */
export function openOutput(candidates: string[], say: (line: string) => unknown, internalFailure: number): OpenedOutput | null {
  if (candidates.length === 0) return null;
  const failures: string[] = [];
  for (const name of candidates) {
    try {
      return { name, fd: openAppendExact(name, 0o600) };
    } catch (error) {
      failures.push(`failed to open ${quoteName(name)}: ${describeErrno(error)}`);
    }
  }
  // GNU names every file it tried, even the same one twice (HOME="").
  for (const line of failures) say(line);
  return exitWith(internalFailure);
}

