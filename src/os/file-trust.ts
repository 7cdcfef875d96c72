import fs = require('node:fs');
import path = require('node:path');
import type { DaemonPaths } from '../model/daemon-paths';
import type { OwnedPath } from '../model/owned-path';

/**
 * The pidfile and state file as they are (not followed), then every
 * directory from their real one up to /: whoever may write any of them can
 * put another file in the pidfile's place.
 */
export function ownedPaths(paths: DaemonPaths): OwnedPath[] {
  const entries: OwnedPath[] = [];
  for (const file of [paths.pidfile, paths.statefile]) {
    const stat = lstatOrNull(file);
    // A symbolic link is never followed: its readers refuse it on their own.
    if (stat !== null && !stat.isSymbolicLink()) entries.push(owned(file, stat));
  }
  let dir: string;
  try {
    dir = fs.realpathSync(path.dirname(paths.pidfile));
  } catch {
    return entries; // no directory: nothing in it to trust; start says what is missing
  }
  for (;;) {
    const stat = lstatOrNull(dir);
    if (stat !== null) entries.push(owned(dir, stat));
    const parent = path.dirname(dir);
    if (parent === dir) return entries;
    dir = parent;
  }
}

function owned(file: string, stat: fs.Stats): OwnedPath {
  return { path: file, uid: stat.uid, mode: stat.mode, isDirectory: stat.isDirectory() };
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}
