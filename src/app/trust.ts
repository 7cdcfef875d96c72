import type { DaemonPaths } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { ownedPaths } from '../os/file-trust';
import { firstDistrust } from '../policy/file-trust';

/**
 * The paths already found trustworthy by this process: once their
 * directories are root's alone, only root can replace what is in them, so
 * the probes a verb repeats (start polls several) need not walk up to /
 * again.
 */
const trusted = new WeakSet<DaemonPaths>();

/**
 * Run as root, refuses (PRIVILEGE, exit 4) a daemon whose pidfile or state
 * file another user could have written: one owned by someone else or
 * writable by others, or in a directory (or under one) that someone else
 * owns or may write. Every verb asks before it reads a record, so nothing
 * is signalled, removed or started then. Any other user can only signal
 * its own processes: nothing is checked.
 */
export function requireTrustedFiles(paths: DaemonPaths): void {
  if (process.getuid?.() !== 0 || trusted.has(paths)) return;
  const distrust = firstDistrust(ownedPaths(paths));
  if (distrust === null) {
    trusted.add(paths);
    return;
  }
  const file = distrust.path === paths.statefile ? `state file ${paths.statefile}` : `pidfile ${paths.pidfile}`;
  throw new DaemonError(
    'PRIVILEGE',
    `refusing ${file}: ${distrust.reason}, so another user could make it name any process for root to signal; ` +
      'as root, use --name (files in /run/tdaemon) or a pidfile in a directory only root can write',
  );
}
