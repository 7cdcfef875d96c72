import { hupShimWithRawArguments } from './raw-args';

/**
 * libuv resets every signal disposition in a spawned child, so SIG_IGN set in
 * Node never reaches the command (node-facts.md §1). A POSIX shell sets it
 * after the fork instead and then execs the command in place: same pid, same
 * argv[0], arguments passed through "$@" untouched, SIGHUP the only signal
 * left ignored.
 */
export const SHELL = '/bin/sh';

export function hupIgnoringArgv(command: string, args: readonly string[]): string[] {
  return ['-c', 'trap "" HUP; exec "$@"', 'sh', command, ...args];
}

/**
 * The same, for arguments whose bytes are not valid UTF-8 (RAW[i] is not
 * null): the script rebuilds those from octal escapes, the others come
 * through the positional parameters as usual.
 */
export function hupIgnoringArgvRaw(command: string, args: readonly string[], raw: Array<Buffer | null>): string[] {
  if (raw.every((bytes) => bytes === null)) return hupIgnoringArgv(command, args);
  return ['-c', hupShimWithRawArguments(raw), 'sh', command, ...args];
}
