// POSIX path arithmetic without node:path, so the config code stays pure.

export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

/** Python's os.path.dirname: '' for a bare name, '/' for '/x'. */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash === -1) return '';
  const head = path.slice(0, slash + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Python's os.path.join: an absolute part restarts the path. */
export function joinPath(...parts: string[]): string {
  let out = '';
  for (const part of parts) {
    if (isAbsolute(part) || out === '') out = part;
    else out = out.endsWith('/') ? out + part : `${out}/${part}`;
  }
  return out;
}

/** Removes `.`, `..` and repeated slashes (os.path.normpath). */
export function normalizePath(path: string): string {
  if (path === '') return '.';
  const absolute = isAbsolute(path);
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** PATH made absolute against CWD and normalized. */
export function resolvePath(cwd: string, path: string): string {
  return normalizePath(isAbsolute(path) ? path : joinPath(cwd, path));
}

/**
 * os.path.expanduser: `~` from $HOME, `~name` from the user database; left
 * as written when neither is known.
 */
export function expandUser(path: string, home: string | undefined, homeOf: (name: string) => string | undefined): string {
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const name = slash === -1 ? path.slice(1) : path.slice(1, slash);
  const rest = slash === -1 ? '' : path.slice(slash);
  const dir = name === '' ? home : homeOf(name);
  if (dir === undefined) return path;
  return dir.replace(/\/+$/, '') + rest || '/';
}
