import type { OwnedPath } from '../model/owned-path';

/**
 * Which of a daemon's files root may act on. A pidfile is a promise "this
 * pid is the daemon"; whoever can write it, or replace it in its directory,
 * can make root signal any process (start-stop-daemon refuses the same:
 * "matching only on non-root pidfile is insecure"). Pure: the stats come
 * from os/file-trust.ts.
 */

const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

/**
 * Why root must not trust PATH, or null. A file must be root's and writable
 * by root alone. A directory must be root's and writable by root alone,
 * unless it is sticky (/tmp): there only a file's owner may replace it, and
 * the file's own check covers that.
 */
export function distrustReason(entry: OwnedPath): string | null {
  const what = entry.isDirectory ? `its directory ${entry.path}` : 'it';
  if (entry.uid !== 0) return `${what} is owned by uid ${entry.uid}, not root`;
  if ((entry.mode & GROUP_OR_OTHER_WRITE) === 0) return null;
  if (entry.isDirectory && (entry.mode & STICKY) !== 0) return null;
  return `${what} is writable by group or others (mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')})`;
}

/** The first reason to distrust, checked from the files up to /; null when root may act. */
export function firstDistrust(entries: readonly OwnedPath[]): { path: string; reason: string } | null {
  for (const entry of entries) {
    const reason = distrustReason(entry);
    if (reason !== null) return { path: entry.path, reason };
  }
  return null;
}
