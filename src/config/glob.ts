// Python's glob.glob over an injected directory listing, for [include]
// files=: `*`, `?` and `[...]` per path component; a leading dot is matched
// only by a pattern that starts with one.
import type { ConfigDeps } from './deps';
import { basename, dirname, joinPath } from './paths';

type GlobFs = Pick<ConfigDeps, 'listDir' | 'fileExists' | 'dirExists'>;

const MAGIC = /[*?[]/;

/** The paths matching PATTERN, in code-point order (supervisor sorts them). */
export function globPaths(pattern: string, fs: GlobFs): string[] {
  return [...new Set(globUnsorted(pattern, fs))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function globUnsorted(pattern: string, fs: GlobFs): string[] {
  if (!MAGIC.test(pattern)) return fs.fileExists(pattern) || fs.dirExists(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const base = basename(pattern);
  const dirs = dir !== pattern && MAGIC.test(dir) ? globUnsorted(dir, fs).filter((d) => fs.dirExists(d)) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    if (!MAGIC.test(base)) {
      const path = joinPath(d, base);
      if (base === '' ? fs.dirExists(d) : fs.fileExists(path) || fs.dirExists(path)) out.push(path);
      continue;
    }
    const matcher = fnmatchRegExp(base);
    for (const name of fs.listDir(d === '' ? '.' : d) ?? []) {
      if (name.startsWith('.') && !base.startsWith('.')) continue;
      if (matcher.test(name)) out.push(d === '' ? name : joinPath(d, name));
    }
  }
  return out;
}

/** fnmatch.translate: the whole name must match. */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else if (ch === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      else if (body.startsWith('^')) body = `\\${body}`;
      re += `[${body.replace(/\]/g, '\\]')}]`;
      i = j;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
