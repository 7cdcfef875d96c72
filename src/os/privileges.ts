import { lookupCommand } from '../common/command-path';

/** The user and group a command runs as (absent: tdaemon's own). */
export interface Credentials {
  uid?: number;
  gid?: number;
}

/** What to spawn so that COMMAND runs with the credentials asked for. */
export interface CredentialedCommand {
  command: string[];
  /** For spawn's own uid and gid options (libuv's switch), when setpriv does not do it. */
  uid?: number;
  gid?: number;
}

let setprivPath: string | null | undefined;

/** util-linux's setpriv, looked up once in tdaemon's PATH (or the system's). */
function findSetpriv(): string | null {
  if (setprivPath === undefined) {
    const found = lookupCommand('setpriv', process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', '/');
    setprivPath = found.found ? found.file : null;
  }
  return setprivPath;
}

/**
 * Runs COMMAND as the user (and group) of CREDENTIALS with that user's
 * supplementary groups, as a login, su or start-stop-daemon --chuid would
 * give them. spawn's uid/gid cannot: libuv calls setgroups(0, NULL) before
 * setuid, so the command would lose every group but the primary one (a
 * user in group `ssl-cert` could not read the key it was given). setpriv
 * runs initgroups(3) for the user, sets real, effective and saved ids,
 * then execs the command in place: same pid, same start time. Without a
 * user (a group alone), or without setpriv, libuv's switch is used.
 */
export function withCredentials(command: readonly string[], credentials: Credentials): CredentialedCommand {
  const { uid, gid } = credentials;
  // Not root: no groups can be set (libuv's switch ignores that failure; setpriv would not).
  const setpriv = uid !== undefined && gid !== undefined && process.getuid?.() === 0 ? findSetpriv() : null;
  if (setpriv === null) return { command: [...command], uid, gid };
  return { command: [setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', ...command] };
}
