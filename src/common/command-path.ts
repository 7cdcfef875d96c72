import fs = require('node:fs');
import path = require('node:path');

export type CommandLookup =
  | { found: true; file: string }
  | { found: false; errno: 'ENOENT' | 'EACCES' };

/** glibc's fallback search path when PATH is unset (confstr _CS_PATH). */
const DEFAULT_PATH = '/bin:/usr/bin';

/**
 * Finds COMMAND the way execvp(3) would, so that a missing or unrunnable
 * command is reported before anything is started, with the status GNU nohup
 * gives (127 not found, 126 found but not runnable). A name with a slash is
 * taken as it is; otherwise each PATH entry is tried, and a file that exists
 * but cannot be run only wins if nothing runnable comes later.
 */
export function lookupCommand(command: string, envPath: string | undefined, cwd: string): CommandLookup {
  if (command === '') return { found: false, errno: 'ENOENT' };
  if (command.includes('/')) return checkRunnable(path.resolve(cwd, command));
  let sawUnrunnable = false;
  for (const dir of (envPath ?? DEFAULT_PATH).split(':')) {
    // An empty entry means the current directory, as in execvp.
    const candidate = path.resolve(cwd, dir === '' ? '.' : dir, command);
    const result = checkRunnable(candidate);
    if (result.found) return result;
    if (result.errno === 'EACCES') sawUnrunnable = true;
  }
  return { found: false, errno: sawUnrunnable ? 'EACCES' : 'ENOENT' };
}

function checkRunnable(file: string): CommandLookup {
  let stat: fs.Stats | undefined;
  try {
    // A PATH entry without the command is the usual case: no error is made
    // for it (an exception and its stack, in cold code, for each entry).
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { found: false, errno: code === 'EACCES' ? 'EACCES' : 'ENOENT' };
  }
  if (stat === undefined) return { found: false, errno: 'ENOENT' };
  // access(X_OK) succeeds for root on a directory, so the type is checked first.
  if (!stat.isFile()) return { found: false, errno: 'EACCES' };
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return { found: false, errno: 'EACCES' };
  }
  return { found: true, file };
}

/** strerror-style text for the two lookup failures. */
export function describeLookupError(errno: 'ENOENT' | 'EACCES'): string {
  return errno === 'ENOENT' ? 'No such file or directory' : 'Permission denied';
}
