// An in-memory world for loadConfig: files by absolute path (directories are
// implied by the files' paths, plus any listed in `dirs`), a few users.
import type { ConfigDeps, UserRecord } from '../../src/config';

export interface FakeWorld {
  files: Record<string, string>;
  dirs?: string[];
  env?: Record<string, string>;
  users?: UserRecord[];
  cwd?: string;
  unreadable?: string[];
}

export const ROOT: UserRecord = { name: 'root', uid: 0, gid: 0, home: '/root' };
export const NOBODY: UserRecord = { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' };

export function fakeDeps(world: FakeWorld): ConfigDeps {
  const dirs = new Set<string>(['/', '/tmp', ...(world.dirs ?? [])]);
  for (const path of [...Object.keys(world.files), ...(world.dirs ?? [])]) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') || '/');
  }
  const users = world.users ?? [ROOT, NOBODY];
  return {
    readFile(path) {
      if (world.unreadable?.includes(path)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      if (dirs.has(path)) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      const text = world.files[path];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    },
    listDir(path) {
      if (!dirs.has(path)) return undefined;
      const prefix = path === '/' ? '/' : `${path}/`;
      const names = new Set<string>();
      for (const p of [...Object.keys(world.files), ...dirs]) {
        if (p.startsWith(prefix) && p !== prefix) names.add(p.slice(prefix.length).split('/')[0]);
      }
      return [...names].reverse(); // any order: the loader must sort
    },
    fileExists: (path) => path in world.files || dirs.has(path),
    dirExists: (path) => dirs.has(path),
    env: world.env ?? { HOME: '/root', PATH: '/usr/bin:/bin' },
    hostname: 'vm',
    cwd: world.cwd ?? '/work',
    lookupUser: (key) => users.find((u) => u.name === key || String(u.uid) === key),
    lookupGroup: (key) => (key === 'root' || key === '0' ? { name: 'root', gid: 0 } : undefined),
  };
}
