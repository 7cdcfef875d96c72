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
  const start = path.dirname(paths.pidfile);
  // The walk up from the directory as named is the walk from its real one
  // when no step of it is a symbolic link (the usual case): realpath, which
  // stats every step too, is only needed when one is.
  const walked = path.isAbsolute(start) && path.normalize(start) === start ? walkUp(start) : null;
  if (walked !== null) return entries.concat(walked);
  let dir: string;
  try {
    dir = fs.realpathSync(start);
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

/** DIR and each directory above it, when each is one (not a link, nor missing); null otherwise. */
function walkUp(dir: string): OwnedPath[] | null {
  const entries: OwnedPath[] = [];
  for (;;) {
    const stat = lstatOrNull(dir);
    if (stat === null || !stat.isDirectory()) return null;
    entries.push(owned(dir, stat));
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
